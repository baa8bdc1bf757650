using System.IO;
using Provenance.Formats;
using Provenance.Tests.Conformance;
using static Provenance.Tests.Formats.ReadOnlyFormatBuilders;
using static Provenance.Tests.Formats.ReadOnlyHandlerChecks;

namespace Provenance.Tests.Formats;

public class GifHandlerTests
{
    private readonly GifHandler _handler = new();

    [Fact]
    public void StoreInTheC2paApplicationExtension_IsReadBackExactly_AndTheWholeBlockIsExcluded()
    {
        // 700 bytes: three sub-blocks (255, 255, 190), so the reader must join them.
        byte[] store = C2paStore(700);
        byte[] block = GifC2paBlock(store);
        byte[] gif = Gif(block, GifImage());

        Assert.Equal(store, Read(_handler, gif));
        Assert.Equal([new HashRange(GifHeader().Length, block.Length)], _handler.GetStoreExclusions(new MemoryStream(gif)));
        Assert.IsType<GifHandler>(AssetHandlers.Default.ForStream(new MemoryStream(gif)));
    }

    [Fact]
    public void GifWithoutCredentials_HasNoStore()
    {
        byte[] gif = Gif(GifApplicationExtension("NETSCAPE2.0"u8, [1, 0, 0]), GifImage(), GifImage());
        Assert.Null(Read(_handler, gif));
        Assert.Empty(_handler.GetStoreExclusions(new MemoryStream(gif)));
    }

    [Fact]
    public void C2paBlockAfterTheFirstImage_IsNotTheStore()
    {
        // C2PA 2.2 §A.3.7: the block goes after the header and before the first image descriptor (c2pa-rs reads the same).
        byte[] gif = Gif(GifImage(), GifC2paBlock(C2paStore(100)));
        Assert.Null(Read(_handler, gif));
    }

    [Fact]
    public void TwoC2paBlocks_AreRefused()
    {
        byte[] gif = Gif(GifC2paBlock(C2paStore(100)), GifC2paBlock(C2paStore(100, seed: 2)), GifImage());
        Assert.Contains("second C2PA", Refuses(_handler, gif).Problem);
    }

    [Fact]
    public void SubBlockRunningPastTheEnd_IsRefusedWithItsOffset()
    {
        byte[] gif = Gif(GifC2paBlock(C2paStore(300)), GifImage());
        byte[] cut = gif[..(GifHeader().Length + 200)];
        AssetFormatException e = Refuses(_handler, cut);
        Assert.Equal("gif", e.Format);
        Assert.InRange(e.Offset, GifHeader().Length, cut.Length);
    }

    [Fact]
    public void UnknownBlockIntroducer_IsRefused()
    {
        byte[] gif = Gif([0x99], GifImage());
        Assert.Contains("0x99", Refuses(_handler, gif).Problem);
    }

    [Fact]
    public void EveryTruncationAndCorruption_AnswersOrThrowsAssetFormatException()
    {
        byte[] gif = Gif(GifC2paBlock(C2paStore(600)), GifAdobeXmpBlock(Xmp("t")), GifImage());
        int refused = AnswersOrRefuses(_handler, Damaged(gif));
        Assert.True(refused > 0);
    }

    [Fact]
    public void AdobeRawXmp_AndC2paRsSubBlockXmp_AreBothRead()
    {
        string xmp = Xmp("raw packet");
        Assert.Equal(xmp, _handler.ReadXmp(new MemoryStream(Gif(GifAdobeXmpBlock(xmp), GifImage()))));

        // c2pa-rs writes the packet and a 257-byte trailer (01, FF … 00) as ordinary data sub-blocks.
        var data = new MemoryStream();
        data.Write(System.Text.Encoding.UTF8.GetBytes(xmp));
        data.WriteByte(1);
        for (int b = 0xFF; b >= 0; b--) data.WriteByte((byte)b);
        byte[] subBlocks = GifApplicationExtension("XMP DataXMP"u8, data.ToArray());
        Assert.Equal(xmp, _handler.ReadXmp(new MemoryStream(Gif(subBlocks, GifImage()))));
    }

    [Fact]
    public void SigningAGif_IsNotSupportedInPlace()
    {
        Assert.False(((IAssetHandler)_handler).CanWrite);
        var e = Assert.Throws<System.NotSupportedException>(() => _handler.WriteWithPlaceholder(new MemoryStream(Gif(GifImage())), new MemoryStream(), 100, null));
        Assert.Contains("sidecar", e.Message);
    }

    [Fact]
    public void CorpusGif_ReadsWithoutError_AndHasNoStore()
    {
        string[] files = [.. Corpus.FilesEndingWith(".gif")];
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            using FileStream stream = File.OpenRead(Corpus.PathOf(file));
            Assert.IsType<GifHandler>(AssetHandlers.Default.ForStream(stream));
            Assert.Null(_handler.ReadManifestStore(stream));
        }
    }
}
