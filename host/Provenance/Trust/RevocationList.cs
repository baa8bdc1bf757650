using System;
using System.Collections.Generic;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Provenance.Trust;

/// <summary>A parsed X.509 v2 CRL (RFC 5280 §5): issuer, cRLNumber, revoked serials, and a signature check against a root.</summary>
public sealed class RevocationList
{
    /// <summary>
    /// CRL entry extension (non-critical) of a token certificate revoked only for signatures with counter ≥ N: DER
    /// INTEGER N. A UUID-based OID (ITU-T X.667), ours alone. Tools that do not know it treat the certificate as revoked
    /// outright (RFC 5280 §5.3: unknown non-critical entry extensions are ignored), which is the safe failure.
    /// </summary>
    public const string FromCounterOid = "2.25.220097648458115901147441452517050826458";

    private readonly X509Crl crl;

    private RevocationList(X509Crl crl, BigInteger number, IReadOnlyList<string> revokedSerials)
    {
        this.crl = crl;
        Number = number;
        RevokedSerials = revokedSerials;
    }

    /// <summary>
    /// The counter from which <paramref name="entry"/> revokes (signatures before it stay good), or null when it revokes
    /// everything (no extension, or one that does not parse: a damaged limit must not narrow a revocation).
    /// </summary>
    public static long? FromCounterOf(X509CrlEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Asn1OctetString? value = entry.GetExtensionValue(new DerObjectIdentifier(FromCounterOid));
        if (value is null) return null;
        try
        {
            Org.BouncyCastle.Math.BigInteger n = DerInteger.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).Value;
            return n.SignValue >= 0 && n.BitLength < 63 ? n.LongValue : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or System.IO.IOException or Asn1Exception)
        {
            return null;
        }
    }

    /// <summary>The counter from which the certificate <paramref name="serialHex"/> is revoked; null when revoked outright or not listed.</summary>
    public long? FromCounter(string serialHex)
    {
        ArgumentNullException.ThrowIfNull(serialHex);
        string normalized = serialHex.TrimStart('0').ToUpperInvariant();
        ISet<X509CrlEntry>? entries = crl.GetRevokedCertificates();
        if (entries is null) return null;
        foreach (X509CrlEntry entry in entries)
            if (entry.SerialNumber.ToString(16).ToUpperInvariant().TrimStart('0') == normalized) return FromCounterOf(entry);
        return null;
    }

    /// <summary>The issuer's distinguished name as written in the CRL.</summary>
    public string Issuer => crl.IssuerDN.ToString();

    /// <summary>The cRLNumber extension (RFC 5280 §5.2.3).</summary>
    public BigInteger Number { get; }

    /// <summary>When the CRL was issued.</summary>
    public DateTimeOffset ThisUpdate => new(DateTime.SpecifyKind(crl.ThisUpdate, DateTimeKind.Utc));

    /// <summary>When the issuer promised the next one, if it did.</summary>
    public DateTimeOffset? NextUpdate => crl.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;

    /// <summary>Serial numbers of revoked certificates, uppercase hex as <see cref="X509Certificate2.SerialNumber"/> prints them.</summary>
    public IReadOnlyList<string> RevokedSerials { get; }

    /// <summary>How many certificates are listed.</summary>
    public int RevokedCount => RevokedSerials.Count;

    /// <summary>Parses a DER CRL.</summary>
    /// <exception cref="TrustStoreException">Not a CRL, or it has no cRLNumber.</exception>
    public static RevocationList Parse(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        X509Crl? crl;
        try
        {
            crl = new X509CrlParser().ReadCrl(der);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or System.IO.IOException or Org.BouncyCastle.Security.Certificates.CrlException or Asn1Exception or FormatException)
        {
            throw new TrustStoreException("That is not an X.509 CRL (" + e.Message + ").", e);
        }

        if (crl is null)
        {
            throw new TrustStoreException("That is not an X.509 CRL (no data).");
        }

        Asn1OctetString? numberExtension = crl.GetExtensionValue(X509Extensions.CrlNumber);
        if (numberExtension is null)
        {
            throw new TrustStoreException("The CRL has no cRLNumber (RFC 5280 §5.2.3), so it cannot be ordered against newer ones.");
        }

        BigInteger number;
        try
        {
            Org.BouncyCastle.Math.BigInteger value = DerInteger.GetInstance(X509ExtensionUtilities.FromExtensionValue(numberExtension)).Value;
            if (value.SignValue < 0)
            {
                throw new TrustStoreException("The CRL's cRLNumber is negative.");
            }

            number = BigInteger.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or System.IO.IOException or Asn1Exception or FormatException)
        {
            throw new TrustStoreException("The CRL's cRLNumber is malformed (" + e.Message + ").", e);
        }

        var serials = new List<string>();
        ISet<X509CrlEntry>? entries = crl.GetRevokedCertificates();
        if (entries is not null)
        {
            foreach (X509CrlEntry entry in entries)
            {
                serials.Add(entry.SerialNumber.ToString(16).ToUpperInvariant().PadLeft(2, '0'));
            }
        }

        return new RevocationList(crl, number, serials);
    }

    /// <summary>True when <paramref name="issuer"/>'s name matches the CRL issuer and its key verifies the CRL signature.</summary>
    public bool IsSignedBy(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        Org.BouncyCastle.X509.X509Certificate bcIssuer = new X509CertificateParser().ReadCertificate(issuer.RawData);
        if (!bcIssuer.SubjectDN.Equivalent(crl.IssuerDN, inOrder: true))
        {
            return false;
        }

        try
        {
            crl.Verify(bcIssuer.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is InvalidKeyException or SignatureException or Org.BouncyCastle.Security.Certificates.CrlException or ArgumentException or System.IO.IOException or InvalidOperationException or Asn1Exception)
        {
            return false;
        }
    }

    /// <summary>True when a certificate with serial <paramref name="serialHex"/> (as <see cref="X509Certificate2.SerialNumber"/> prints it) is listed.</summary>
    public bool Lists(string serialHex)
    {
        ArgumentNullException.ThrowIfNull(serialHex);
        string normalized = serialHex.TrimStart('0').ToUpperInvariant();
        foreach (string serial in RevokedSerials)
        {
            if (serial.TrimStart('0') == normalized)
            {
                return true;
            }
        }

        return false;
    }
}
