using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tsp;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;

namespace Provenance.Verification;

/// <summary>Validates the active manifest of a store against its asset (C2PA 2.2 §15 "Validation").</summary>
public static class ManifestValidator
{
    public static ValidationReport Validate(ManifestStore store, Stream asset, IAssetHandler handler, TrustSettings trust) =>
        ValidateCore(store, asset, handler, trust, deepStack: true);

    /// <summary>
    /// As <see cref="Validate(ManifestStore, Stream, IAssetHandler, TrustSettings)"/>, always on the calling thread:
    /// the caller provides the stack (each nested ingredient level takes under 5 KB; a deep store otherwise moves to
    /// a thread of its own).
    /// </summary>
    public static ValidationReport ValidateOnCallingThread(ManifestStore store, Stream asset, IAssetHandler handler, TrustSettings trust) =>
        ValidateCore(store, asset, handler, trust, deepStack: false);

    /// <summary>
    /// Validates the active manifest as far as its own bytes allow, without the asset it was signed over: its claim
    /// signature, its assertions' hashed URIs and its ingredients, not its hard binding. For a saved version whose
    /// file has since been rewritten (History): its hard binding was checked when it was signed.
    /// </summary>
    public static ValidationReport ValidateDetached(ManifestStore store) => ValidateCore(store, null, null, TrustSettings.None, deepStack: true);

    private static ValidationReport ValidateCore(ManifestStore store, Stream? asset, IAssetHandler? handler, TrustSettings trust, bool deepStack)
    {
        var report = new ValidationReport();
        Manifest? active = store.Active;
        if (active == null || active.ClaimBox == null || active.ClaimBytes == null)
        {
            report.Fail(ValidationCodes.ClaimMissing, "the manifest store holds no claim");
            return report;
        }
        report.Active = active;
        string claimUrl = $"self#jumbf=/c2pa/{active.Label}/{active.ClaimBox.Label}";
        if (active.ClaimBoxCount > 1)
        {
            report.Fail(ValidationCodes.ClaimMultiple, claimUrl, "the manifest holds more than one claim");
            return report;
        }
        if (DecodeClaim(active, report, claimUrl, "the claim") is not { } claim) return report;
        report.Claim = claim;

        ValidateSignature(active, trust, report);
        // A history nests one ingredient per saved version, and ingredients are validated recursively: a store deep
        // enough to need it is validated on a thread whose stack holds MaxIngredientDepth levels.
        if (deepStack && store.Manifests.Count > DeepStoreManifests) OnDeepStack(() => ValidateAssertions(store, active, claim, asset, handler, report));
        else ValidateAssertions(store, active, claim, asset, handler, report);
        // CAWG identity assertions (CAWG identity 1.1 §7), from the verified assertions only: Verification/Cawg.
        report.Identities = Cawg.IdentityAssertionValidator.ValidateAll(report, active, claim, trust);
        return report;
    }

