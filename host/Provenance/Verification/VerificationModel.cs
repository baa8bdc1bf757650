using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Provenance.C2pa;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Verification;

/// <summary>
/// Builds the one verification result from what validation proved. Every fact comes from an assertion in
/// <see cref="ValidationReport.Assertions"/> (referenced by the claim, resolved to exactly one box, hash matched),
/// never from walking the store; a manifest whose signature did not verify shows no facts at all.
/// </summary>
public static class VerificationModel
{
    public static FileVerification Describe(string name, string format, ValidationReport report, TrustSettings trust)
    {
        bool failed = report.Failed;
        bool trusted = !failed && report.TrustAnchor != null;
        Verdict verdict = failed ? Verdict.Invalid : trusted ? Verdict.Trusted : Verdict.Valid;
        bool signatureVerified = report.SignatureVerified;

        SignerFacts? signer = signatureVerified ? SignerOf(report, trust) : null;
        TokenFacts? token = signatureVerified ? TokenOf(report) : null;
        SourceTypeFacts? source = signatureVerified ? SourceTypeOf(report) : null;
        IReadOnlyList<ConsentEntry>? consent = signatureVerified ? ConsentOf(report) : null;
        TimeFacts? time = signatureVerified ? TimeOf(report) : null;
        // Issue 16: a history's timeline, from the ingredient manifests validation checked (Verification/ProcessTimeline.cs).
        ProcessFacts? process = signatureVerified ? ProcessTimeline.Build(report) : null;
        string? generator = signatureVerified && report.Claim?.GeneratorName is { } g
            ? (report.Claim.GeneratorVersion is { } v ? $"{g} {v}" : g)
            : null;

        string who = signer?.Verified?.Name ?? (signer is { Claimed.Count: > 0 } ? $"a signer calling itself {signer.Claimed[0].Name}" : "an unknown signer");
        var reasons = new List<string>();
        reasons.Add(verdict switch
        {
            Verdict.Trusted => $"Signed by {who}, whose certificate chains to the trusted root {signer!.Verified!.TrustStoreName}, and unchanged since signing.",
            Verdict.Valid => $"Unchanged since it was signed by {who}, but that signer is not in the trust store.",
            _ => Verifier.OneSentence(report.FailureDetail ?? "validation failed"),
        });
        var notes = new List<string>();
        foreach (ValidationStatus status in report.Statuses)
            if (status.Code is ValidationCodes.TimeStampMalformed or ValidationCodes.TimeStampMismatch)
                notes.Add(Verifier.OneSentence(status.Explanation));
        // Issue 15: a token revoked from signature N on; this one came before and keeps its verdict.
        if (report.RevokedFromCounter is { } lostAt && !failed)
            notes.Add($"token reported lost at signature {lostAt}; this signature came before");
        if (signatureVerified && UnboundTokenSerial(report, token) is { } unbound)
            notes.Add($"token {unbound} did not bind its counter into this claim (signed through another C2PA tool with 'prov c2patool-signer', or before protocol 2), so a revocation of the token from any signature on covers it");
        if (signatureVerified)
        {
            if (source != null && token != null) reasons.Add("The source type is the artist's declaration, not observed by the token.");
            if (time != null) reasons.Add(time.TimeStamped ? "The time is proven by an RFC 3161 time stamp." : "The time is stated by the signer; no time stamp proves it.");
            if (token != null && token.KeyProtection != KeyProtectionLevels.Attested) reasons.Add("The key protection is the token's statement, not proven by an attestation.");
            if (process != null)
            {
                reasons.Add(process.Summary);
                reasons.Add(ProcessFacts.Limit);
            }
        }
        return new FileVerification
        {
            File = name,
            Format = format,
            Verdict = verdict,
            Reason = reasons[0],
            Reasons = reasons,
            Statuses = report.Statuses,
            Signer = signer,
            Token = token,
            SourceType = source,
            Consent = consent,
            Time = time,
            Generator = generator,
            Identities = signatureVerified ? report.Identities : [], // CAWG identity assertions (Verification/Cawg)
            Notes = notes,
            Thumbnail = signatureVerified ? ThumbnailOf(report) : null,
            History = signatureVerified ? HistoryOf(report) : [],
            Process = process,
            Chain = signatureVerified ? report.Chain.Select(c => c.Subject).ToList() : [],
            ChainFingerprints = signatureVerified ? report.Chain.Select(CertificateFingerprint.Sha256).ToList() : [],
        };
    }

    private static ThumbnailFacts? ThumbnailOf(ValidationReport report) => ThumbnailIn(report.Assertions);

