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

/// <summary>What validating the active manifest found: the status codes, and the parts the report shows.</summary>
public sealed class ValidationReport
{
    public List<string> Codes { get; } = [];
    public Manifest? Active { get; internal set; }
    public Claim? Claim { get; internal set; }
    public X509Certificate2? Signer { get; internal set; }
    public DateTimeOffset? TimeStamp { get; internal set; }
    /// <summary>A plain explanation of the first failure, when there is one.</summary>
    public string? FailureDetail { get; internal set; }

    internal void Fail(string code, string detail)
    {
        Codes.Add(code);
        FailureDetail ??= detail;
    }
}

/// <summary>Validates the active manifest of a store against its asset (C2PA 2.2 §15 "Validation").</summary>
public static class ManifestValidator
{
    public static ValidationReport Validate(ManifestStore store, Stream asset, IAssetHandler handler, TrustSettings trust)
    {
        var report = new ValidationReport();
        Manifest? active = store.Active;
        if (active == null || active.ClaimBox == null || active.ClaimBytes == null)
        {
            report.Fail(ValidationCodes.ClaimMissing, "the manifest store holds no claim");
            return report;
        }
        report.Active = active;
        if (active.ClaimBoxCount > 1)
        {
            report.Fail(ValidationCodes.ClaimMultiple, "the manifest holds more than one claim");
            return report;
        }
        Claim claim;
        try
        {
            claim = Claim.Decode(active.ClaimBytes, active.ClaimBox.Label ?? Claim.LabelV1);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.ClaimMalformed, "the claim is malformed: " + e.Message);
            return report;
        }
        report.Claim = claim;

