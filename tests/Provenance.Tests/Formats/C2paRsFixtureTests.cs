using System.IO;
using System.Text;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

/// <summary>The PNG and WebP handlers against files c2pa-rs signed (TIFF differs: see TiffHandlerTests).</summary>
public class C2paRsFixtureTests
{
    private static IAssetHandler Handler(string fixture) => fixture.EndsWith(".png") ? new PngHandler() : new WebpHandler();

    [Theory]
    [InlineData("pd-es256.png")]
    [InlineData("pd-es256.webp")]
    public void ReembeddingTheC2paRsStore_ReproducesTheC2paRsFileByteForByte(string fixture)
    {
        // Same placement as c2pa-rs: what we write with its store is exactly the file c2pa-rs signed and validates.
        IAssetHandler handler = Handler(fixture);
        byte[] signedByC2paRs = File.ReadAllBytes(FixturePath(fixture));
        byte[] store = handler.ReadManifestStore(new MemoryStream(signedByC2paRs))!;
        var (placement, file) = Embed(handler, signedByC2paRs, store);
        Assert.Equal(signedByC2paRs, file);
        Assert.Equal(DataHashExclusions(store), placement.Exclusions);
    }

    [Theory]
    [InlineData("pd-es256.png")]
    [InlineData("pd-es256.webp")]
    public void C2paRsSignedFixture_HasAJumbfStore_AndExclusionsMatchItsDataHash(string fixture)
    {
        IAssetHandler handler = Handler(fixture);
        byte[] file = File.ReadAllBytes(FixturePath(fixture));
        using var s = new MemoryStream(file);
        byte[] store = handler.ReadManifestStore(s)!;
        Assert.Equal("jumb", Encoding.ASCII.GetString(store, 4, 4));
        Assert.Contains("c2pa", Encoding.ASCII.GetString(store, 8, 32));
        var exclusions = handler.GetStoreExclusions(s);
        Assert.Equal(DataHashExclusions(store), exclusions);
        Assert.All(exclusions, r => Assert.InRange(r.End, 1, file.Length));
    }
}
