using System;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.C2pa;

public class TimeStampTests
{
    [Fact]
    public async Task SignatureGetsAnRfc3161TimeStampThatVerifies()
    {
        using var pki = new TestPki();
        using var tsa = new LocalTimeStampAuthority(pki);
        (byte[] signed, SignResult result) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(), Signing.Request(tsa: tsa.Url));

        Assert.True(result.TimeStamped);
        Assert.Equal(1, tsa.Requests);
        FileVerification untrusted = Signing.Verify(signed);
        Assert.Equal(Verdict.Valid, untrusted.Verdict);
        Assert.Contains(ValidationCodes.TimeStampValidated, untrusted.Codes);
        Assert.True(untrusted.Time!.TimeStamped);

        FileVerification trusted = Signing.Verify(signed, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Trusted, trusted.Verdict);
        Assert.Contains(ValidationCodes.TimeStampTrusted, trusted.Codes);
    }

    [Fact]
    public async Task TimeStampOfAnotherSignatureIsIgnoredNotFatal()
    {
        using var pki = new TestPki();
        using var tsa = new LocalTimeStampAuthority(pki);
        (byte[] first, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(), Signing.Request(tsa: tsa.Url));
        (byte[] second, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(), Signing.Request(tsa: tsa.Url));
        // Give the second signature the first one's time stamp: a valid token from the same TSA, over another signature.
        byte[] secondCose = CoseOf(second);
        ParsedCoseSign1 parsed = ParsedCoseSign1.Parse(secondCose);
        byte[] swapped = ClaimSignature.EncodeToLength(parsed.ProtectedHeaderBytes, parsed.Signature, ParsedCoseSign1.Parse(CoseOf(first)).TimeStampToken, secondCose.Length);
        swapped.CopyTo(second, ManifestSignerTests.IndexOf(second, secondCose, 0));

        // C2PA 2.2 §15.8, §15.2.2.2: the time stamp lives in the unsigned header, so anyone can swap it; it is then
        // reported and ignored, and the signature is judged without it: the file stays valid, with no proven time.
        FileVerification report = Signing.Verify(second);
        Assert.Equal(Verdict.Valid, report.Verdict);
        Assert.Contains(ValidationCodes.TimeStampMismatch, report.Codes);
        Assert.DoesNotContain(ValidationCodes.TimeStampValidated, report.Codes);
        Assert.Null(report.Time);
        Assert.Contains(report.Notes, n => n.Contains("time stamp", StringComparison.Ordinal));
    }

    private static byte[] CoseOf(byte[] asset)
    {
        using var stream = new System.IO.MemoryStream(asset);
        ManifestStore store = ManifestStore.Parse(new Provenance.Formats.JpegHandler().ReadManifestStore(stream)!);
        return store.Active!.SignatureBytes!;
    }
}
