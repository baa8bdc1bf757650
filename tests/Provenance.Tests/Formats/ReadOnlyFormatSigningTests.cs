using System.IO;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Device;
using Provenance.Formats;
using Provenance.Identity;
using Provenance.Tests.Conformance;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using static Provenance.Tests.Formats.ReadOnlyFormatBuilders;

namespace Provenance.Tests.Formats;

/// <summary>Formats we read but do not write are signed into a `.c2pa` sidecar, and verify with it.</summary>
public class ReadOnlyFormatSigningTests
{
    public static TheoryData<string> Files => new() { "drawing.gif", "report.pdf", "photo.heic", "scan.jxl" };

    private static byte[] Unsigned(string name) => Path.GetExtension(name) switch
    {
        ".gif" => Gif(GifImage()),
        ".pdf" => Pdf(null),
        ".heic" => Concat(Ftyp(), Box("mdat", new byte[32])),
        _ => Concat(JxlSignature, JxlFtyp(), JxlCodestream()),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task SigningAReadOnlyFormat_WritesASidecar_LeavesTheFileAlone_AndVerifies(string name)
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File(name);
        string output = folder.File("signed-" + name);
        byte[] original = Unsigned(name);
        File.WriteAllBytes(input, original);
        Assert.Equal(Verdict.Missing, Verifier.VerifyFile(input, TrustSettings.None).Verdict);

        await new ManifestSigner().SignFileAsync(input, output, Signing.Request(), pki.Signer());

        Assert.Equal(original, File.ReadAllBytes(output));
        Assert.True(File.Exists(SidecarHandler.SidecarPath(output)), "no sidecar beside " + output);
        FileVerification result = Verifier.VerifyFile(output, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Trusted, result.Verdict);
    }

    [Fact]
    public async Task ArtworkSigner_SignsAGifWithTheTokenIntoASidecar()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string identityFolder = folder.File("identity");
        ArtistIdentity identity = ArtistIdentity.Create("Gif Artist", "artist@example.org", "https://artist.example.org", "gif-password", identityFolder, ArtistIdentity.MinKeyDerivationIterations);
        string input = folder.File("loop.gif");
        string output = folder.File("loop-signed.gif");
        byte[] original = Gif(GifImage());
        File.WriteAllBytes(input, original);
        await using (TokenClient token = EmbeddedToken.Open(folder.File("token")))
        {
            using (UnlockedIdentity unlocked = identity.Unlock("gif-password"))
                await TokenEnrollment.EnrollAsync(token, unlocked);
            ArtworkSignResult result = await ArtworkSigner.SignFileAsync(input, output, token,
                new ArtworkSignOptions { IdentityDirectory = identityFolder, Source = CaptureSource.Tablet }, null);
            Assert.Equal("c2pa", result.Format);
        }
        Assert.Equal(original, File.ReadAllBytes(output));
        Assert.Equal(Verdict.Valid, Verifier.VerifyFile(output, TrustSettings.None).Verdict);
    }

    [Fact]
    public void EmbeddedFormats_StillWriteInPlace()
    {
        foreach (IAssetHandler handler in AssetHandlers.Default.All)
        {
            bool readOnly = handler is PdfHandler or BmffHandler or GifHandler or JpegXlHandler;
            Assert.Equal(!readOnly, handler.CanWrite);
        }
    }

    [Fact]
    public void Dng_IsReadByTheTiffHandler_AndItsC2paTagIsTheStore()
    {
        // C2PA 2.2 §A.3.5: DNG is TIFF-based; the store is tag 0xCD41.
        string[] files = [.. Corpus.FilesEndingWith(".dng")];
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            using FileStream stream = File.OpenRead(Corpus.PathOf(file));
            IAssetHandler? handler = AssetHandlers.Default.ForStream(stream);
            Assert.IsType<TiffHandler>(handler);
            byte[]? store = handler!.ReadManifestStore(stream);
            Assert.NotNull(store);
            Assert.Equal("jumb", System.Text.Encoding.ASCII.GetString(store!, 4, 4));
        }
    }
}
