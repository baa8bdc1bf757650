using System;
using System.Collections.Generic;

namespace Provenance.Verification;

/// <summary>One verdict per file (DESIGN.md "Verification").</summary>
public enum Verdict
{
    /// <summary>Intact, and the signer chains to a trust anchor.</summary>
    Trusted,
    /// <summary>Intact and well signed; the signer is not in the trust store.</summary>
    Valid,
    /// <summary>Credentials present but tampered, badly signed, revoked, expired or malformed.</summary>
    Invalid,
    /// <summary>A readable file with no credentials.</summary>
    Missing,
    /// <summary>The file cannot be read as its format.</summary>
    Error,
}

/// <summary>How the signing key is protected, from proven to merely stated (DESIGN.md "Key protection, proven or claimed").</summary>
public static class KeyProtectionLevels
{
    /// <summary>The chip's certificate chains to its maker's root and the key is attested: proven.</summary>
    public const string Attested = "attested";
    /// <summary>A secure element, as the token states it (recorded by the artist at enrollment): a claim.</summary>
    public const string SecureElement = "secureElement";
    /// <summary>The emulator's chip model: for development, never hardware.</summary>
    public const string EmulatedSecureElement = "emulatedSecureElement";
    /// <summary>A software key (development mode): not hardware-protected.</summary>
    public const string Software = "software";
}

/// <summary>The identity that chains to a trusted root: proven.</summary>
/// <param name="Name">The signing certificate's subject name.</param>
/// <param name="TrustStoreName">The name the trust store gives the root it chains to.</param>
/// <param name="RootFingerprint">SHA-256 of that root certificate, lowercase hex.</param>
public sealed record VerifiedSigner(string Name, string TrustStoreName, string RootFingerprint);

/// <summary>A name the manifest states: a claim, never proof.</summary>
/// <param name="Name">The name as written.</param>
/// <param name="Source">Where it is written: `certificate` (an unverified signing certificate) or `creativeWork` (the author the signer states).</param>
public sealed record ClaimedName(string Name, string Source);

/// <summary>Who signed: the verified identity (or null) and the names the manifest claims.</summary>
public sealed record SignerFacts(VerifiedSigner? Verified, IReadOnlyList<ClaimedName> Claimed);

/// <summary>The token that signed, from the verified token assertion.</summary>
/// <param name="Serial">The token's serial.</param>
/// <param name="Counter">The signature counter as the manifest states it.</param>
/// <param name="KeyProtection">A <see cref="KeyProtectionLevels"/> value.</param>
/// <param name="Proven">True when the serial is named by a signing certificate that chains to a trusted root; key protection and counter stay the token's statement until attestation and counter binding prove them.</param>
/// <param name="CounterBound">
/// True when the counter comes from the claim's counter binding field (firmware/PROTOCOL.md, "Counter binding") and the
/// claim was signed with the certificate of the token it names: a protocol 2 token signs such a claim only with its own
/// next counter, so the counter is the token's word. False when only the token assertion states it (the host's word).
/// </param>
public sealed record TokenFacts(string? Serial, long? Counter, string? KeyProtection, bool Proven, bool CounterBound = false);

/// <summary>The IPTC digital source type, with its meaning in words; the artist's declaration.</summary>
public sealed record SourceTypeFacts(string Iptc, string Words);

/// <summary>One CAWG training-and-mining entry (`cawg.ai_training` → `notAllowed`), with its constraint text.</summary>
public sealed record ConsentEntry(string Use, string Value, string? ConstraintInfo);

/// <summary>When it was signed: proven by a validated RFC 3161 time stamp, or stated by the signer.</summary>
/// <param name="Value">The time, UTC.</param>
/// <param name="TimeStamped">True when an RFC 3161 time stamp that verifies proves it existed no later than this.</param>
public sealed record TimeFacts(DateTimeOffset Value, bool TimeStamped);

/// <summary>The manifest's own thumbnail (`c2pa.thumbnail.claim.*`), from a verified assertion; bounded in size.</summary>
/// <param name="MediaType">An image media type from <see cref="ThumbnailFacts.ShownTypes"/> (never SVG: it could carry script).</param>
/// <param name="Bytes">The image as the manifest carries it.</param>
public sealed record ThumbnailFacts(string MediaType, byte[] Bytes)
{
    /// <summary>Largest thumbnail the result carries; a larger one is left out (every view embeds it).</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Raster types every view may show as an image.</summary>
    public static readonly IReadOnlyList<string> ShownTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"];
}

