using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>
/// Validates an X.509 identity credential (CAWG identity 1.1 §8.2 "X.509 certificates and COSE signatures"): a
/// COSE_Sign1 with a detached payload, the signer payload's CBOR, signed by the certificate in its x5chain; the
/// codes are those of CAWG identity 1.3 §8.2.2 "Validating the COSE signature".
/// </summary>
internal static class X509IdentityVerifier
{
    /// <summary>The signing certificate's subject when the signature verified, else null.</summary>
    /// <param name="boundCounter">The counter the token bound into the claim (issue 15), or null: decides whether a revocation from signature N on covers this identity.</param>
    public static (string? Subject, bool Trusted) Verify(SignerPayload payload, byte[] signature, IdentityStatusLog log, TrustSettings trust, DateTimeOffset now, long? boundCounter = null)
    {
        ParsedCoseSign1 cose;
        var chain = new List<X509Certificate2>();
        try
        {
            cose = ParsedCoseSign1.Parse(signature);
            foreach (byte[] der in cose.CertificateChain) chain.Add(X509CertificateLoader.LoadCertificate(der));
        }
        catch (CryptographicException e)
        {
            log.Add(CawgCodes.X509CredentialInvalid, "the identity's certificate cannot be read: " + e.Message);
            return (null, false);
        }
        catch (Exception e) when (e is CborContentException or FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            // c2pa-rs reports a malformed COSE_Sign1 with the same code as a signature that does not match.
            log.Add(CawgCodes.X509SignatureMismatch, "the identity's signature is not a COSE_Sign1 with an x5chain: " + e.Message);
            return (null, false);
        }
        X509Certificate2 leaf = chain[0];
        string subject = leaf.GetNameInfo(X509NameType.SimpleName, false) is { Length: > 0 } simple ? simple : leaf.Subject;

        // §8.2: the COSE payload is detached; it is the signer payload as its CBOR stands in the assertion.
        byte[] toBeSigned = ClaimSignature.SigStructure("Signature1", cose.ProtectedHeaderBytes, payload.Encoded.Span);
        bool good;
        try
        {
            good = CertificateChecks.VerifySignature(cose.Algorithm, leaf, toBeSigned, cose.Signature);
        }
        catch (NotSupportedException e)
        {
            log.Add(CawgCodes.X509AlgorithmUnsupported, "the identity's " + e.Message);
            return (null, false);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            log.Add(CawgCodes.X509CredentialInvalid, "the identity's certificate key cannot be used: " + e.Message);
            return (null, false);
        }
        if (!good)
        {
            log.Add(CawgCodes.X509SignatureMismatch, $"the identity signature of {subject} does not match its signer payload");
            return (null, false);
        }
        log.Add(CawgCodes.X509SignatureValidated, $"the identity signature of {subject} is valid");

        // The certificate profile and validity are judged as for a claim signer (C2PA 2.2 §14.5), with CAWG's codes.
        if (CertificateChecks.ProfileProblem(leaf) is { } problem)
        {
            log.Add(CawgCodes.X509CredentialInvalid, "the identity's certificate: " + problem);
            return (subject, false);
        }
        // A time stamp on the identity's signature proves when it was made; the certificate is judged then (C2PA 2.2
        // §15.8 applied to the identity's COSE). A stamp that does not verify is ignored and the present time used.
        DateTime when = now.UtcDateTime;
        if (cose.TimeStampToken != null)
        {
            try
            {
                when = CoseTimeStamp.Validate(cose.TimeStampToken, cose.TimeStampIsV2, cose.ProtectedHeaderBytes, cose.Signature, payload.Encoded.ToArray()).UtcDateTime;
            }
            catch (FormatException)
            {
            }
        }
        if (when < leaf.NotBefore.ToUniversalTime() || when > leaf.NotAfter.ToUniversalTime())
        {
            log.Add(CawgCodes.X509SignatureOutsideValidity, $"the identity's certificate is not valid at {when:yyyy-MM-dd HH:mm} UTC");
            return (subject, false);
        }
        // The artist's identity certificate certifies her token's key, so a revoked token revokes it (Identity/README.md).
        // From signature N on: only a counter the token bound into this claim places it before N (issue 15, fail safe);
        // the identity signature was made in the same press, just before the claim's.
        var issuers = new List<X509Certificate2>(chain.GetRange(1, chain.Count - 1));
        issuers.AddRange(trust.Anchors);
        CertificateChecks.Revocation revocation = CertificateChecks.RevocationOf(leaf, issuers, trust.Crls);
        if (revocation.Revoked && !(revocation.FromCounter is { } lostAt && boundCounter is { } counter && counter < lostAt))
        {
            log.Add(CawgCodes.X509CredentialInvalid, revocation.FromCounter is { } from
                ? $"the identity's certificate ({subject}) was revoked from signature {from} on, and this claim's counter does not place it before"
                : $"the identity's certificate ({subject}) has been revoked");
            return (subject, false);
        }
        X509Certificate2? anchor = CertificateChecks.AnchorFor(leaf, chain.GetRange(1, chain.Count - 1), trust.Anchors, when);
        if (anchor != null) log.Add(CawgCodes.X509CredentialTrusted, $"the identity's certificate ({subject}) chains to a trusted root");
        else log.Add(CawgCodes.X509CredentialUntrusted, $"the identity's certificate ({subject}) does not chain to any root in the trust store");
        return (subject, anchor != null);
    }
}
