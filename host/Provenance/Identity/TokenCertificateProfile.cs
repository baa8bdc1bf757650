using System;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Provenance.Identity;

/// <summary>
/// What a token's end-entity certificate says, and how to read it back.
/// The profile follows C2PA 2.x §14.5.1 as c2pa-rs checks it (certificate_profile.rs): v3, ECDSA P-256 with SHA-256,
/// CA:FALSE, keyUsage digitalSignature (critical), an EKU set containing id-kp-emailProtection (accepted by default)
/// plus id-kp-documentSigning, an authorityKeyIdentifier, no critical extensions it does not know.
/// </summary>
public static class TokenCertificateProfile
{
    /// <summary>id-kp-emailProtection (RFC 5280 §4.2.1.12); c2pa-rs accepts it without configuration.</summary>
    public const string EmailProtectionOid = "1.3.6.1.5.5.7.3.4";

    /// <summary>id-kp-documentSigning (RFC 9336).</summary>
    public const string DocumentSigningOid = "1.3.6.1.5.5.7.3.36";

    /// <summary>X.520 serialNumber attribute; carries the token's serial in the subject.</summary>
    public const string SerialNumberAttributeOid = "2.5.4.5";

    /// <summary>X.520 organizationalUnitName; carries the key protection sentence.</summary>
    public const string OrganizationalUnitOid = "2.5.4.11";

    /// <summary>Key protection value for a key generated inside the ATECC608B.</summary>
    public const string SecureElement = "secureElement";

    /// <summary>
    /// Key protection value for a key the chip attested at enrollment: its maker's certificate chained to a maker root the
    /// artist trusts and the chip signed a statement about this very key (DESIGN.md "Key protection, proven or claimed").
    /// </summary>
    public const string Attested = "attested";

    /// <summary>OU text of an attested token certificate.</summary>
    public const string AttestedUnit = "key protection: attested (secure element, chip certificate verified to its maker's root)";

    /// <summary>Key protection value for the software key (development boards, emulator, embedded token).</summary>
    public const string Software = "software";

    /// <summary>OU text of a secure-element token certificate.</summary>
    public const string SecureElementUnit = "key protection: secureElement (hardware-protected)";

    /// <summary>OU text of a software-key token certificate.</summary>
    public const string SoftwareUnit = "key protection: software (development, not hardware-protected)";

    /// <summary>Leaf certificates live this long, and never longer than the root that issues them.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(5 * 365);

    /// <summary>Subject common name of a token certificate.</summary>
    public static string CommonName(string artistName, string tokenSerial) => artistName + " token " + tokenSerial;

    /// <summary>The key protection a token certificate records (`secureElement` or `software`), or null when it is not one of ours.</summary>
    public static string? KeyProtectionOf(X509Certificate2 certificate)
    {
        string? unit = ReadAttribute(certificate.SubjectName, OrganizationalUnitOid);
        return unit switch
        {
            SecureElementUnit => SecureElement,
            AttestedUnit => Attested,
            SoftwareUnit => Software,
            _ => null,
        };
    }

    /// <summary>The token serial a token certificate records in its subject serialNumber, or null.</summary>
    public static string? TokenSerialOf(X509Certificate2 certificate) => ReadAttribute(certificate.SubjectName, SerialNumberAttributeOid);

    /// <summary>The first value of attribute <paramref name="oid"/> in a distinguished name, or null.</summary>
    public static string? ReadAttribute(X500DistinguishedName name, string oid)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            foreach (X500RelativeDistinguishedName rdn in name.EnumerateRelativeDistinguishedNames())
            {
                if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid)
                {
                    return rdn.GetSingleElementValue();
                }
            }
        }
        catch (CryptographicException)
        {
            // A foreign certificate with a malformed name (verifiers call this on untrusted input) has no readable attribute.
        }

        return null;
    }

    /// <summary>True when <paramref name="certificate"/> certifies the uncompressed P-256 point <paramref name="publicKey"/> (65 bytes, 0x04 ‖ X ‖ Y) a token reports.</summary>
    public static bool CertifiesKey(X509Certificate2 certificate, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(publicKey);
        using ECDsa? key = certificate.GetECDsaPublicKey();
        if (key is null || publicKey.Length != 65 || publicKey[0] != 0x04)
        {
            return false;
        }

        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        return parameters.Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value
            && parameters.Q.X.AsSpan().SequenceEqual(publicKey.AsSpan(1, 32))
            && parameters.Q.Y.AsSpan().SequenceEqual(publicKey.AsSpan(33, 32));
    }

    /// <summary>A token serial is printed into file names and a PrintableString, so only letters, digits, '-' and '_' (up to 64) are accepted.</summary>
    public static bool IsWellFormedSerial(string? serial)
    {
        if (string.IsNullOrEmpty(serial) || serial.Length > 64)
        {
            return false;
        }

        foreach (char c in serial)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The uniformResourceIdentifier of a certificate's subjectAltName, where the artist's URL is recorded; null when absent.</summary>
    public static string? UrlOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            try
            {
                // RFC 5280 §4.2.1.6: GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier is [6] IA5String.
                var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
                AsnReader names = reader.ReadSequence();
                while (names.HasData)
                {
                    Asn1Tag tag = names.PeekTag();
                    if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 6)
                    {
                        return names.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6));
                    }

                    names.ReadEncodedValue();
                }
            }
            catch (AsnContentException)
            {
                return null;
            }
        }

        return null;
    }

    internal static byte[] RandomSerialNumber()
    {
        // RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit cleared.
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }
}
