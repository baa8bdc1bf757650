using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using Xunit;

namespace Provenance.Tests.Verification;

/// <summary>
/// Files forged as an attacker would, in every embedded format: none may come out valid or trusted, and junk in the
/// unsigned header must not turn a genuine file invalid. Each forgery keeps the store's length, so only the rule
/// under test can catch it (a baseline checks the untouched file is trusted).
/// </summary>
public sealed class ForgeryTests : IDisposable
{
    private readonly TestPki pki = new("Ada Example");

    public static TheoryData<string> Formats => new(Forger.Formats.Select(f => f.Format));

    private TrustSettings Trust => new() { Anchors = [pki.Root] };

    private FileVerification Verify(byte[] file, string format)
    {
        using var stream = new MemoryStream(file);
        return Verifier.VerifyStream(stream, "forged." + format, Trust, AssetHandlers.Default);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task GenuineFileIsTrusted(string format)
    {
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        FileVerification result = Verify(signed, format);
        Assert.Equal(Verdict.Trusted, result.Verdict);
        Assert.Equal("notAllowed", result.ConsentFor("cawg.ai_training"));
        // A no-op rewrite (same boxes, same claim) must stay trusted: the forgery tool itself changes nothing else.
        byte[] rewritten = await Forger.RewriteAsync(signed, Forger.Handler(format), boxes => boxes);
        Assert.Equal(Verdict.Trusted, Verify(rewritten, format).Verdict);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task UndeclaredAssertionIsRejected(string format)
    {
        // C2PA 2.2 §15.10: a consent assertion slipped in beside the signed one, which the claim never references.
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        byte[] forged = await Forger.RewriteAsync(signed, Forger.Handler(format),
            boxes => [.. boxes, Forger.CborAssertion(AssertionLabels.TrainingMining + "__1", Forger.AllowEverything())]);

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.AssertionUndeclared, result.Codes);
        Assert.DoesNotContain(result.Consent ?? [], c => c.Value == "allowed");
        Assert.DoesNotContain("allowed\"", Provenance.Reporting.VerificationJson.Render([result]).Replace("notAllowed\"", "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task SecondBoxWithAReferencedLabelIsRejected(string format)
    {
        // The forged box comes first, so a reader that takes the first box with the label would show it.
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        byte[] forged = await Forger.RewriteAsync(signed, Forger.Handler(format),
            boxes => [Forger.CborAssertion(AssertionLabels.TrainingMining, Forger.AllowEverything()), .. boxes]);

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.AssertionUndeclared, result.Codes);
        Assert.NotEqual("allowed", result.ConsentFor("cawg.ai_training"));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ExclusionOverPictureBytesIsRejected(string format)
    {
        // A signer whose data hash leaves out 16 bytes of the picture besides the store: whoever changes those
        // bytes later changes the picture without touching the hash (§15.12.1). The claim is properly re-signed.
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        IAssetHandler handler = Forger.Handler(format);
        HashRange pixels = PictureBytes(signed, handler);
        byte[] forged = await ResignWithExclusions(signed, handler, [pixels]);
        forged[pixels.Start + 3] ^= 0x55;
        forged[pixels.Start + 9] ^= 0x55;

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.AssertionDataHashMismatch, result.Codes);
        Assert.Contains(result.Statuses, s => s.Code == ValidationCodes.AssertionDataHashMismatch && s.Explanation.Contains("not the manifest store", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ExclusionPastTheEndIsADataHashMismatch(string format)
    {
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        IAssetHandler handler = Forger.Handler(format);
        byte[] forged = await ResignWithExclusions(signed, handler, [new HashRange(signed.Length - 4, 4096)]);

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.AssertionDataHashMismatch, result.Codes);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task JunkTimeStampInTheUnsignedHeaderKeepsAGenuineFileTrusted(string format)
    {
        // C2PA 2.2 §15.8: anyone can write into the unsigned header; a malformed time stamp is reported and ignored.
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        byte[] junk = new byte[48];
        new Random(7).NextBytes(junk);
        byte[] forged = await Forger.RewriteAsync(signed, Forger.Handler(format), boxes => boxes, timeStampToken: _ => junk);

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Trusted, result.Verdict);
        Assert.Contains(ValidationCodes.TimeStampMalformed, result.Codes);
        Assert.Null(result.Time);
    }

    [Fact]
    public async Task NoJunkTimeStampTurnsAGenuineFileInvalid()
    {
        // Random bytes, and DER-shaped junk (a SEQUENCE with lying lengths, a ContentInfo prefix), 200 variants.
        byte[] signed = await Forger.SignAsync("jpeg", pki.Signer());
        var random = new Random(2026);
        for (int i = 0; i < 200; i++)
        {
            byte[] junk = new byte[random.Next(1, 120)];
            random.NextBytes(junk);
            if (i % 3 == 0) junk[0] = 0x30;
            if (i % 3 == 1 && junk.Length > 12) new byte[] { 0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D }.CopyTo(junk, 0);
            byte[] forged = await Forger.RewriteAsync(signed, new JpegHandler(), boxes => boxes, timeStampToken: _ => junk);
            FileVerification result = Verify(forged, "jpeg");
            Assert.True(result.Verdict == Verdict.Trusted, $"junk #{i} ({Convert.ToHexString(junk)}): {result.Verdict}: {result.Reason}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ChangedConsentWithTheOldHashIsRejected(string format)
    {
        // Same label, same length of store, content switched from notAllowed to allowed: the hashed URI catches it.
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        byte[] forged = await Forger.RewriteAsync(signed, Forger.Handler(format),
            boxes => boxes.Select(b => b is JumbfSuperBox s && s.Label == AssertionLabels.TrainingMining ? Forger.CborAssertion(AssertionLabels.TrainingMining, Forger.AllowEverything()) : b).ToList());

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.AssertionHashedUriMismatch, result.Codes);
        Assert.Null(result.ConsentFor("cawg.ai_training"));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ChangedEarlierVersionIsRejected(string format)
    {
        // Rule 4 (C2PA 2.2 §15.7): a re-signed file carries its earlier version as a parentOf ingredient. Switching the
        // earlier version's consent to "allowed" breaks the ingredient's hashed URI to that manifest.
        byte[] first = await Forger.SignAsync(format, pki.Signer());
        byte[] second;
        using (var input = new MemoryStream(first))
        using (var output = new MemoryStream())
        {
            await new ManifestSigner().SignAsync(input, output, Forger.Handler(format), Signing.Request(), pki.Signer(), default);
            second = output.ToArray();
        }
        FileVerification genuine = Verify(second, format);
        Assert.Equal(Verdict.Trusted, genuine.Verdict);
        Assert.Contains(ValidationCodes.IngredientManifestValidated, genuine.Codes);

        byte[] forged = await Forger.RewriteAsync(second, Forger.Handler(format), boxes => boxes,
            editOtherManifest: parent => Forger.With(parent.Box, parent.Box.Children.Select(c => ReferenceEquals(c, parent.AssertionStore)
                ? Forger.With(parent.AssertionStore!, parent.AssertionStore!.Children.Select(a => a is JumbfSuperBox box && box.Label == AssertionLabels.TrainingMining
                    ? Forger.CborAssertion(AssertionLabels.TrainingMining, Forger.AllowEverything()) : a))
                : c)));

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.IngredientManifestMismatch, result.Codes);
    }

    [Fact]
    public async Task ImpostorWithTheSameNameIsOnlyAClaim()
    {
        // Another PKI whose certificate and CreativeWork say "Ada Example": not in the trust store, so every name it
        // carries is a claim, and nothing in the result presents it as the verified artist.
        using var impostor = new TestPki("Ada Example");
        byte[] signed = await Forger.SignAsync("jpeg", impostor.Signer());
        FileVerification result = Verify(signed, "jpeg");
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Null(result.Signer!.Verified);
        Assert.All(result.Signer.Claimed, c => Assert.Contains("Ada Example", c.Name, StringComparison.Ordinal));
        Assert.Contains("claimed, not verified", result.SignerDisplay, StringComparison.Ordinal);
        Assert.Equal(JsonNull, VerifiedOf(Provenance.Reporting.VerificationJson.Render([result])));
    }

    [Fact]
    public async Task SecondManifestStoreIsInvalidNotAnError()
    {
        byte[] signed = await Forger.SignAsync("jpeg", pki.Signer());
        // Repeat the APP11 segments that hold the store right after the first ones.
        var handler = new JpegHandler();
        using var stream = new MemoryStream(signed);
        HashRange store = handler.GetStoreExclusions(stream).Single();
        byte[] segments = signed.AsSpan((int)store.Start, (int)store.Length).ToArray();
        byte[] doubled = [.. signed.AsSpan(0, (int)store.End), .. segments, .. signed.AsSpan((int)store.End)];

        FileVerification result = Verify(doubled, "jpeg");
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.GeneralError, result.Codes);
        Assert.Contains("more than one", result.Reason, StringComparison.Ordinal);
    }

    private const string JsonNull = "null";

    private static string VerifiedOf(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("files")[0].GetProperty("signer").GetProperty("verified").GetRawText();
    }

    /// <summary>16 bytes of picture data: the middle of the file, away from the store.</summary>
    private static HashRange PictureBytes(byte[] file, IAssetHandler handler)
    {
        using var stream = new MemoryStream(file);
        IReadOnlyList<HashRange> store = handler.GetStoreRegion(stream);
        long start = file.Length / 2;
        while (store.Any(s => start < s.End && start + 16 > s.Start)) start = store.Max(s => s.End) + 64 < file.Length - 32 ? store.Max(s => s.End) + 64 : store.Min(s => s.Start) - 80;
        return new HashRange(start, 16);
    }

    /// <summary>Re-signs the file's manifest with a data hash whose exclusions are the store's plus <paramref name="extra"/>.</summary>
    private async Task<byte[]> ResignWithExclusions(byte[] signed, IAssetHandler handler, HashRange[] extra)
    {
        using var stream = new MemoryStream(signed);
        var exclusions = handler.GetStoreExclusions(stream).Concat(extra).OrderBy(r => r.Start).ToList();
        JumbfSuperBox dataHash = Forger.CborAssertion(AssertionLabels.DataHash, Forger.DataHash(signed, exclusions));
        return await Forger.RewriteAsync(signed, handler,
            boxes => boxes.Select(b => b is JumbfSuperBox s && s.Label == AssertionLabels.DataHash ? dataHash : b).ToList(),
            (_, _, claim) => Forger.Rehash(claim, AssertionLabels.DataHash, dataHash),
            pki.Signer());
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task AManifestThatCallsItsKeyAttestedIsNotBelievedWithoutACertificateThatSaysSo(string format)
    {
        // DESIGN.md "Key protection, proven or claimed": a trusted signer whose certificate records no attestation
        // writes `attested` into the token assertion and re-signs. The file stays trusted (it is her signature), but
        // the key protection is her token's statement, and a gallery's --require-hardware-key refuses it.
        byte[] signed = await Forger.SignAsync(format, pki.Signer());
        var writer = new System.Formats.Cbor.CborWriter();
        writer.WriteStartMap(3);
        writer.WriteTextString("serial");
        writer.WriteTextString("PD-0042");
        writer.WriteTextString("counter");
        writer.WriteInt64(17);
        writer.WriteTextString("keyProtection");
        writer.WriteTextString("attested");
        writer.WriteEndMap();
        JumbfSuperBox token = Forger.CborAssertion(AssertionLabels.Token, writer.Encode());
        byte[] forged = await Forger.RewriteAsync(signed, Forger.Handler(format),
            boxes => boxes.Select(b => b is JumbfSuperBox s && s.Label == AssertionLabels.Token ? token : b).ToList(),
            (_, _, claim) => Forger.Rehash(claim, AssertionLabels.Token, token),
            pki.Signer());

        FileVerification result = Verify(forged, format);
        Assert.Equal(Verdict.Trusted, result.Verdict);
        Assert.NotNull(result.Token);
        Assert.NotEqual(KeyProtectionLevels.Attested, result.Token!.KeyProtection);
        FileVerification gallery = new VerificationPolicy(RequireTrusted: true, RequireHardwareKey: true).Apply(result);
        Assert.Contains(gallery.PolicyFailures, f => f.Contains("--require-hardware-key", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ATokenCertificateHerRootIssuedAsAttestedProvesTheKeyProtection(string format)
    {
        // The counterpart: the artist's root certified the key as attested at enrollment (the chip's attestation
        // verified to its maker's root), so with that root trusted the file's key protection is proven.
        using var temp = new TempFolder();
        using Provenance.Identity.UnlockedIdentity ada = Provenance.Identity.DevelopmentIdentity.GetOrCreate(Path.Combine(temp.Path, "ada"));
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var leaf = ada.IssueTokenCertificate("PD-0042", "esp32-devkitc", Provenance.Identity.TokenCertificateProfile.Attested, key);
        byte[] signed = await Forger.SignAsync(format, new TestSigner(key, [leaf, ada.Identity.RootCertificate]));

        using var stream = new MemoryStream(signed);
        FileVerification result = Verifier.VerifyStream(stream, "attested." + format, new TrustSettings { Anchors = [ada.Identity.RootCertificate] }, AssetHandlers.Default);
        Assert.Equal(Verdict.Trusted, result.Verdict);
        Assert.Equal(KeyProtectionLevels.Attested, result.Token!.KeyProtection);
        Assert.Empty(new VerificationPolicy(RequireTrusted: true, RequireHardwareKey: true).Apply(result).PolicyFailures);
    }

    public void Dispose() => pki.Dispose();
}