    private static void ValidateSignature(Manifest active, TrustSettings trust, ValidationReport report)
    {
        string signatureUrl = $"self#jumbf=/c2pa/{active.Label}/c2pa.signature";
        byte[]? coseBytes = active.SignatureBytes;
        if (coseBytes == null)
        {
            report.Fail(ValidationCodes.ClaimSignatureMissing, signatureUrl, "the claim has no signature");
            return;
        }
        ParsedCoseSign1 cose;
        var chain = new List<X509Certificate2>();
        try
        {
            cose = ParsedCoseSign1.Parse(coseBytes);
            foreach (byte[] der in cose.CertificateChain) chain.Add(X509CertificateLoader.LoadCertificate(der));
        }
        catch (CryptographicException e)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, signatureUrl, "the signing certificate cannot be read: " + e.Message);
            return;
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.ClaimSignatureMismatch, signatureUrl, "the claim signature is malformed: " + e.Message);
            return;
        }
        if (chain.Count == 0)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, signatureUrl, "the signature carries no signing certificate");
            return;
        }
        X509Certificate2 leaf = chain[0];
        report.Signer = leaf;
        report.Chain = chain;
        byte[] claimBytes = active.ClaimBytes!;

        byte[] toBeSigned = ClaimSignature.SigStructure("Signature1", cose.ProtectedHeaderBytes, claimBytes);
        bool signatureGood;
        try
        {
            signatureGood = CertificateChecks.VerifySignature(cose.Algorithm, leaf, toBeSigned, cose.Signature);
        }
        catch (NotSupportedException e)
        {
            report.Fail(ValidationCodes.AlgorithmUnsupported, signatureUrl, e.Message);
            return;
        }
        catch (CryptographicException e)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, signatureUrl, "the signing key cannot be used: " + e.Message);
            return;
        }
        if (!signatureGood)
        {
            report.Fail(ValidationCodes.ClaimSignatureMismatch, signatureUrl, "the claim signature does not match the claim: the manifest was changed after signing");
            return;
        }
        report.SignatureVerified = true;
        report.Add(ValidationCodes.ClaimSignatureValidated, signatureUrl, "the claim signature is valid");

        // The time stamp is judged only over a signature that verifies (as c2pa-rs does); it sets the validity time.
        if (cose.TimeStampToken != null) ValidateTimeStamp(cose, claimBytes, trust, report, signatureUrl);

        string? problem = CertificateChecks.ProfileProblem(leaf);
        if (problem != null)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, signatureUrl, problem);
            return;
        }
        DateTime when = (report.TimeStamp ?? DateTimeOffset.UtcNow).UtcDateTime;
        if (when < leaf.NotBefore.ToUniversalTime() || when > leaf.NotAfter.ToUniversalTime())
        {
            report.Fail(ValidationCodes.SigningCredentialExpired, signatureUrl, $"the signing certificate was not valid at {when:yyyy-MM-dd HH:mm} UTC");
            return;
        }
        report.Add(ValidationCodes.ClaimSignatureInsideValidity, signatureUrl, "the signing certificate was valid when the claim was signed");

        var issuers = new List<X509Certificate2>(chain.GetRange(1, chain.Count - 1));
        issuers.AddRange(trust.Anchors);
        CertificateChecks.Revocation revocation;
        try
        {
            revocation = CertificateChecks.RevocationOf(leaf, issuers, trust.Crls);
        }
        catch (CryptographicException e)
        {
            // .NET read the certificate, BouncyCastle (which checks CRLs) cannot: nothing can say it is not revoked.
            report.Fail(ValidationCodes.SigningCredentialInvalid, signatureUrl, "the signing certificate cannot be checked against the revocation lists: " + e.Message);
            return;
        }
        if (revocation.FromCounter is { } lostAt)
        {
            // Issue 15: a token revoked from signature N on. Only a counter the token itself bound into the claim
            // may place a signature before N; any other counts as after (fail safe).
            ClaimTokenBinding? bound = report.Claim?.TokenBinding;
            bool tokenBound = bound != null && string.Equals(Identity.TokenCertificateProfile.TokenSerialOf(leaf), bound.Serial, StringComparison.Ordinal);
            if (!tokenBound)
            {
                report.Fail(ValidationCodes.SigningCredentialRevoked, signatureUrl,
                    $"the token was reported lost at signature {lostAt}, and this signature's counter is not bound by the token, so it counts as made after");
                return;
            }
            if (bound!.Counter >= lostAt)
            {
                report.Fail(ValidationCodes.SigningCredentialRevoked, signatureUrl,
                    $"the token was reported lost at signature {lostAt}; this is signature {bound.Counter}");
                return;
            }
            report.RevokedFromCounter = lostAt;
        }
        else if (revocation.Revoked)
        {
            report.Fail(ValidationCodes.SigningCredentialRevoked, signatureUrl, "the signing certificate has been revoked");
            return;
        }
        X509Certificate2? anchor;
        try
        {
            anchor = CertificateChecks.AnchorFor(leaf, chain.GetRange(1, chain.Count - 1), trust.Anchors, when);
        }
        catch (CryptographicException e)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, signatureUrl, "the signing certificate's chain cannot be built: " + e.Message);
            return;
        }
        report.TrustAnchor = anchor;
        if (anchor != null) report.Add(ValidationCodes.SigningCredentialTrusted, signatureUrl, "the signing certificate chains to a trusted root");
        else report.Add(ValidationCodes.SigningCredentialUntrusted, signatureUrl, "the signing certificate does not chain to any root in the trust store");
    }

    private static void ValidateTimeStamp(ParsedCoseSign1 cose, byte[] claimBytes, TrustSettings trust, ValidationReport report, string signatureUrl)
    {
        // The time stamp sits in the unsigned header, where anyone can write: whatever its bytes make the ASN.1, CMS
        // or TSP readers throw, it is reported and ignored (C2PA 2.2 §15.8), never allowed to fail the file.
        int before = report.Statuses.Count;
        try
        {
            ValidateTimeStampToken(cose, claimBytes, trust, report, signatureUrl);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Statuses.RemoveRange(before, report.Statuses.Count - before);
            report.TimeStamp = null;
            report.Add(ValidationCodes.TimeStampMalformed, signatureUrl, "the time stamp cannot be read (" + e.GetType().Name + "); the time stamp is ignored");
        }
    }

    private static void ValidateTimeStampToken(ParsedCoseSign1 cose, byte[] claimBytes, TrustSettings trust, ValidationReport report, string signatureUrl)
    {
        TimeStampToken token;
        try
        {
            token = TimeStamping.ParseToken(cose.TimeStampToken!);
        }
        catch (Exception e) when (e is TspException or ArgumentException or IOException or InvalidCastException or Org.BouncyCastle.Cms.CmsException)
        {
            report.Add(ValidationCodes.TimeStampMalformed, signatureUrl, "the time stamp cannot be read: " + e.Message + "; the time stamp is ignored");
            return;
        }
        byte[] stamped = ClaimSignature.TimeStampedData(cose.ProtectedHeaderBytes, cose.TimeStampIsV2 ? cose.Signature : claimBytes, cose.TimeStampIsV2);
        string oid = token.TimeStampInfo.MessageImprintAlgOid;
        HashAlgorithmName? hash = oid switch
        {
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (hash == null)
        {
            report.Add(ValidationCodes.TimeStampMalformed, signatureUrl, $"the time stamp uses an unsupported hash ({oid})" + "; the time stamp is ignored");
            return;
        }
        byte[] expected = hash == HashAlgorithmName.SHA256 ? SHA256.HashData(stamped) : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(stamped) : SHA512.HashData(stamped);
        if (!expected.AsSpan().SequenceEqual(token.TimeStampInfo.GetMessageImprintDigest()))
        {
            report.Add(ValidationCodes.TimeStampMismatch, signatureUrl, "the time stamp does not cover this signature" + "; the time stamp is ignored");
            return;
        }
        Org.BouncyCastle.X509.X509Certificate? tsaCertificate = null;
        foreach (Org.BouncyCastle.X509.X509Certificate candidate in token.GetCertificates().EnumerateMatches(token.SignerID))
        {
            tsaCertificate = candidate;
            break;
        }
        try
        {
            if (tsaCertificate == null) throw new TspValidationException("the time stamp carries no TSA certificate");
            token.Validate(tsaCertificate);
        }
        catch (Exception e) when (e is TspException or TspValidationException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            report.Add(ValidationCodes.TimeStampMismatch, signatureUrl, "the time stamp's signature does not verify: " + e.Message + "; the time stamp is ignored");
            return;
        }
        report.TimeStamp = new DateTimeOffset(DateTime.SpecifyKind(token.TimeStampInfo.GenTime, DateTimeKind.Utc));
        report.Add(ValidationCodes.TimeStampValidated, signatureUrl, "the RFC 3161 time stamp covers this signature");
        X509Certificate2 tsa = X509CertificateLoader.LoadCertificate(tsaCertificate.GetEncoded());
        var intermediates = new List<X509Certificate2>();
        foreach (Org.BouncyCastle.X509.X509Certificate other in token.GetCertificates().EnumerateMatches(null))
            intermediates.Add(X509CertificateLoader.LoadCertificate(other.GetEncoded()));
        bool trusted = CertificateChecks.ChainsToAnchor(tsa, intermediates, trust.Anchors, report.TimeStamp.Value.UtcDateTime);
        report.Add(trusted ? ValidationCodes.TimeStampTrusted : ValidationCodes.TimeStampUntrusted, signatureUrl, trusted ? "the time stamp authority chains to a trusted root" : "the time stamp authority is not in the trust store");
    }

    /// <summary>
    /// C2PA 2.2 §15.10: every assertion the claim references must resolve to exactly one box of this manifest's
    /// assertion store and match its hash; every box of the store must be referenced. Only the assertions that pass
    /// become <see cref="ValidationReport.Assertions"/>, the sole source of what a report shows.
    /// </summary>
    private static void ValidateAssertions(ManifestStore store, Manifest active, Claim claim, Stream? asset, IAssetHandler? handler, ValidationReport report)
    {
        string storeUrl = $"self#jumbf=/c2pa/{active.Label}/c2pa.assertions";
        // Boxes of the assertion store by label; a label held by two boxes is ambiguous, so neither counts (§15.10:
        // an assertion box the claim does not reference is undeclared, and a hashed URI must name exactly one box).
        var byLabel = new Dictionary<string, List<JumbfSuperBox>>(StringComparer.Ordinal);
        var unlabelled = 0;
        if (active.AssertionStore != null)
        {
            foreach (JumbfBox child in active.AssertionStore.Children)
            {
                if (child is not JumbfSuperBox box) continue;
                if (box.Label == null)
                {
                    unlabelled++;
                    continue;
                }
                if (!byLabel.TryGetValue(box.Label, out List<JumbfSuperBox>? boxes)) byLabel[box.Label] = boxes = [];
                boxes.Add(box);
            }
        }
        if (unlabelled > 0) report.Fail(ValidationCodes.AssertionUndeclared, storeUrl, "the assertion store holds an assertion without a label, which the claim cannot reference");

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        int hardBindings = 0;
        foreach (HashedUri reference in claim.Assertions)
        {
            string? label = AssertionLabelIn(reference.Url, active);
            if (label == null)
            {
                // §15.10: created and gathered assertions live in the claim's own manifest.
                report.Fail(ValidationCodes.AssertionOutsideManifest, reference.Url, $"the claim references an assertion outside its manifest ({reference.Url})");
                continue;
            }
            if (!referenced.Add(label))
            {
                report.Fail(ValidationCodes.AssertionUndeclared, reference.Url, $"the claim references the assertion {label} twice");
                continue;
            }
            if (!byLabel.TryGetValue(label, out List<JumbfSuperBox>? candidates))
            {
                report.Fail(ValidationCodes.AssertionMissing, reference.Url, $"the assertion {label} named in the claim is missing");
                continue;
            }
            if (candidates.Count > 1)
            {
                report.Fail(ValidationCodes.AssertionUndeclared, reference.Url, $"the assertion store holds {candidates.Count} boxes labelled {label}; a second box with a referenced label is undeclared");
                continue;
            }
            JumbfSuperBox box = candidates[0];
            byte[] hash;
            try
            {
                hash = ManifestStore.BoxHash(box, reference.Alg ?? claim.Alg);
            }
            catch (NotSupportedException e)
            {
                report.Fail(ValidationCodes.AlgorithmUnsupported, reference.Url, e.Message);
                continue;
            }
            if (!CryptographicOperations.FixedTimeEquals(hash, reference.Hash))
            {
                report.Fail(ValidationCodes.AssertionHashedUriMismatch, reference.Url, $"the assertion {label} was changed after signing");
                continue;
            }
            report.Add(ValidationCodes.AssertionHashedUriMatch, reference.Url, $"the assertion {label} is as signed");
            JumbfContentBox? content = box.FirstContent();
            var verified = new VerifiedAssertion(label, reference.Url, content?.Type ?? "", content?.Data ?? [])
            {
                MediaType = content?.Type == "bfdb" ? EmbeddedFileMediaType(content.Data) : null,
                EmbeddedFile = content?.Type == "bfdb" ? EmbeddedFileData(box) : null,
            };
            report.AddVerified(verified);

            string baseLabel = verified.BaseLabel;
            if (baseLabel == AssertionLabels.DataHash)
            {
                hardBindings++;
                if (asset != null && handler != null) ValidateDataHash(verified, claim, asset, handler, report);
            }
            else if (baseLabel is "c2pa.hash.bmff" or "c2pa.hash.boxes" or "c2pa.hash.collection.data" or "c2pa.hash.bmff.v2" or "c2pa.hash.bmff.v3")
            {
                hardBindings++;
                report.Fail(ValidationCodes.AlgorithmUnsupported, reference.Url, $"the hard binding {baseLabel} is not supported by this verifier");
            }
            else if (baseLabel is AssertionLabels.Ingredient or AssertionLabels.IngredientV2 or AssertionLabels.IngredientV3)
            {
                ValidateIngredient(store, active.Label, verified, claim, report);
            }
        }

        foreach ((string label, List<JumbfSuperBox> boxes) in byLabel)
        {
            if (referenced.Contains(label)) continue;
            report.Fail(ValidationCodes.AssertionUndeclared, $"{storeUrl}/{label}", $"the assertion {label} is in the manifest but the claim does not declare it");
        }

        // §15.11 (update manifests, §11.4) carry no hard binding; every standard manifest carries exactly one.
        if (active.IsUpdate) return;
        if (hardBindings == 0) report.Fail(ValidationCodes.HardBindingsMissing, "the claim has no hard binding to the asset's bytes");
        else if (hardBindings > 1) report.Fail(ValidationCodes.HardBindingsMultiple, "the claim has more than one hard binding");
    }

    /// <summary>The manifest's claim (v1 or v2), or null with `claim.malformed` reported (C2PA 2.2 §15.6).</summary>
    private static Claim? DecodeClaim(Manifest manifest, ValidationReport report, string url, string whose)
    {
        try
        {
            return Claim.Decode(manifest.ClaimBytes!, manifest.ClaimBox!.Label ?? Claim.LabelV1);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.ClaimMalformed, url, whose + " is malformed: " + e.Message);
            return null;
        }
    }

    /// <summary>The assertion label a hashed URI names inside <paramref name="manifest"/>'s assertion store, or null when it points elsewhere.</summary>
    internal static string? AssertionLabelIn(string url, Manifest manifest) => AssertionLabelIn(url, manifest.Label);

    /// <summary>The assertion label a hashed URI names inside the assertion store of the manifest labelled <paramref name="manifestLabel"/>, or null.</summary>
    internal static string? AssertionLabelIn(string url, string manifestLabel)
    {
        const string prefix = "self#jumbf=";
        if (!url.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string path = url[prefix.Length..];
        string[] parts = path.Split('/');
        // Relative: c2pa.assertions/LABEL. Absolute: /c2pa/MANIFEST/c2pa.assertions/LABEL.
        if (parts.Length == 2 && parts[0] == "c2pa.assertions") return parts[1].Length > 0 ? parts[1] : null;
        if (parts.Length == 5 && parts[0].Length == 0 && parts[1] == "c2pa" && parts[2] == manifestLabel && parts[3] == "c2pa.assertions")
            return parts[4].Length > 0 ? parts[4] : null;
        return null;
    }

    private static void ValidateDataHash(VerifiedAssertion assertion, Claim claim, Stream asset, IAssetHandler handler, ValidationReport report)
    {
        string url = assertion.Url;
        byte[] expected;
        string alg;
        var exclusions = new List<HashRange>();
        try
        {
            CborNode node = CborNode.Decode(assertion.Data);
            expected = node["hash"]?.Bytes ?? throw new FormatException("no hash");
            alg = node.TextOf("alg") ?? claim.Alg;
            CborNode? list = node["exclusions"];
            if (list != null)
            {
                if (!list.IsArray) throw new FormatException("exclusions is not an array");
                foreach (CborNode item in list.Items)
                {
                    long start = item["start"]?.Integer ?? throw new FormatException("exclusion without start");
                    long length = item["length"]?.Integer ?? throw new FormatException("exclusion without length");
                    if (start < 0 || length < 0) throw new FormatException($"exclusion {start}+{length} is negative");
                    exclusions.Add(new HashRange(start, length));
                }
            }
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.AssertionDataHashMalformed, url, "the data hash assertion is malformed: " + e.Message);
            return;
        }

        // C2PA 2.2 §15.12.1: the excluded bytes must be the manifest store (and its padding) where the format keeps
        // it, and nothing else, or bytes smuggled into an exclusion would change the picture unseen.
        string? problem = ExclusionProblem(exclusions, asset, handler);
        if (problem != null)
        {
            report.Fail(ValidationCodes.AssertionDataHashMismatch, url, problem);
            return;
        }
        try
        {
            byte[] actual = DataHasher.Hash(asset, exclusions, alg);
            if (CryptographicOperations.FixedTimeEquals(actual, expected)) report.Add(ValidationCodes.AssertionDataHashMatch, url, "the file's bytes are as signed");
            else report.Fail(ValidationCodes.AssertionDataHashMismatch, url, "the file's bytes were changed after signing");
        }
        catch (NotSupportedException e)
        {
            report.Fail(ValidationCodes.AlgorithmUnsupported, url, e.Message);
        }
    }

    /// <summary>Why the exclusions are not exactly the manifest store's bytes, or null when they are.</summary>
    internal static string? ExclusionProblem(List<HashRange> exclusions, Stream asset, IAssetHandler handler)
    {
        long size = asset.Length;
        exclusions.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 0; i < exclusions.Count; i++)
        {
            if (exclusions[i].Start > size || exclusions[i].Length > size - exclusions[i].Start)
                return $"an exclusion ({exclusions[i].Start}+{exclusions[i].Length}) lies past the end of the {size}-byte file";
            if (i > 0 && exclusions[i].Start < exclusions[i - 1].End)
                return $"the exclusions overlap at byte {exclusions[i].Start}";
        }
        IReadOnlyList<HashRange> storeRanges;
        try
        {
            storeRanges = handler.GetStoreRegion(asset);
        }
        catch (AssetFormatException e)
        {
            return $"where the manifest store lies cannot be read: {e.Problem} at byte {e.Offset}";
        }
        finally
        {
            asset.Position = 0;
        }
        List<HashRange> store = Merge(storeRanges);
        long excluded = 0, stored = 0;
        foreach (HashRange range in store) stored += range.Length;
        foreach (HashRange exclusion in exclusions)
        {
            excluded += exclusion.Length;
            if (exclusion.Length == 0) continue;
            if (!store.Exists(s => exclusion.Start >= s.Start && exclusion.End <= s.End))
                return $"the bytes {exclusion.Start}..{exclusion.End - 1} are left out of the hash but are not the manifest store";
        }
        // For JPEG the exclusions must cover all the store's APP11 segments, exactly (§15.12.1).
        if (handler.FormatName == "jpeg" && excluded != stored)
            return $"the exclusions cover {excluded} bytes but the manifest store's APP11 segments take {stored}";
        return null;
    }

    private static List<HashRange> Merge(IReadOnlyList<HashRange> ranges)
    {
        var sorted = new List<HashRange>(ranges);
        sorted.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<HashRange>();
        foreach (HashRange range in sorted)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                HashRange last = merged[^1];
                merged[^1] = new HashRange(last.Start, Math.Max(last.End, range.End) - last.Start);
            }
            else merged.Add(range);
        }
        return merged;
    }

    /// <summary>How deep ingredient manifests are followed (each is validated once; a store is bounded anyway).</summary>
    /// <summary>ISO/IEC 19566-5 §B.2: `bfdb` is a toggles byte, then the media type as a null-terminated string.</summary>
    private static string? EmbeddedFileMediaType(byte[] description)
    {
        if (description.Length < 2) return null;
        int end = Array.IndexOf(description, (byte)0, 1);
        return System.Text.Encoding.UTF8.GetString(description, 1, (end < 0 ? description.Length : end) - 1);
    }

    /// <summary>The `bidb` content that follows an embedded file's description, when present.</summary>
    private static byte[]? EmbeddedFileData(JumbfSuperBox box)
    {
        foreach (JumbfBox child in box.Children)
            if (child is JumbfContentBox { Type: "bidb" } data) return data.Data;
        return null;
    }

    /// <summary>Stores with more manifests than this may nest ingredients deeper than a thread pool thread's stack allows.</summary>
    private const int DeepStoreManifests = 32;

    /// <summary>
    /// Stack for validating a deep store: each nested level takes under 5 KB (measured: 100 levels fit in 512 KB in a
    /// Debug build, tests/Provenance.Tests/History), so <see cref="MaxIngredientDepth"/> levels need under 5 MB.
    /// </summary>
    private const int DeepStackBytes = 16 * 1024 * 1024;

    private static void OnDeepStack(Action validate)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                validate();
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }, DeepStackBytes) { IsBackground = true, Name = "prov deep manifest validation" };
        thread.Start();
        thread.Join();
        failure?.Throw();
    }

    /// <summary>
    /// How deep ingredient manifests are followed. A history of saved versions nests one level per version (each
    /// version's parent is the one before), so this bounds the versions validated in full; deeper ones are checked by
    /// their hash only. A store that could nest this deep is validated on a thread with <see cref="DeepStackBytes"/> of stack.
    /// </summary>
    public const int MaxIngredientDepth = 1000;

    private static void ValidateIngredient(ManifestStore store, string from, VerifiedAssertion assertion, Claim claim, ValidationReport report) =>
        ValidateIngredient(store, from, assertion.Label, assertion.Data, assertion.Url, claim, report, 0, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>
    /// C2PA 2.2 §15.7 (ingredients): the ingredient's manifest must be in the store and match the hashed URI the
    /// ingredient assertion gives; its claim signature and its assertions are then validated too, so a forged
    /// ingredient manifest cannot ride inside a genuine one. v1 claims hashed ingredient manifests inconsistently, so
    /// a v1 hash mismatch is forgiven only when the ingredient's own claim signature verifies.
    /// </summary>
    private static void ValidateIngredient(ManifestStore store, string from, string assertionLabel, byte[] data, string url, Claim claim, ValidationReport report, int depth, HashSet<string> visited)
    {
        CborNode node;
        try
        {
            node = CborNode.Decode(data);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.AssertionCborInvalid, url, "an ingredient assertion is malformed: " + e.Message);
            return;
        }
        HashedUri? manifestUri = HashedUri.From(node["activeManifest"]) ?? HashedUri.From(node["c2pa_manifest"]);
        if (manifestUri == null) return;
        string? relationship = node.TextOf("relationship");
        HashedUri? signatureUri = HashedUri.From(node["claimSignature"]);
        JumbfSuperBox? manifestBox = Resolve(store, null, manifestUri.Url);
        // The URI names the ingredient's manifest box, or (as update manifests write it) that manifest's claim box.
        Manifest? manifest = manifestBox?.Label is { } manifestLabel ? store.Find(manifestLabel) ?? ContainingManifest(store, manifestUri.Url) : null;
        if (manifestBox == null || manifest == null)
        {
            report.Fail(ValidationCodes.IngredientManifestMissing, manifestUri.Url, $"an ingredient's manifest is not in the store ({manifestUri.Url})");
            report.AddLink(new IngredientLink(from, assertionLabel, relationship, manifestUri.Url, null, false, null, null));
            return;
        }
        string alg = manifestUri.Alg ?? claim.Alg;
        // c2pa-rs's update manifests name the claim box but hash the manifest box that holds it.
        bool hashMatches = BoxMatches(manifestBox, alg, manifestUri.Hash) || (!ReferenceEquals(manifestBox, manifest.Box) && BoxMatches(manifest.Box, alg, manifestUri.Hash));
        if (!visited.Add(manifest.Label) || depth >= MaxIngredientDepth)
        {
            if (hashMatches) report.Add(ValidationCodes.IngredientManifestValidated, manifestUri.Url, "the ingredient's manifest is as recorded");
            report.AddLink(new IngredientLink(from, assertionLabel, relationship, manifestUri.Url, manifest.Label, hashMatches, SignatureLinkMatches(store, signatureUri, claim), null));
            return;
        }
        // A manifest that matches its hashed URI is exactly what the signer recorded, with the validation results
        // the signer recorded beside it (§15.7); one that does not (v1 claims' legacy hashing) is validated afresh.
        // The ingredient's manifest is validated afresh; what that finds beyond the failures the signer recorded in
        // the ingredient's validation results (validationStatus, or validationResults in v3) fails the active
        // manifest, as c2pa-rs reports "ingredient deltas" (§15.7).
        var ingredientReport = new ValidationReport();
        ValidatedManifest? validated = ValidateIngredientManifest(store, manifest, ingredientReport, depth, visited);
        bool ingredientSigned = validated?.SignatureVerified == true;
        HashSet<string> recorded = RecordedFailureCodes(node);
        bool newFailures = false;
        report.AddLinks(ingredientReport.Links);
        foreach (ValidationStatus status in ingredientReport.Statuses)
        {
            bool wasRecorded = status.IsFailure && recorded.Contains(status.Code);
            newFailures |= status.IsFailure && !wasRecorded;
            report.Add(wasRecorded ? status with { Recorded = true, Explanation = status.Explanation + " (recorded when it was added)" } : status);
        }
        if (hashMatches) report.Add(ValidationCodes.IngredientManifestValidated, manifestUri.Url, "the ingredient's manifest is as recorded");
        else if (claim.Version >= 2 || (!ingredientSigned && newFailures)) report.Fail(ValidationCodes.IngredientManifestMismatch, manifestUri.Url, "an ingredient's manifest does not match its hash");

        bool? signatureMatches = SignatureLinkMatches(store, signatureUri, claim);
        report.AddLink(new IngredientLink(from, assertionLabel, relationship, manifestUri.Url, manifest.Label, hashMatches, signatureMatches, validated));
        if (signatureUri == null) return;
        if (signatureMatches == true)
            report.Add(ValidationCodes.IngredientClaimSignatureValidated, signatureUri.Url, "the ingredient's claim signature is as recorded");
        else
            report.Fail(ValidationCodes.IngredientClaimSignatureMismatch, signatureUri.Url, "an ingredient's claim signature does not match its hash");
    }

    /// <summary>Whether an ingredient's `claimSignature` hashed URI matches the signature box it names; null when it names none.</summary>
    private static bool? SignatureLinkMatches(ManifestStore store, HashedUri? signatureUri, Claim claim)
    {
        if (signatureUri == null) return null;
        JumbfSuperBox? signatureBox = Resolve(store, null, signatureUri.Url);
        return signatureBox != null && BoxMatches(signatureBox, signatureUri.Alg ?? claim.Alg, signatureUri.Hash);
    }

    /// <summary>
    /// True when a hashed URI to a manifest or signature superbox matches it. Writers differ on the framing: most hash
    /// the box's payload (as for assertions, C2PA 2.2 §8.4.2.3), c2pa-rs's update manifests the whole box with its
    /// 8-byte header; both bind the same bytes, so either is accepted.
    /// </summary>
    private static bool BoxMatches(JumbfSuperBox box, string alg, byte[] expected)
    {
        if (CryptographicOperations.FixedTimeEquals(ManifestStore.BoxHash(box, alg), expected)) return true;
        return CryptographicOperations.FixedTimeEquals(DataHasher.HashBytes(JumbfWriter.Write(box), alg), expected);
    }

    /// <summary>The manifest an absolute `self#jumbf=/c2pa/LABEL/...` URI points into, or null.</summary>
    private static Manifest? ContainingManifest(ManifestStore store, string url)
    {
        const string prefix = "self#jumbf=/";
        if (!url.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string[] parts = url[prefix.Length..].Split('/');
        return parts.Length >= 2 ? store.Find(parts[1]) : null;
    }

    /// <summary>The failure codes an ingredient assertion recorded for its manifest (v2 `validationStatus`, v3 `validationResults`).</summary>
    private static HashSet<string> RecordedFailureCodes(CborNode ingredient)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        void Collect(CborNode? list)
        {
            if (list == null || !list.IsArray) return;
            foreach (CborNode item in list.Items)
                if (item.TextOf("code") is { } code) codes.Add(code);
        }
        Collect(ingredient["validationStatus"]);
        if (ingredient["validationResults"] is { IsMap: true } results)
        {
            if (results["activeManifest"] is { IsMap: true } active) Collect(active["failure"]);
            if (results["ingredientDeltas"] is { IsArray: true } deltas)
                foreach (CborNode delta in deltas.Items)
                    if (delta["validationDeltas"] is { IsMap: true } d) Collect(d["failure"]);
        }
        return codes;
    }

    /// <summary>
    /// Validates an ingredient's manifest as far as its own bytes allow: its claim signature (cryptographically; trust
    /// and validity dates belong to the time it was signed), its time stamp when it carries one, and its assertions'
    /// hashed URIs, then its own ingredients. Returns what was proven of it (null when it holds no readable claim).
    /// </summary>
    private static ValidatedManifest? ValidateIngredientManifest(ManifestStore store, Manifest manifest, ValidationReport report, int depth, HashSet<string> visited)
    {
        string prefix = $"self#jumbf=/c2pa/{manifest.Label}";
        if (manifest.ClaimBox == null || manifest.ClaimBytes == null)
        {
            report.Fail(ValidationCodes.ClaimMissing, prefix, "an ingredient's manifest holds no claim");
            return null;
        }
        if (DecodeClaim(manifest, report, prefix, "an ingredient's claim") is not { } claim) return null;
        bool signed = false;
        X509Certificate2? signer = null;
        DateTimeOffset? timeStamp = null;
        int failuresBefore = CountFailures(report);
        if (manifest.SignatureBytes is not { } coseBytes)
        {
            report.Fail(ValidationCodes.ClaimSignatureMissing, prefix + "/c2pa.signature", "an ingredient's claim has no signature");
        }
        else
        {
            try
            {
                ParsedCoseSign1 cose = ParsedCoseSign1.Parse(coseBytes);
                if (cose.CertificateChain.Count == 0) throw new FormatException("no signing certificate");
                X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(cose.CertificateChain[0]);
                byte[] toBeSigned = ClaimSignature.SigStructure("Signature1", cose.ProtectedHeaderBytes, manifest.ClaimBytes);
                signed = CertificateChecks.VerifySignature(cose.Algorithm, leaf, toBeSigned, cose.Signature);
                if (signed)
                {
                    signer = leaf;
                    report.Add(ValidationCodes.ClaimSignatureValidated, prefix + "/c2pa.signature", "an ingredient's claim signature is valid");
                    if (cose.TimeStampToken != null)
                    {
                        // Only the time it proves is kept (a history's timeline); the codes stay with the active manifest's.
                        var scratch = new ValidationReport();
                        ValidateTimeStamp(cose, manifest.ClaimBytes, TrustSettings.None, scratch, prefix + "/c2pa.signature");
                        timeStamp = scratch.TimeStamp;
                    }
                }
                else
                {
                    leaf.Dispose();
                    report.Fail(ValidationCodes.ClaimSignatureMismatch, prefix + "/c2pa.signature", "an ingredient's claim signature does not match its claim: that earlier version was changed after signing");
                }
            }
            catch (NotSupportedException e)
            {
                report.Fail(ValidationCodes.AlgorithmUnsupported, prefix + "/c2pa.signature", "an ingredient's signature: " + e.Message);
            }
            catch (Exception e) when (e is CryptographicException || IsMalformed(e))
            {
                report.Fail(ValidationCodes.ClaimSignatureMismatch, prefix + "/c2pa.signature", "an ingredient's claim signature cannot be checked: " + e.Message);
            }
        }
        var assertions = new List<VerifiedAssertion>();
        foreach (HashedUri reference in claim.Assertions)
        {
            string? label = AssertionLabelIn(reference.Url, manifest);
            JumbfSuperBox? box = label == null ? Resolve(store, manifest, reference.Url) : manifest.Assertion(label);
            if (box == null)
            {
                report.Fail(ValidationCodes.AssertionMissing, reference.Url, $"an ingredient's assertion {label ?? reference.Url} is missing");
                continue;
            }
            byte[] hash;
            try
            {
                hash = ManifestStore.BoxHash(box, reference.Alg ?? claim.Alg);
            }
            catch (NotSupportedException e)
            {
                report.Fail(ValidationCodes.AlgorithmUnsupported, reference.Url, e.Message);
                continue;
            }
            if (!CryptographicOperations.FixedTimeEquals(hash, reference.Hash))
            {
                report.Fail(ValidationCodes.AssertionHashedUriMismatch, $"{prefix}/c2pa.assertions/{label}", $"an ingredient's assertion {label} was changed after signing");
                continue;
            }
            if (label == null) continue;
            JumbfContentBox? content = box.FirstContent();
            var verified = new VerifiedAssertion(label, reference.Url, content?.Type ?? "", content?.Data ?? [])
            {
                MediaType = content?.Type == "bfdb" ? EmbeddedFileMediaType(content.Data) : null,
                EmbeddedFile = content?.Type == "bfdb" ? EmbeddedFileData(box) : null,
            };
            assertions.Add(verified);
            if (verified.BaseLabel is AssertionLabels.Ingredient or AssertionLabels.IngredientV2 or AssertionLabels.IngredientV3)
                ValidateIngredient(store, manifest.Label, label, verified.Data, reference.Url, claim, report, depth + 1, visited);
        }
        return new ValidatedManifest(manifest.Label, claim, signed, signer, timeStamp, assertions, CountFailures(report) > failuresBefore);
    }

    private static int CountFailures(ValidationReport report)
    {
        int count = 0;
        foreach (ValidationStatus status in report.Statuses) if (status.IsFailure) count++;
        return count;
    }

    /// <summary>Resolves `self#jumbf=` URIs: absolute (`/c2pa/label/...`) or relative to the manifest (`c2pa.assertions/...`).</summary>
    internal static JumbfSuperBox? Resolve(ManifestStore store, Manifest? relativeTo, string url)
    {
        const string prefix = "self#jumbf=";
        if (!url.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string path = url[prefix.Length..];
        JumbfSuperBox? current;
        string[] parts;
        if (path.StartsWith('/'))
        {
            parts = path[1..].Split('/');
            if (parts.Length < 2 || parts[0] != (store.Root.Label ?? "c2pa")) return null;
            current = store.Root;
            parts = parts[1..];
        }
        else
        {
            if (relativeTo == null) return null;
            current = relativeTo.Box;
            parts = path.Split('/');
        }
        foreach (string part in parts)
        {
            current = current?.Child(part);
            if (current == null) return null;
        }
        return current;
    }

    private static string LastSegment(string url)
    {
        int slash = url.LastIndexOf('/');
        return slash >= 0 ? url[(slash + 1)..] : url;
    }

    /// <summary>An assertion label without its instance suffix (`__2`) and version (`.v2` kept).</summary>
    private static string BaseLabel(string label)
    {
        int instance = label.IndexOf("__", StringComparison.Ordinal);
        return instance >= 0 ? label[..instance] : label;
    }

    /// <summary>Exceptions that mean "these bytes are not what the spec says" (decoding, bounds, structure).</summary>
    internal static bool IsMalformed(Exception e) =>
        e is CborContentException or FormatException or InvalidOperationException or OverflowException or JumbfException or ArgumentException;
}