    /// <summary>The first shown claim thumbnail among verified assertions (the active manifest's, or a history version's).</summary>
    internal static ThumbnailFacts? ThumbnailIn(IReadOnlyList<VerifiedAssertion> assertions)
    {
        foreach (VerifiedAssertion assertion in assertions)
        {
            if (!assertion.BaseLabel.StartsWith("c2pa.thumbnail.claim.", StringComparison.Ordinal) || assertion.EmbeddedFile is not { } bytes) continue;
            string? type = assertion.MediaType?.ToLowerInvariant();
            if (type == "image/jpg") type = "image/jpeg";
            if (type is null || !ThumbnailFacts.ShownTypes.Contains(type) || bytes.Length == 0 || bytes.Length > ThumbnailFacts.MaxBytes) return null;
            return new ThumbnailFacts(type, bytes);
        }
        return null;
    }

    private static List<HistoryEntry> HistoryOf(ValidationReport report)
    {
        var history = new List<HistoryEntry>();
        foreach (VerifiedAssertion assertion in report.Assertions)
        {
            if (assertion.BaseLabel is not (AssertionLabels.Ingredient or AssertionLabels.IngredientV2 or AssertionLabels.IngredientV3) || assertion.ContentType != "cbor") continue;
            try
            {
                CborNode node = CborNode.Decode(assertion.Data);
                string? manifestUrl = (node["activeManifest"] ?? node["c2pa_manifest"])?.TextOf("url");
                string? label = manifestUrl is null ? null : manifestUrl[(manifestUrl.LastIndexOf('/') + 1)..];
                history.Add(new HistoryEntry(node.TextOf("dc:title") ?? node.TextOf("title"), node.TextOf("relationship"), label, node.TextOf("dc:format") ?? node.TextOf("format")));
            }
            catch (Exception e) when (ManifestValidator.IsMalformed(e))
            {
            }
        }
        return history;
    }

    private static SignerFacts SignerOf(ValidationReport report, TrustSettings trust)
    {
        VerifiedSigner? verified = null;
        var claimed = new List<ClaimedName>();
        string? certificateName = report.Signer == null ? null : NameOf(report.Signer);
        if (report.TrustAnchor != null && !report.Failed && certificateName != null)
        {
            string fingerprint = CertificateFingerprint.Sha256(report.TrustAnchor);
            string storeName = trust.AnchorNames.TryGetValue(fingerprint, out string? n) ? n : NameOf(report.TrustAnchor);
            verified = new VerifiedSigner(certificateName, storeName, fingerprint);
        }
        else if (certificateName != null)
        {
            claimed.Add(new ClaimedName(certificateName, "certificate"));
        }
        if (report.Assertion(AssertionLabels.CreativeWork) is { } work && AuthorOf(work.Data) is { } author)
            claimed.Add(new ClaimedName(author, "creativeWork"));
        return new SignerFacts(verified, claimed);
    }

    private static string NameOf(X509Certificate2 certificate)
    {
        string simple = certificate.GetNameInfo(X509NameType.SimpleName, false);
        return string.IsNullOrEmpty(simple) ? certificate.Subject : simple;
    }

