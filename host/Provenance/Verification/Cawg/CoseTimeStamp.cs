using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Tsp;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>
/// The RFC 3161 time stamp in a COSE_Sign1's unprotected header (`sigTst2` over the signature, or `sigTst` over the
/// payload; C2PA 2.2 §10.3.2.5), as the identity credentials carry it (CAWG identity 1.1 §8.1: the aggregator's
/// credential may be time-stamped).
/// </summary>
internal static class CoseTimeStamp
{
    /// <summary>The token bytes and whether it is a v2 (`sigTst2`) one; null when the header has no time stamp.</summary>
    public static (byte[]? Token, bool V2, string? Problem)? Find(CborNode unprotected)
    {
        bool v2 = true;
        CborNode? container = unprotected["sigTst2"];
        if (container == null)
        {
            v2 = false;
            container = unprotected["sigTst"];
        }
        if (container == null) return null;
        CborNode? tokens = container["tstTokens"];
        if (tokens == null || !tokens.IsArray || tokens.Items.Count == 0) return (null, v2, "the time stamp header holds no token");
        // c2pa-rs: "only a single timestamp response is allowed".
        if (tokens.Items.Count > 1) return (null, v2, "the time stamp header holds more than one token");
        byte[]? token = tokens.Items[0]["val"]?.Bytes;
        return token == null ? (null, v2, "the time stamp token is not a byte string") : (token, v2, null);
    }

    /// <summary>
    /// Checks the token covers <paramref name="protectedHeader"/> with the signature (v2) or payload (v1), and that the
    /// TSA's signature verifies. Returns the time it proves, or throws <see cref="FormatException"/> saying why not.
    /// The TSA is not judged against a trust store here (c2pa-rs uses a pass-through policy for the aggregator's stamp).
    /// </summary>
    public static DateTimeOffset Validate(byte[] token, bool v2, byte[] protectedHeader, byte[] signature, byte[] payload)
    {
        TimeStampToken parsed;
        try
        {
            parsed = TimeStamping.ParseToken(token);
        }
        catch (Exception e) when (e is TspException or ArgumentException or System.IO.IOException or InvalidCastException or Org.BouncyCastle.Cms.CmsException)
        {
            throw new FormatException("the time stamp cannot be read: " + e.Message);
        }
        byte[] stamped = ClaimSignature.TimeStampedData(protectedHeader, v2 ? signature : payload, v2);
        byte[] expected = parsed.TimeStampInfo.MessageImprintAlgOid switch
        {
            "2.16.840.1.101.3.4.2.1" => SHA256.HashData(stamped),
            "2.16.840.1.101.3.4.2.2" => SHA384.HashData(stamped),
            "2.16.840.1.101.3.4.2.3" => SHA512.HashData(stamped),
            string oid => throw new FormatException($"the time stamp uses an unsupported hash ({oid})"),
        };
        if (!expected.AsSpan().SequenceEqual(parsed.TimeStampInfo.GetMessageImprintDigest()))
            throw new FormatException("the time stamp does not cover this credential's signature");
        Org.BouncyCastle.X509.X509Certificate? tsa = null;
        foreach (Org.BouncyCastle.X509.X509Certificate candidate in parsed.GetCertificates().EnumerateMatches(parsed.SignerID))
        {
            tsa = candidate;
            break;
        }
        try
        {
            if (tsa == null) throw new TspValidationException("the time stamp carries no TSA certificate");
            parsed.Validate(tsa);
        }
        catch (Exception e) when (e is TspException or TspValidationException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            throw new FormatException("the time stamp's signature does not verify: " + e.Message);
        }
        return new DateTimeOffset(DateTime.SpecifyKind(parsed.TimeStampInfo.GenTime, DateTimeKind.Utc));
    }
}
