using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Provenance.C2pa;

namespace Provenance.Verification;

/// <summary>One validation status as c2pa-rs reports it: the spec's code, the JUMBF URI it concerns, and why.</summary>
/// <param name="Code">C2PA 2.2 §15 status code (`assertion.dataHash.match`, `claimSignature.mismatch`, ...).</param>
/// <param name="Url">The `self#jumbf=` URI of the part it concerns, when there is one.</param>
/// <param name="Explanation">One plain sentence.</param>
/// <param name="Recorded">True for an ingredient's failure that its validation results already recorded when the
/// ingredient was added (C2PA 2.2 §15.7): reported, but it does not fail the active manifest again.</param>
public sealed record ValidationStatus(string Code, string? Url, string Explanation, bool Recorded = false)
{
    /// <summary>True when this code makes the manifest invalid (C2PA 2.2 §15: failure codes).</summary>
    public bool IsFailure => !Recorded && ValidationCodes.IsFailure(Code);
}

/// <summary>
/// An assertion that validation checked: the claim referenced it by hashed URI, it resolved to exactly one box in the
/// active manifest's assertion store, and its hash matched. Only these feed what a user sees (C2PA 2.2 §15.10).
/// </summary>
/// <param name="Label">The assertion's label as the box carries it (`cawg.training-mining`, `c2pa.actions.v2__1`).</param>
/// <param name="Url">The hashed URI the claim named it with.</param>
/// <param name="ContentType">The content box type (`cbor`, `json`, ...).</param>
/// <param name="Data">The content box's bytes.</param>
public sealed record VerifiedAssertion(string Label, string Url, string ContentType, byte[] Data)
{
    /// <summary>For an embedded-file assertion (a thumbnail): the `bfdb` description's media type, when stated.</summary>
    public string? MediaType { get; init; }

    /// <summary>For an embedded-file assertion (a thumbnail): the `bidb` box's bytes, covered by the same hash.</summary>
    public byte[]? EmbeddedFile { get; init; }

    /// <summary>The label without the instance suffix (`c2pa.actions.v2__1` → `c2pa.actions.v2`).</summary>
    public string BaseLabel
    {
        get
        {
            int instance = Label.IndexOf("__", StringComparison.Ordinal);
            return instance >= 0 ? Label[..instance] : Label;
        }
    }
}

/// <summary>
/// An ingredient manifest that validation checked (C2PA 2.2 §15.7): its claim, whether its claim signature verified
/// with its certificate's key, the time its time stamp proves, and the assertions whose hashed URIs matched. Only
/// these feed a history's timeline.
/// </summary>
/// <param name="Label">The manifest's label in the store.</param>
/// <param name="Claim">Its decoded claim.</param>
/// <param name="SignatureVerified">True when its claim signature verified.</param>
/// <param name="Signer">Its signing certificate, when the signature verified.</param>
/// <param name="TimeStamp">The time a time stamp over its signature proves (the authority not judged), or null.</param>
/// <param name="Assertions">Its assertions whose hashed URIs matched, in its claim's order.</param>
/// <param name="Failed">True when validating it (or its own ingredients) found a failure.</param>
public sealed record ValidatedManifest(string Label, Claim Claim, bool SignatureVerified, X509Certificate2? Signer, DateTimeOffset? TimeStamp,
    IReadOnlyList<VerifiedAssertion> Assertions, bool Failed)
{
    /// <summary>The first assertion with one of these base labels, or null.</summary>
    public VerifiedAssertion? Assertion(params string[] baseLabels)
    {
        foreach (VerifiedAssertion assertion in Assertions)
            foreach (string label in baseLabels)
                if (assertion.BaseLabel == label) return assertion;
        return null;
    }
}

