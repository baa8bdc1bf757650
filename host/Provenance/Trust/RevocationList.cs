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
    private readonly X509Crl crl;

    private RevocationList(X509Crl crl, BigInteger number, IReadOnlyList<string> revokedSerials)
    {
        this.crl = crl;
        Number = number;
        RevokedSerials = revokedSerials;
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
