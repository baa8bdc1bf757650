using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.C2pa;

public class ManifestSignerTests
{
    [Fact]
    public async Task SignedJpegIsValidWithoutAnchorAndTrustedWithOurRoot()
    {
        using var pki = new TestPki();
        (byte[] signed, SignResult result) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());

        FileVerification valid = Signing.Verify(signed);
        Assert.Equal(Verdict.Valid, valid.Verdict);
        Assert.Contains(ValidationCodes.SigningCredentialUntrusted, valid.Codes);
        Assert.Contains(ValidationCodes.AssertionDataHashMatch, valid.Codes);
        Assert.Contains(ValidationCodes.ClaimSignatureValidated, valid.Codes);

        FileVerification trusted = Signing.Verify(signed, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Trusted, trusted.Verdict);
        Assert.Contains(ValidationCodes.SigningCredentialTrusted, trusted.Codes);
        Assert.DoesNotContain(trusted.Codes, ValidationCodes.IsFailure);
        Assert.StartsWith("urn:c2pa:", result.ManifestLabel);
    }

    [Fact]
    public async Task VerificationReportsWhoWhatAndConsent()
    {
        using var pki = new TestPki("Ada Example");
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());

        FileVerification report = Signing.Verify(signed);
        // Not in the trust store: every name is a claim, none is verified.
        Assert.Null(report.Signer!.Verified);
        Assert.Contains(new ClaimedName("Ada Example Token 0001", "certificate"), report.Signer.Claimed);
        Assert.Contains(new ClaimedName("Ada Example", "creativeWork"), report.Signer.Claimed);
        Assert.Equal("PD-0042", report.Token!.Serial);
        Assert.Equal(17, report.Token.Counter);
        Assert.Equal(KeyProtectionLevels.SecureElement, report.Token.KeyProtection);
        Assert.False(report.Token.Proven);
        Assert.Equal(DigitalSourceTypes.Print, report.SourceType!.Iptc);
        Assert.Equal("scan of a physical work", report.SourceType.Words);
        Assert.Equal("notAllowed", report.ConsentFor("cawg.ai_training"));
        Assert.Equal("constrained", report.ConsentFor("cawg.data_mining"));
        Assert.Equal("jpeg", report.Format);
    }

    [Fact]
    public async Task OneChangedByteInTheImageDataMakesItInvalid()
    {
        using var pki = new TestPki();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        int scanData = IndexOfStartOfScan(signed) + 20;
        signed[scanData] ^= 0x01;

        FileVerification report = Signing.Verify(signed, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.AssertionDataHashMismatch, report.Codes);
        Assert.Contains("changed after signing", report.Reason);
    }

    [Fact]
    public async Task AnEditedClaimBreaksTheClaimSignature()
    {
        using var pki = new TestPki();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        // The claim carries dc:title; change one letter of it inside the store.
        int title = IndexOf(signed, "Harbour at dawn"u8.ToArray(), IndexOf(signed, "c2pa.claim.v2"u8.ToArray(), 0));
        signed[title] = (byte)'h';

        FileVerification report = Signing.Verify(signed);
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.ClaimSignatureMismatch, report.Codes);
    }

    [Fact]
    public async Task AnEditedAssertionBreaksItsHashedUri()
    {
        using var pki = new TestPki();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        int serial = IndexOf(signed, "PD-0042"u8.ToArray(), 0);
        signed[serial + 6] = (byte)'3';

        FileVerification report = Signing.Verify(signed);
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.AssertionHashedUriMismatch, report.Codes);
        Assert.Contains(ValidationCodes.ClaimSignatureValidated, report.Codes);
    }

    [Fact]
    public void UnsignedJpegIsMissing()
    {
        FileVerification report = Signing.Verify(TestAssets.SmallJpeg());
        Assert.Equal(Verdict.Missing, report.Verdict);
        Assert.Empty(report.Codes);
    }

    [Fact]
    public void TruncatedJpegIsAnErrorWithAOneLineReason()
    {
        byte[] jpeg = TestAssets.SmallJpeg();
        FileVerification report = Signing.Verify(jpeg[..(jpeg.Length / 2)]);
        Assert.Equal(Verdict.Error, report.Verdict);
        Assert.Contains("truncated", report.Reason);
        Assert.DoesNotContain('\n', report.Reason);
    }

    [Fact]
    public void TextFileIsAnError()
    {
        FileVerification report = Signing.Verify("just some words, not an image at all"u8.ToArray());
        Assert.Equal(Verdict.Error, report.Verdict);
        Assert.DoesNotContain('\n', report.Reason);
    }

    [Fact]
    public async Task RevokedSignerIsInvalid()
    {
        using var pki = new TestPki();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        FileVerification report = Signing.Verify(signed, new TrustSettings { Anchors = [pki.Root], Crls = [pki.CrlRevokingLeaf()] });
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.SigningCredentialRevoked, report.Codes);
    }

    [Fact]
    public async Task SelfSignedSignerIsInvalid()
    {
        using var pki = new TestPki(selfSignedLeaf: true);
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(includeRoot: false));
        FileVerification report = Signing.Verify(signed);
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.SigningCredentialInvalid, report.Codes);
    }

    [Fact]
    public async Task ExpiredSignerIsInvalid()
    {
        using var pki = new TestPki(leafNotAfter: DateTimeOffset.UtcNow.AddDays(-2));
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        FileVerification report = Signing.Verify(signed);
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.SigningCredentialExpired, report.Codes);
    }

    [Fact]
    public async Task ResigningKeepsThePreviousManifestAsParentIngredient()
    {
        using var first = new TestPki("First Artist");
        using var second = new TestPki("Second Artist");
        (byte[] once, SignResult firstResult) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), first.Signer());
        (byte[] twice, SignResult secondResult) = await Signing.SignJpegAsync(once, second.Signer());

        Assert.True(secondResult.HasParentIngredient);
        FileVerification report = Signing.Verify(twice, new TrustSettings { Anchors = [second.Root] });
        Assert.Equal(Verdict.Trusted, report.Verdict);
        Assert.Contains(ValidationCodes.IngredientManifestValidated, report.Codes);
        Assert.Contains(ValidationCodes.IngredientClaimSignatureValidated, report.Codes);

        using var stream = new MemoryStream(twice);
        ManifestStore store = ManifestStore.Parse(new JpegHandler().ReadManifestStore(stream)!);
        Assert.Equal([firstResult.ManifestLabel, secondResult.ManifestLabel], store.Manifests.Select(m => m.Label));
    }

    [Fact]
    public async Task FileSigningWritesAtomicallyAndLeavesTheInputAlone()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("scan.jpg");
        string output = folder.File("scan-signed.jpg");
        byte[] original = TestAssets.SmallJpeg();
        File.WriteAllBytes(input, original);

        await new ManifestSigner().SignFileAsync(input, output, Signing.Request(), pki.Signer());

        Assert.Equal(original, File.ReadAllBytes(input));
        Assert.Equal(Verdict.Valid, Verifier.VerifyFile(output, TrustSettings.None).Verdict);
        Assert.Equal(["scan-signed.jpg", "scan.jpg"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task FileSigningInPlaceReplacesTheFile()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("drawing.jpg");
        File.WriteAllBytes(path, TestAssets.SmallJpeg());

        await new ManifestSigner().SignFileAsync(path, path, Signing.Request(), pki.Signer());

        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(path, new TrustSettings { Anchors = [pki.Root] }).Verdict);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task SigningHandsTheSigStructureToTheSignerOnce()
    {
        using var pki = new TestPki();
        var signer = (TestSigner)pki.Signer();
        await Signing.SignJpegAsync(TestAssets.SmallJpeg(), signer);
        Assert.Equal(1, signer.Calls);
    }

    [Fact]
    public async Task AFailedSignatureLeavesNoOutputAndNoTemporaryFile()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("scan.jpg");
        File.WriteAllBytes(input, TestAssets.SmallJpeg());
        using var pki = new TestPki();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ManifestSigner().SignFileAsync(input, folder.File("out.jpg"), Signing.Request(), new RefusingSigner(pki.Signer())));

        Assert.Equal(["scan.jpg"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ABrokenStoreIsInvalidAndSaysWhere()
    {
        using var pki = new TestPki();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        // Make the claim box's length run past its manifest.
        int label = IndexOf(signed, "c2pa.claim.v2"u8.ToArray(), 0);
        int claimBox = signed.AsSpan(0, label).LastIndexOf("jumb"u8) - 4;
        signed[claimBox] = 0x7F;

        FileVerification report = Signing.Verify(signed);
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.ClaimMalformed, report.Codes);
        Assert.Contains("urn:c2pa:", report.Reason);
    }

    private sealed class RefusingSigner(IClaimSigner inner) : IClaimSigner
    {
        public System.Security.Cryptography.X509Certificates.X509Certificate2Collection Chain => inner.Chain;

        public Task<byte[]> SignAsync(byte[] toBeSigned, System.Threading.CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the artist did not press the button");
    }

    internal static int IndexOfStartOfScan(byte[] jpeg)
    {
        for (int i = 2; i + 3 < jpeg.Length;)
        {
            if (jpeg[i] != 0xFF) throw new InvalidDataException("not at a marker");
            byte marker = jpeg[i + 1];
            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker == 0xDA) return i + 2 + length;
            i += 2 + length;
        }
        throw new InvalidDataException("no SOS");
    }

    internal static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        int index = haystack.AsSpan(from).IndexOf(needle);
        if (index < 0) throw new InvalidDataException("pattern not found");
        return from + index;
    }
}