/// <summary>One earlier version or component the manifest names as an ingredient (its history), as the verified ingredient assertion states it.</summary>
/// <param name="Title">The ingredient's `dc:title`.</param>
/// <param name="Relationship">`parentOf` (an earlier version of this work), `componentOf` or `inputTo`.</param>
/// <param name="Manifest">The label of the ingredient's own manifest in the store, when it has one.</param>
/// <param name="Format">The ingredient's `dc:format`.</param>
public sealed record HistoryEntry(string? Title, string? Relationship, string? Manifest, string? Format);

/// <summary>One saved version in a history's timeline, from a manifest validation checked (issue 16).</summary>
/// <param name="Number">1 for the oldest version in the chain, up to N for the file itself.</param>
/// <param name="Manifest">The version's manifest label.</param>
/// <param name="Actions">Its verified actions, in order (`c2pa.created`, or `c2pa.opened` then `c2pa.drawing`).</param>
/// <param name="Time">When it was signed: time-stamped or stated.</param>
/// <param name="TokenSerial">The token that signed it, as its manifest says (bound by the token when <paramref name="CounterBound"/>).</param>
/// <param name="Counter">That token's signature counter.</param>
/// <param name="CounterBound">True when the token bound serial and counter into the claim it signed.</param>
/// <param name="SourceType">The IPTC digital source type its `c2pa.created` declares, if any.</param>
/// <param name="Thumbnail">Its claim thumbnail, when its manifest carries one.</param>
/// <param name="LinkIntact">For every version after the first: true when its parent is exactly the previous version's manifest (hash of the manifest and of its signature as recorded, signature valid).</param>
public sealed record ProcessVersion(int Number, string Manifest, IReadOnlyList<string> Actions, TimeFacts? Time, string? TokenSerial, long? Counter,
    bool CounterBound, string? SourceType, ThumbnailFacts? Thumbnail, bool? LinkIntact);

/// <summary>
/// The history of a work as a timeline of saved versions (issue 16): built only from the ingredient manifests the
/// validator checked, following each version's one `parentOf` ingredient back to the first.
/// </summary>
/// <param name="Versions">Oldest first; the last is the file itself.</param>
/// <param name="Tokens">The token serials that signed versions, in order of first appearance.</param>
/// <param name="CountersIncreasing">True when, per token, every version's counter is larger than the one before.</param>
/// <param name="SkippedCounters">Counter values between consecutive versions of one token: other works signed in between, not gaps.</param>
/// <param name="LinksIntact">True when every version's parent is exactly the previous version's manifest.</param>
/// <param name="CreatedByToken">True when the first version is a `c2pa.created` signed by a token.</param>
/// <param name="ImportedStart">When the first version was not created by a token: what it is, in words (an imported starting point).</param>
/// <param name="Complete">False when the chain stops at a version validation did not check in full (missing, or deeper than the validator follows).</param>
/// <param name="Summary">One sentence saying all of the above.</param>
public sealed record ProcessFacts(IReadOnlyList<ProcessVersion> Versions, IReadOnlyList<string> Tokens, bool CountersIncreasing, long SkippedCounters,
    bool LinksIntact, bool CreatedByToken, string? ImportedStart, bool Complete, string Summary)
{
    /// <summary>What a history proves, said with every one (README "Proof of process").</summary>
    public const string Limit = "A history proves the order and times of saved versions signed by this token; it does not prove who moved the pen.";

    public TimeFacts? First => Versions.Count > 0 ? Versions[0].Time : null;

    public TimeFacts? Last => Versions.Count > 0 ? Versions[^1].Time : null;
}

