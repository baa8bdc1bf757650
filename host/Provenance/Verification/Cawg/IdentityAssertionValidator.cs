using System;
using System.Collections.Generic;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>What validating one identity assertion showed, and the statuses it produced.</summary>
public sealed record IdentityCheck(IdentityFacts Facts, IReadOnlyList<ValidationStatus> Statuses);

/// <summary>
/// Validates the `cawg.identity` assertions of a manifest (CAWG identity 1.1 §7 "Validating the identity
/// assertion") as c2pa-rs 0.91.3 does, with its status codes. Only assertions that the claim referenced and whose
/// hash matched (<see cref="ValidationReport.Assertions"/>) are validated; the store is never walked.
/// </summary>
public static class IdentityAssertionValidator
{
    /// <summary>The assertion label (instance suffix removed) of an identity assertion.</summary>
    public const string Label = "cawg.identity";

    /// <summary>Validates every verified identity assertion; adds its statuses to the report and returns what each showed.</summary>
    public static IReadOnlyList<IdentityFacts> ValidateAll(ValidationReport report, Manifest active, Claim claim, TrustSettings trust)
    {
        var identities = new List<IdentityFacts>();
        foreach (VerifiedAssertion assertion in report.Assertions)
        {
            if (assertion.BaseLabel != Label) continue;
            IdentityCheck check = Validate(assertion, active.Label, claim, trust, DateTimeOffset.UtcNow);
            foreach (ValidationStatus status in check.Statuses)
            {
                if (status.IsFailure) report.Fail(status.Code, status.Url, status.Explanation);
                else report.Add(status.Code, status.Url, status.Explanation);
            }
            identities.Add(check.Facts);
        }
        return identities;
    }

    /// <summary>
    /// Validates one identity assertion of the manifest labelled <paramref name="manifestLabel"/> whose claim is
    /// <paramref name="claim"/>, at the time <paramref name="now"/>.
    /// </summary>
    public static IdentityCheck Validate(VerifiedAssertion assertion, string manifestLabel, Claim claim, TrustSettings trust, DateTimeOffset now)
    {
        IdentityStatusLog log = new(assertion.Url);
        IdentityFacts facts = Validate(assertion, manifestLabel, claim, trust, now, log);
        return new IdentityCheck(facts, log.Statuses);
    }

    private static IdentityFacts Validate(VerifiedAssertion assertion, string manifestLabel, Claim claim, TrustSettings trust, DateTimeOffset now, IdentityStatusLog log)
    {
        IdentityAssertion identity;
        try
        {
            identity = IdentityAssertion.Decode(assertion.Data);
        }
        catch (IdentityAssertionFormatException e)
        {
            // CAWG identity 1.1 §7: an assertion that does not follow the schema is cawg.identity.cbor.invalid;
            // c2pa-rs cannot load such a manifest at all and says assertion.required.missing (a failure).
            log.Add(CawgCodes.CborInvalid, $"the identity assertion {assertion.Label} is malformed: {e.Problem}");
            log.Add(CawgCodes.AssertionRequiredMissing, $"the identity assertion {assertion.Label} cannot be decoded: {e.Problem}");
            return new IdentityFacts { Label = assertion.Label, CredentialType = "unreadable", Verified = false, Codes = CodesOf(log) };
        }
        SignerPayload payload = identity.SignerPayload;

        // CAWG identity 1.1 §5: pad1 and pad2 are zeros.
        if (!identity.PaddingIsZero) log.Add(CawgCodes.PadInvalid, "the identity assertion's padding is not all zeros");

        CheckReferences(payload, manifestLabel, claim, log);

        string? issuer = null;
        bool trusted = false, verified = false;
        IReadOnlyList<VerifiedIdentity> verifiedIdentities = [];
        switch (payload.SigType)
        {
            case CawgCodes.X509SigType:
                (issuer, trusted) = X509IdentityVerifier.Verify(payload, identity.Signature, log, trust, now, claim.TokenBinding?.Counter);
                verified = issuer != null;
                // c2pa-rs says well-formed even after a padding or reference fault; only a faultless identity is here.
                if (verified && !log.AnyFailure) log.Add(CawgCodes.WellFormed, "the X.509 identity assertion is well formed and its signature valid");
                break;
            case CawgCodes.IcaSigType:
                (IcaCredential? credential, bool signatureVerified) = IcaVerifier.Verify(payload, identity.Signature, log, now);
                issuer = credential?.Issuer;
                verifiedIdentities = credential?.VerifiedIdentities ?? [];
                verified = signatureVerified;
                break;
            default:
                log.Add(CawgCodes.SigTypeUnknown, $"the identity's credential type '{payload.SigType}' is not one this verifier knows");
                break;
        }
        return new IdentityFacts
        {
            Label = assertion.Label,
            CredentialType = payload.SigType,
            Verified = verified && !log.AnyFailure,
            Issuer = issuer,
            IssuerTrusted = trusted,
            Roles = payload.Roles,
            VerifiedIdentities = verifiedIdentities,
            Codes = CodesOf(log),
        };
    }

    /// <summary>
    /// CAWG identity 1.1 §7: every referenced assertion must be one the claim references with the same hash, none
    /// twice, and one of them the hard binding (`c2pa.hash.*`), or the identity would not bind to this asset.
    /// </summary>
    private static void CheckReferences(SignerPayload payload, string manifestLabel, Claim claim, IdentityStatusLog log)
    {
        var claimed = new Dictionary<string, HashedUri>(StringComparer.Ordinal);
        foreach (HashedUri reference in claim.Assertions)
            if (ManifestValidator.AssertionLabelIn(reference.Url, manifestLabel) is { } label) claimed.TryAdd(label, reference);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool hardBinding = false;
        foreach (HashedUri reference in payload.ReferencedAssertions)
        {
            string? label = ManifestValidator.AssertionLabelIn(reference.Url, manifestLabel);
            if (label == null || !claimed.TryGetValue(label, out HashedUri? inClaim))
                log.Add(CawgCodes.AssertionMismatch, $"the identity references {reference.Url}, which the claim does not");
            else if (!inClaim.Hash.AsSpan().SequenceEqual(reference.Hash))
                log.Add(CawgCodes.AssertionMismatch, $"the identity references {label} with a hash other than the claim's");
            int slash = reference.Url.LastIndexOf('/');
            if (slash >= 0 && reference.Url.AsSpan(slash + 1).StartsWith("c2pa.hash.", StringComparison.Ordinal)) hardBinding = true;
            if (!seen.Add(reference.Url)) log.Add(CawgCodes.AssertionDuplicate, $"the identity references {reference.Url} more than once");
        }
        if (!hardBinding) log.Add(CawgCodes.HardBindingMissing, "the identity does not reference the claim's hard binding, so it is not bound to this asset");
    }

    private static List<string> CodesOf(IdentityStatusLog log) => log.Statuses.ConvertAll(s => s.Code);
}