        ValidateSignature(active, trust, report);
        ValidateAssertions(store, active, claim, asset, report);
        return report;
    }

    private static void ValidateSignature(Manifest active, TrustSettings trust, ValidationReport report)
    {
        byte[]? coseBytes = active.SignatureBytes;
        if (coseBytes == null)
        {
            report.Fail(ValidationCodes.ClaimSignatureMissing, "the claim has no signature");
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
            report.Fail(ValidationCodes.SigningCredentialInvalid, "the signing certificate cannot be read: " + e.Message);
            return;
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.ClaimSignatureMismatch, "the claim signature is malformed: " + e.Message);
            return;
        }
        X509Certificate2 leaf = chain[0];
        report.Signer = leaf;
        byte[] claimBytes = active.ClaimBytes!;

        byte[] toBeSigned = ClaimSignature.SigStructure("Signature1", cose.ProtectedHeaderBytes, claimBytes);
        bool signatureGood;
        try
        {
            signatureGood = CertificateChecks.VerifySignature(cose.Algorithm, leaf, toBeSigned, cose.Signature);
        }
        catch (NotSupportedException e)
        {
            report.Fail(ValidationCodes.AlgorithmUnsupported, e.Message);
            return;
        }
        catch (CryptographicException e)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, "the signing key cannot be used: " + e.Message);
            return;
        }
        if (!signatureGood)
        {
            report.Fail(ValidationCodes.ClaimSignatureMismatch, "the claim signature does not match the claim: the manifest was changed after signing");
            return;
        }
        report.Codes.Add(ValidationCodes.ClaimSignatureValidated);

        // The time stamp is judged only over a signature that verifies (as c2pa-rs does); it sets the validity time.
        if (cose.TimeStampToken != null) ValidateTimeStamp(cose, claimBytes, trust, report);

        string? problem = CertificateChecks.ProfileProblem(leaf);
        if (problem != null)
        {
            report.Fail(ValidationCodes.SigningCredentialInvalid, problem);
            return;
        }
        DateTime when = (report.TimeStamp ?? DateTimeOffset.UtcNow).UtcDateTime;
        if (when < leaf.NotBefore.ToUniversalTime() || when > leaf.NotAfter.ToUniversalTime())
        {
            report.Fail(ValidationCodes.SigningCredentialExpired, $"the signing certificate was not valid at {when:yyyy-MM-dd HH:mm} UTC");
            return;
        }
        report.Codes.Add(ValidationCodes.ClaimSignatureInsideValidity);

        var issuers = new List<X509Certificate2>(chain.GetRange(1, chain.Count - 1));
        issuers.AddRange(trust.Anchors);
        if (CertificateChecks.IsRevoked(leaf, issuers, trust.Crls))
        {
            report.Fail(ValidationCodes.SigningCredentialRevoked, "the signing certificate has been revoked");
            return;
        }
        bool trusted = CertificateChecks.ChainsToAnchor(leaf, chain.GetRange(1, chain.Count - 1), trust.Anchors, when);
        report.Codes.Add(trusted ? ValidationCodes.SigningCredentialTrusted : ValidationCodes.SigningCredentialUntrusted);
    }

    private static void ValidateTimeStamp(ParsedCoseSign1 cose, byte[] claimBytes, TrustSettings trust, ValidationReport report)
    {
        TimeStampToken token;
        try
        {
            token = TimeStamping.ParseToken(cose.TimeStampToken!);
        }
        catch (Exception e) when (e is TspException or ArgumentException or IOException or InvalidCastException or Org.BouncyCastle.Cms.CmsException)
        {
            report.Fail(ValidationCodes.TimeStampMalformed, "the time stamp cannot be read: " + e.Message);
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
            report.Fail(ValidationCodes.TimeStampMalformed, $"the time stamp uses an unsupported hash ({oid})");
            return;
        }
        byte[] expected = hash == HashAlgorithmName.SHA256 ? SHA256.HashData(stamped) : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(stamped) : SHA512.HashData(stamped);
        if (!expected.AsSpan().SequenceEqual(token.TimeStampInfo.GetMessageImprintDigest()))
        {
            report.Fail(ValidationCodes.TimeStampMismatch, "the time stamp does not cover this signature");
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
            report.Fail(ValidationCodes.TimeStampMismatch, "the time stamp's signature does not verify: " + e.Message);
            return;
        }
        report.TimeStamp = new DateTimeOffset(DateTime.SpecifyKind(token.TimeStampInfo.GenTime, DateTimeKind.Utc));
        report.Codes.Add(ValidationCodes.TimeStampValidated);
        X509Certificate2 tsa = X509CertificateLoader.LoadCertificate(tsaCertificate.GetEncoded());
        var intermediates = new List<X509Certificate2>();
        foreach (Org.BouncyCastle.X509.X509Certificate other in token.GetCertificates().EnumerateMatches(null))
            intermediates.Add(X509CertificateLoader.LoadCertificate(other.GetEncoded()));
        bool trusted = CertificateChecks.ChainsToAnchor(tsa, intermediates, trust.Anchors, report.TimeStamp.Value.UtcDateTime);
        report.Codes.Add(trusted ? ValidationCodes.TimeStampTrusted : ValidationCodes.TimeStampUntrusted);
    }

    private static void ValidateAssertions(ManifestStore store, Manifest active, Claim claim, Stream asset, ValidationReport report)
    {
        int hardBindings = 0;
        foreach (HashedUri reference in claim.Assertions)
        {
            JumbfSuperBox? box = Resolve(store, active, reference.Url);
            string label = LastSegment(reference.Url);
            if (box == null)
            {
                report.Fail(ValidationCodes.AssertionMissing, $"the assertion {label} named in the claim is missing");
                continue;
            }
            byte[] hash;
            try
            {
                hash = ManifestStore.BoxHash(box, reference.Alg ?? claim.Alg);
            }
            catch (NotSupportedException e)
            {
                report.Fail(ValidationCodes.AlgorithmUnsupported, e.Message);
                continue;
            }
            if (!hash.AsSpan().SequenceEqual(reference.Hash))
            {
                report.Fail(ValidationCodes.AssertionHashedUriMismatch, $"the assertion {label} was changed after signing");
                continue;
            }
            report.Codes.Add(ValidationCodes.AssertionHashedUriMatch);

            string baseLabel = BaseLabel(label);
            if (baseLabel == AssertionLabels.DataHash)
            {
                hardBindings++;
                ValidateDataHash(box, claim, asset, report);
            }
            else if (baseLabel is "c2pa.hash.bmff" or "c2pa.hash.boxes" or "c2pa.hash.collection.data" or "c2pa.hash.bmff.v2" or "c2pa.hash.bmff.v3")
            {
                hardBindings++;
                report.Fail(ValidationCodes.AlgorithmUnsupported, $"the hard binding {baseLabel} is not supported by this verifier");
            }
            else if (baseLabel is AssertionLabels.Ingredient or AssertionLabels.IngredientV2 or AssertionLabels.IngredientV3)
            {
                ValidateIngredient(store, box, claim, report);
            }
        }
        if (hardBindings == 0) report.Fail(ValidationCodes.HardBindingsMissing, "the claim has no hard binding to the asset's bytes");
        else if (hardBindings > 1) report.Fail(ValidationCodes.HardBindingsMultiple, "the claim has more than one hard binding");
    }

    private static void ValidateDataHash(JumbfSuperBox box, Claim claim, Stream asset, ValidationReport report)
    {
        try
        {
            CborNode node = CborNode.Decode(box.FirstContent()?.Data ?? throw new FormatException("no content box"));
            byte[] expected = node["hash"]?.Bytes ?? throw new FormatException("no hash");
            string alg = node.TextOf("alg") ?? claim.Alg;
            var exclusions = new List<HashRange>();
            CborNode? list = node["exclusions"];
            if (list != null)
            {
                if (!list.IsArray) throw new FormatException("exclusions is not an array");
                foreach (CborNode item in list.Items)
                {
                    long start = item["start"]?.Integer ?? throw new FormatException("exclusion without start");
                    long length = item["length"]?.Integer ?? throw new FormatException("exclusion without length");
                    if (start < 0 || length < 0 || start + length > asset.Length) throw new FormatException($"exclusion {start}+{length} lies outside the asset");
                    exclusions.Add(new HashRange(start, length));
                }
            }
            byte[] actual = DataHasher.Hash(asset, exclusions, alg);
            if (actual.AsSpan().SequenceEqual(expected)) report.Codes.Add(ValidationCodes.AssertionDataHashMatch);
            else report.Fail(ValidationCodes.AssertionDataHashMismatch, "the file's bytes were changed after signing");
        }
        catch (NotSupportedException e)
        {
            report.Fail(ValidationCodes.AlgorithmUnsupported, e.Message);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.AssertionDataHashMalformed, "the data hash assertion is malformed: " + e.Message);
        }
    }

    private static void ValidateIngredient(ManifestStore store, JumbfSuperBox box, Claim claim, ValidationReport report)
    {
        CborNode node;
        try
        {
            node = CborNode.Decode(box.FirstContent()?.Data ?? throw new FormatException("no content box"));
        }
        catch (Exception e) when (IsMalformed(e))
        {
            report.Fail(ValidationCodes.AssertionCborInvalid, "an ingredient assertion is malformed: " + e.Message);
            return;
        }
        HashedUri? manifestUri = HashedUri.From(node["activeManifest"]) ?? HashedUri.From(node["c2pa_manifest"]);
        if (manifestUri == null) return;
        JumbfSuperBox? manifestBox = Resolve(store, null, manifestUri.Url);
        if (manifestBox == null)
        {
            report.Fail(ValidationCodes.IngredientManifestMissing, "an ingredient's manifest is not in the store");
            return;
        }
        string alg = manifestUri.Alg ?? claim.Alg;
        if (ManifestStore.BoxHash(manifestBox, alg).AsSpan().SequenceEqual(manifestUri.Hash)) report.Codes.Add(ValidationCodes.IngredientManifestValidated);
        // Claims before v2 hashed ingredient manifests inconsistently (c2pa-rs tolerates it as "legacy"); only v2 claims fail on it.
        else if (claim.Version >= 2) report.Fail(ValidationCodes.IngredientManifestMismatch, "an ingredient's manifest does not match its hash");

        HashedUri? signatureUri = HashedUri.From(node["claimSignature"]);
        if (signatureUri == null) return;
        JumbfSuperBox? signatureBox = Resolve(store, null, signatureUri.Url);
        if (signatureBox != null && ManifestStore.BoxHash(signatureBox, signatureUri.Alg ?? claim.Alg).AsSpan().SequenceEqual(signatureUri.Hash))
            report.Codes.Add(ValidationCodes.IngredientClaimSignatureValidated);
        else
            report.Fail(ValidationCodes.IngredientClaimSignatureMismatch, "an ingredient's claim signature does not match its hash");
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