    private static string? AuthorOf(byte[] json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("author", out JsonElement author)) return null;
            JsonElement first = author.ValueKind == JsonValueKind.Array && author.GetArrayLength() > 0 ? author[0] : author;
            if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("name", out JsonElement authorName) && authorName.ValueKind == JsonValueKind.String) return authorName.GetString();
            return first.ValueKind == JsonValueKind.String ? first.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The serial of the token whose certificate signed, when the claim carries no counter that token bound (issue 15:
    /// such a signature counts as made after any revocation of the token); null otherwise.
    /// </summary>
    private static string? UnboundTokenSerial(ValidationReport report, TokenFacts? token) =>
        report.Signer is { } leaf && token is not { CounterBound: true } && TokenCertificateProfile.TokenSerialOf(leaf) is { } serial ? serial : null;

    private static TokenFacts? TokenOf(ValidationReport report)
    {
        // Counter binding (issue 15): the claim's own field, signed by the token it names, is the token's word.
        ClaimTokenBinding? binding = report.Claim?.TokenBinding;
        bool counterBound = binding != null && report.Signer != null
            && string.Equals(TokenCertificateProfile.TokenSerialOf(report.Signer), binding.Serial, StringComparison.Ordinal);
        if (report.Assertion(AssertionLabels.Token) is not { } assertion)
        {
            return counterBound ? new TokenFacts(binding!.Serial, binding.Counter, ProvenLevel(report, null), SerialProven(report, binding.Serial), CounterBound: true) : null;
        }
        try
        {
            CborNode node = CborNode.Decode(assertion.Data);
            string? serial = node.TextOf("serial");
            long? counter = node["counter"]?.Integer;
            string? stated = node.TextOf("keyProtection");
            string? level = stated switch
            {
                "secureElement" => KeyProtectionLevels.SecureElement,
                "emulatedSecureElement" => KeyProtectionLevels.EmulatedSecureElement,
                "software" => KeyProtectionLevels.Software,
                null => null,
                _ => stated,
            };
            if (counterBound)
            {
                serial = binding!.Serial;
                counter = binding.Counter;
            }
            return new TokenFacts(serial, counter, ProvenLevel(report, level), SerialProven(report, serial), counterBound);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
            return null;
        }
    }

    /// <summary>
    /// DESIGN.md "Key protection, proven or claimed": `attested` is proven only by a token certificate that chains to a
    /// trusted root and records it (the artist's root issued it after the chip's attestation verified up to its maker's
    /// root at enrollment). A manifest that says `attested` on its own is the token's statement of a secure element, no more.
    /// </summary>
    private static string? ProvenLevel(ValidationReport report, string? stated)
    {
        bool certified = report.TrustAnchor != null && !report.Failed && report.Signer != null
            && TokenCertificateProfile.KeyProtectionOf(report.Signer) == TokenCertificateProfile.Attested;
        if (certified) return KeyProtectionLevels.Attested;
        return stated == KeyProtectionLevels.Attested ? KeyProtectionLevels.SecureElement : stated;
    }

    /// <summary>The serial is proven when a certificate that chains to a trusted root names it (the artist certified that token).</summary>
    private static bool SerialProven(ValidationReport report, string? serial) =>
        report.TrustAnchor != null && !report.Failed && report.Signer != null
        && string.Equals(TokenCertificateProfile.TokenSerialOf(report.Signer), serial, StringComparison.Ordinal);

    private static SourceTypeFacts? SourceTypeOf(ValidationReport report)
    {
        if (report.Assertion(AssertionLabels.ActionsV2, AssertionLabels.Actions) is not { } assertion) return null;
        try
        {
            CborNode? actions = CborNode.Decode(assertion.Data)["actions"];
            if (actions == null || !actions.IsArray) return null;
            foreach (CborNode action in actions.Items)
                if (action.TextOf("digitalSourceType") is { } iptc) return new SourceTypeFacts(iptc, SourceTypeWords(iptc));
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        return null;
    }

    /// <summary>IPTC digital source type codes in words (cv.iptc.org/newscodes/digitalsourcetype).</summary>
    public static string SourceTypeWords(string iptc)
    {
        int slash = iptc.LastIndexOf('/');
        string code = slash >= 0 ? iptc[(slash + 1)..] : iptc;
        return code switch
        {
            "print" => "scan of a physical work",
            "digitalCapture" => "photo taken with a camera",
            "digitalCreation" => "made digitally by a person (e.g. drawn on a tablet)",
            "negativeFilm" => "scan of a film negative",
            "positiveFilm" => "scan of a film positive",
            "minorHumanEdits" => "captured, with minor human edits",
            "compositeCapture" => "composite of captured elements",
            "algorithmicallyEnhanced" => "algorithmically enhanced",
            "dataDrivenMedia" => "data-driven media",
            "digitalArt" => "digital art",
            "virtualRecording" => "virtual recording",
            "compositeSynthetic" => "composite including synthetic elements",
            "trainedAlgorithmicMedia" => "made by generative AI",
            "compositeWithTrainedAlgorithmicMedia" => "composite including generative AI",
            "algorithmicMedia" => "made by an algorithm without training data",
            "screenCapture" => "screen capture",
            "humanEdits" => "captured, with human edits",
            "softwareImage" => "made by software",
            _ => code,
        };
    }

    private static IReadOnlyList<ConsentEntry>? ConsentOf(ValidationReport report)
    {
        if (report.Assertion(AssertionLabels.TrainingMining, "c2pa.training-mining") is not { } assertion) return null;
        try
        {
            CborNode? entries = CborNode.Decode(assertion.Data)["entries"];
            if (entries == null || !entries.IsMap) return null;
            var list = new List<ConsentEntry>();
            foreach (KeyValuePair<CborNode, CborNode> entry in entries.Entries)
                if (entry.Key.Text != null && entry.Value.TextOf("use") is { } use)
                    list.Add(new ConsentEntry(entry.Key.Text, use, entry.Value.TextOf("constraint_info")));
            return list;
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
            return null;
        }
    }

    private static TimeFacts? TimeOf(ValidationReport report)
    {
        if (report.TimeStamp is { } stamped) return new TimeFacts(stamped.ToUniversalTime(), true);
        if (report.Assertion(AssertionLabels.ActionsV2, AssertionLabels.Actions) is not { } assertion) return null;
        try
        {
            CborNode? actions = CborNode.Decode(assertion.Data)["actions"];
            if (actions == null || !actions.IsArray) return null;
            foreach (CborNode action in actions.Items)
                if (action.TextOf("when") is { } when && DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
                    return new TimeFacts(value.ToUniversalTime(), false);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        return null;
    }
}
