using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.C2pa;

public class SidecarSigningTests
{
    private static readonly byte[] Gif = "GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"u8.ToArray();

    [Fact]
    public async Task AFormatWeCannotEmbedInGetsASidecarAndStaysByteForByte()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("sketch.gif");
        File.WriteAllBytes(path, Gif);

        await new ManifestSigner().SignFileAsync(path, path, Signing.Request(), pki.Signer());

        Assert.Equal(Gif, File.ReadAllBytes(path));
        Assert.True(File.Exists(folder.File("sketch.c2pa")));
        FileVerification report = Verifier.VerifyFile(path, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Trusted, report.Verdict);
        Assert.Equal("sidecar", report.Format);
        Assert.EndsWith("Token 0001", report.Signer!.Verified!.Name);
        Assert.Contains(new ClaimedName("Ada Example", "creativeWork"), report.Signer.Claimed);
    }

    [Fact]
    public async Task ChangingTheAssetBehindItsSidecarIsInvalid()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("sketch.gif");
        File.WriteAllBytes(path, Gif);
        await new ManifestSigner().SignFileAsync(path, path, Signing.Request(), pki.Signer());

        byte[] changed = (byte[])Gif.Clone();
        changed[6] = 2;
        File.WriteAllBytes(path, changed);

        FileVerification report = Verifier.VerifyFile(path, TrustSettings.None);
        Assert.Equal(Verdict.Invalid, report.Verdict);
        Assert.Contains(ValidationCodes.AssertionDataHashMismatch, report.Codes);
    }

    [Fact]
    public void AnUnknownFileWithoutSidecarIsAnError()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("notes.bmp");
        File.WriteAllBytes(path, "BM\u003a\u0000\u0000\u0000\u0000\u0000\u0000\u0000"u8.ToArray());
        Assert.Equal(Verdict.Error, Verifier.VerifyFile(path, TrustSettings.None).Verdict);
    }

    [Fact]
    public void AGifWithoutCredentialsOrSidecarIsMissing()
    {
        // Issue 10 rule 8: GIF is read (not written), so a GIF without credentials is `missing`, not `error`.
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("notes.gif");
        File.WriteAllBytes(path, Gif);
        Assert.Equal(Verdict.Missing, Verifier.VerifyFile(path, TrustSettings.None).Verdict);
    }
}
