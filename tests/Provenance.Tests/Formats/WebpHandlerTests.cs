using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

public class WebpHandlerTests
{
    // Made with ImageMagick 6.9 / libwebp 1.2.4: `convert -size 16x16 gradient:red-blue -define webp:lossless=true`,
    // `convert -size 16x16 gradient:green-yellow -quality 80`, and a 12x10 half-transparent rectangle (lossless, alpha).
    internal static readonly byte[] Lossless16 = Convert.FromBase64String("UklGRkoAAABXRUJQVlA4TD4AAAAvD8ADAH8AEIT/cQsT8ff/+U+WAVVk21BBBRVUUEEFFVRQQQUVVFBBBRV8bYeI/ufncTlsFpNBp1EpZBKRAA==");
    internal static readonly byte[] Lossy16 = Convert.FromBase64String("UklGRk4AAABXRUJQVlA4IEIAAABwAgCdASoQABAAAUAmJagCdLcAlgH6AAW5zuEAAP7xIq2xPdvxd4BtCfBz/16of+eqH/yoaf/Khp/+QmD03ChI8AA=");
    internal static readonly byte[] Alpha12x10 = Convert.FromBase64String("UklGRiYAAABXRUJQVlA4TBoAAAAvC0ACEA8Q8x/zFwwyaZvUv+W98xDR/4D1AA==");

    private readonly WebpHandler _webp = new();

    [Theory]
    [InlineData(false, 1001)]
    [InlineData(true, 1000)]
    public void RoundTrip_ReturnsTheExactStore_AndFixesTheRiffSize(bool lossy, int storeLength)
    {
        byte[] source = lossy ? Lossy16 : Lossless16;
        byte[] store = FakeStore(storeLength);
        var (placement, file) = Embed(_webp, source, store);

        using var s = new MemoryStream(file);
        Assert.Equal(store, _webp.ReadManifestStore(s));
        Assert.Equal(placement.Exclusions, _webp.GetStoreExclusions(s));
        // Without XMP the file stays simple: the image chunk is copied, the C2PA chunk is appended (as c2pa-rs does).
        Assert.Equal(source.Length, placement.Exclusions[0].Start);
        Assert.Equal(8 + storeLength, placement.Exclusions[0].Length);
        Assert.Equal((uint)(file.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal(source.Length + 8 + storeLength + (storeLength & 1), file.Length);
        AssertImageMagickReads(file, "16x16");
    }

    [Theory]
    [InlineData("lossless", 16, 16, false)]
    [InlineData("lossy", 16, 16, false)]
    [InlineData("alpha", 12, 10, true)]
    public void AddingXmp_ConvertsASimpleFileToExtended_WithCanvasFromTheBitstream(string which, int width, int height, bool alpha)
    {
        byte[] source = which switch { "lossless" => Lossless16, "lossy" => Lossy16, _ => Alpha12x10 };
        const string xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>"; // odd length: needs a pad byte
        var (_, file) = Embed(_webp, source, FakeStore(200), xmp);

        Assert.Equal("VP8X", Encoding.ASCII.GetString(file, 12, 4));
        byte flags = file[20];
        Assert.Equal(0x04, flags & 0x04);
        Assert.Equal(alpha, (flags & 0x10) != 0);
        Assert.Equal(width - 1, file[24] | file[25] << 8 | file[26] << 16);
        Assert.Equal(height - 1, file[27] | file[28] << 8 | file[29] << 16);
        Assert.Equal(xmp, _webp.ReadXmp(new MemoryStream(file)));
        AssertImageMagickReads(file, $"{width}x{height}");
    }

    [Fact]
    public void ExtendedFile_KeepsItsVp8x_AndReplacesXmpAndStore()
    {
        var (_, once) = Embed(_webp, Lossless16, FakeStore(120, 1), "<first/>");
        byte[] second = FakeStore(99, 2);
        var (placement, twice) = Embed(_webp, once, second, "<second/>");
        using var s = new MemoryStream(twice);
        Assert.Equal(second, _webp.ReadManifestStore(s));
        Assert.Equal("<second/>", _webp.ReadXmp(s));
        Assert.Single(_webp.GetStoreExclusions(s));
        Assert.Equal(twice.AsSpan().IndexOf("VP8X"u8), twice.AsSpan().LastIndexOf("VP8X"u8));
        Assert.Equal(placement.Exclusions[0].Start, twice.AsSpan().IndexOf("C2PA"u8));

        // Re-signing without XMP keeps the XMP that is there.
        var (_, third) = Embed(_webp, twice, FakeStore(80, 3));
        Assert.Equal("<second/>", _webp.ReadXmp(new MemoryStream(third)));
    }

    [Fact]
    public void ChangingOneByteOutsideTheExclusions_ChangesTheDataHash()
    {
        var (placement, file) = Embed(_webp, Lossy16, FakeStore(300));
        byte[] baseline = HashOutside(file, placement.Exclusions);
        byte[] storeChanged = (byte[])file.Clone();
        storeChanged[placement.Exclusions[0].Start + 50] ^= 0xFF;
        Assert.Equal(baseline, HashOutside(storeChanged, placement.Exclusions));
        byte[] tampered = (byte[])file.Clone();
        tampered[40] ^= 0x01;
        Assert.NotEqual(baseline, HashOutside(tampered, placement.Exclusions));
    }

    [Fact]
    public void ChunkSizePastTheRiffForm_NamesTheChunkAndOffset()
    {
        byte[] file = (byte[])Lossless16.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), 0xFFFFFFF0);
        var e = Assert.Throws<AssetFormatException>(() => _webp.ReadManifestStore(new MemoryStream(file)));
        Assert.Equal(12, e.Offset);
        Assert.Contains("VP8L", e.Problem);
    }

    [Fact]
    public void RiffSizePastEndOfFile_AndTruncation_AreReported()
    {
        var e = Assert.Throws<AssetFormatException>(() => _webp.ReadManifestStore(new MemoryStream(Lossless16[..^10])));
        Assert.Equal("webp", e.Format);
        Assert.Throws<AssetFormatException>(() => _webp.ReadManifestStore(new MemoryStream(Lossless16[..6])));
        byte[] notWebp = (byte[])Lossless16.Clone();
        notWebp[8] = (byte)'A';
        Assert.Throws<AssetFormatException>(() => _webp.ReadXmp(new MemoryStream(notWebp)));
    }

    private static void AssertImageMagickReads(byte[] file, string size)
    {
        if (FindTool("identify") is not { } identify) return;
        var (exit, output, errors) = RunTool(identify, ".webp", file);
        Assert.True(exit == 0, errors);
        Assert.Contains(size, output);
    }
}
