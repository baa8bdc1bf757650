using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Provenance.Trust;

/// <summary>SHA-256 fingerprints of certificates, the handle galleries use to name an artist's root.</summary>
public static class CertificateFingerprint
{
    /// <summary>Lowercase hex SHA-256 of the certificate's DER encoding (64 characters).</summary>
    public static string Sha256(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.RawData)).ToLowerInvariant();
    }

    /// <summary>The display form `AB:CD:...`, the same as `openssl x509 -fingerprint -sha256` prints.</summary>
    public static string Display(string hexFingerprint)
    {
        ArgumentNullException.ThrowIfNull(hexFingerprint);
        var builder = new StringBuilder(hexFingerprint.Length * 3 / 2);
        for (int i = 0; i < hexFingerprint.Length; i += 2)
        {
            if (i > 0)
            {
                builder.Append(':');
            }

            builder.Append(hexFingerprint, i, Math.Min(2, hexFingerprint.Length - i));
        }

        return builder.ToString().ToUpperInvariant();
    }

    /// <summary>Accepts a fingerprint typed by a person (colons, spaces, either case); returns lowercase hex, or null when it is not 64 hex digits.</summary>
    public static string? Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(64);
        foreach (char c in text)
        {
            if (c == ':' || c == ' ')
            {
                continue;
            }

            if (!Uri.IsHexDigit(c) || builder.Length == 64)
            {
                return null;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.Length == 64 ? builder.ToString() : null;
    }
}