/// <summary>The result of verifying one file: the one model every view renders (DESIGN.md "The verification result").</summary>
public sealed class FileVerification
{
    public required string File { get; init; }
    public required Verdict Verdict { get; init; }
    /// <summary>One plain sentence saying why: the first of <see cref="Reasons"/>.</summary>
    public required string Reason { get; init; }
    /// <summary>One-line sentences: the verdict's reason first, then what the facts rest on.</summary>
    public IReadOnlyList<string> Reasons { get => reasons.Count > 0 ? reasons : [Reason]; init => reasons = value; }
    private readonly IReadOnlyList<string> reasons = [];
    /// <summary>Every validation status, success and informational ones included, as c2pa-rs reports them.</summary>
    public IReadOnlyList<ValidationStatus> Statuses { get; init; } = [];
    /// <summary>The status codes alone.</summary>
    public IReadOnlyList<string> Codes => Statuses is List<ValidationStatus> list ? list.ConvertAll(s => s.Code) : new List<ValidationStatus>(Statuses).ConvertAll(s => s.Code);
    public string? Format { get; init; }
    public SignerFacts? Signer { get; init; }
    public TokenFacts? Token { get; init; }
    public SourceTypeFacts? SourceType { get; init; }
    /// <summary>The consent entries of the verified `cawg.training-mining` assertion, or null when it has none.</summary>
    public IReadOnlyList<ConsentEntry>? Consent { get; init; }
    public TimeFacts? Time { get; init; }
    /// <summary>The CAWG identity assertions: credential type, whether each verified, and the identities shown.</summary>
    public IReadOnlyList<Cawg.IdentityFacts> Identities { get; init; } = [];
    /// <summary>The claim generator (`name version`).</summary>
    public string? Generator { get; init; }
    /// <summary>The manifest's thumbnail, when a verified `c2pa.thumbnail.claim.*` assertion carries one.</summary>
    public ThumbnailFacts? Thumbnail { get; init; }
    /// <summary>The ingredients the verified claim names, in its order: the history of the work.</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    /// <summary>The history as a timeline of saved versions (issue 16), when the file has one (two versions or more).</summary>
    public ProcessFacts? Process { get; init; }
    /// <summary>The subjects of the signature's certificate chain (x5chain), leaf first, as the certificates state them.</summary>
    public IReadOnlyList<string> Chain { get; init; } = [];
    /// <summary>The SHA-256 fingerprints (hex) of the same certificates, leaf first: tells signers apart whose names are alike.</summary>
    public IReadOnlyList<string> ChainFingerprints { get; init; } = [];
    /// <summary>Notes that qualify the verdict (e.g. "the time stamp is ignored").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The gallery policies (`--require-trusted`, `--require-hardware-key`) this file falls short of, each a sentence.</summary>
    public IReadOnlyList<string> PolicyFailures { get; init; } = [];
    /// <summary>Credentials a registry holds for a matching image, found for a file without its own (issue 17), or null.</summary>
    public RecoveredCredentials? Recovered { get; init; }

    /// <summary>True when the file met what was asked: trusted or valid, and every policy.</summary>
    public bool Passed => Verdict is Verdict.Trusted or Verdict.Valid && PolicyFailures.Count == 0;

    /// <summary>The consent value for a CAWG use (`cawg.ai_training` → `notAllowed`), or null.</summary>
    public string? ConsentFor(string use)
    {
        if (Consent == null) return null;
        foreach (ConsentEntry entry in Consent) if (entry.Use == use) return entry.Value;
        return null;
    }

    /// <summary>The name to show for who signed: the verified identity, or the first claimed name marked as claimed.</summary>
    public string? SignerDisplay => Signer switch
    {
        { Verified: { } v } => v.Name,
        { Claimed.Count: > 0 } s => $"{s.Claimed[0].Name} (claimed, not verified)",
        _ => null,
    };

    /// <summary>A copy shown under another name (an upload's original file name).</summary>
    public FileVerification WithFile(string file) => Copy(file, PolicyFailures, Reasons, Notes);

    /// <summary>
    /// A copy that records what a registry found for this file (which has no credentials of its own): the verdict stays,
    /// and the first reason says what was found, so every view shows it.
    /// </summary>
    public FileVerification WithRecovered(RecoveredCredentials recovered)
    {
        ArgumentNullException.ThrowIfNull(recovered);
        return Copy(File, PolicyFailures, [recovered.Sentence(), .. Reasons], Notes, recovered);
    }

    /// <summary>A copy with one more note.</summary>
    public FileVerification WithNote(string note) => Copy(File, PolicyFailures, Reasons, [.. Notes, note]);

    /// <summary>A copy that records the policies this file falls short of (their sentences lead the reasons).</summary>
    public FileVerification WithPolicyFailures(IReadOnlyList<string> failures)
    {
        var reasons = new List<string>(failures);
        reasons.AddRange(Reasons);
        return Copy(File, failures, reasons, Notes);
    }

    private FileVerification Copy(string file, IReadOnlyList<string> policyFailures, IReadOnlyList<string> reasons, IReadOnlyList<string> notes, RecoveredCredentials? recovered = null) => new()
    {
        File = file, Verdict = Verdict, Reason = reasons.Count > 0 ? reasons[0] : Reason, Reasons = reasons, Statuses = Statuses, Format = Format,
        Signer = Signer, Token = Token, SourceType = SourceType, Consent = Consent, Time = Time, Generator = Generator, Notes = notes,
        Identities = Identities, PolicyFailures = policyFailures, Thumbnail = Thumbnail, History = History, Process = Process, Chain = Chain, ChainFingerprints = ChainFingerprints, Recovered = recovered ?? Recovered,
    };
}