/// <summary>
/// One ingredient assertion as validation followed it: from which manifest, to which, and whether the hashed URIs it
/// gives (`activeManifest`, `claimSignature`) match what the store holds (C2PA 2.2 §15.7).
/// </summary>
/// <param name="From">The label of the manifest whose (verified) ingredient assertion this is.</param>
/// <param name="AssertionLabel">The ingredient assertion's label.</param>
/// <param name="Relationship">`parentOf`, `componentOf` or `inputTo`, as the assertion states it.</param>
/// <param name="ManifestUrl">The URI the assertion names the ingredient's manifest with.</param>
/// <param name="Manifest">The label of the manifest found there, or null when the store has none.</param>
/// <param name="ManifestMatches">True when that manifest matches the hash the assertion records.</param>
/// <param name="ClaimSignatureMatches">True/false for the recorded claim signature hash; null when none is recorded.</param>
/// <param name="Validated">What validating that manifest proved; null when it was not validated here (already
/// validated through another path, deeper than <see cref="ManifestValidator.MaxIngredientDepth"/>, or missing).</param>
public sealed record IngredientLink(string From, string AssertionLabel, string? Relationship, string ManifestUrl, string? Manifest,
    bool ManifestMatches, bool? ClaimSignatureMatches, ValidatedManifest? Validated);

/// <summary>What validating the active manifest found: every status, and the parts that were proven.</summary>
public sealed class ValidationReport
{
    private readonly List<VerifiedAssertion> assertions = [];

    /// <summary>Every status in the order validation produced it (success, informational and failure codes).</summary>
    public List<ValidationStatus> Statuses { get; } = [];

    /// <summary>The status codes alone, in order.</summary>
    public IReadOnlyList<string> Codes => Statuses.ConvertAll(s => s.Code);

    public Manifest? Active { get; internal set; }
    public Claim? Claim { get; internal set; }
    public X509Certificate2? Signer { get; internal set; }
    /// <summary>The x5chain as the signature carries it, leaf first.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; internal set; } = [];
    /// <summary>The trust anchor the signer chains to, when it does.</summary>
    public X509Certificate2? TrustAnchor { get; internal set; }
    /// <summary>The time a validated RFC 3161 time stamp proves; null when there is none or it was ignored.</summary>
    public DateTimeOffset? TimeStamp { get; internal set; }
    /// <summary>True when the active manifest's claim signature verified with the signing certificate's key.</summary>
    public bool SignatureVerified { get; internal set; }
    /// <summary>The signing token was revoked from this counter on, and this signature's token-bound counter came before it (issue 15).</summary>
    public long? RevokedFromCounter { get; internal set; }
    /// <summary>A plain explanation of the first failure, when there is one.</summary>
    public string? FailureDetail { get; internal set; }

    /// <summary>The CAWG identity assertions as validation judged them (Verification/Cawg), in the claim's order.</summary>
    public IReadOnlyList<Cawg.IdentityFacts> Identities { get; internal set; } = [];

    /// <summary>The assertions whose hashed URI resolved and matched, in the claim's order.</summary>
    public IReadOnlyList<VerifiedAssertion> Assertions => assertions;

    /// <summary>Every ingredient assertion validation followed, nested ones included (a history's chain of versions).</summary>
    public IReadOnlyList<IngredientLink> Links => links;
    private readonly List<IngredientLink> links = [];

    internal void AddLink(IngredientLink link) => links.Add(link);

    internal void AddLinks(IEnumerable<IngredientLink> more) => links.AddRange(more);

    /// <summary>True when any status is a failure code.</summary>
    public bool Failed => Statuses.Exists(s => s.IsFailure);

    /// <summary>The first verified assertion with this base label (instance suffix ignored), or null.</summary>
    public VerifiedAssertion? Assertion(params string[] baseLabels)
    {
        foreach (VerifiedAssertion assertion in assertions)
            foreach (string label in baseLabels)
                if (assertion.BaseLabel == label) return assertion;
        return null;
    }

    internal void AddVerified(VerifiedAssertion assertion) => assertions.Add(assertion);

    internal void Add(string code, string? url, string explanation) => Statuses.Add(new ValidationStatus(code, url, explanation));

    internal void Add(ValidationStatus status)
    {
        Statuses.Add(status);
        if (status.IsFailure) FailureDetail ??= status.Explanation;
    }

    internal void Fail(string code, string? url, string detail)
    {
        Statuses.Add(new ValidationStatus(code, url, detail));
        FailureDetail ??= detail;
    }

    internal void Fail(string code, string detail) => Fail(code, null, detail);
}
