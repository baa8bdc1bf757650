using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

public class PngHandlerTests
{
    private readonly PngHandler _png = new();

    [Fact]
    public void RoundTrip_ReturnsTheExactStore_AndExclusionsMatchThePlacement()
    {
        byte[] store = FakeStore(3001);
        var (placement, file) = Embed(_png, Png(16, 16), store);

        using var written = new MemoryStream(file);
        Assert.Equal(store, _png.ReadManifestStore(written));
        Assert.Equal(placement.Exclusions, _png.GetStoreExclusions(written));
        // The caBX chunk sits right after IHDR and the exclusion covers length+type+data+CRC.
        Assert.Equal(new HashRange(33, 3001 + 12), Assert.Single(placement.Exclusions));
        Assert.Equal("caBX", Encoding.ASCII.GetString(file, 37, 4));
    }

    [Fact]
    public void WrittenFile_HasValidChunkCrcs_AndImageMagickReadsIt()
    {
        var (_, file) = Embed(_png, Png(16, 16), FakeStore(500), "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>");
        long offset = 8;
        int chunks = 0;
        while (offset < file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan((int)offset));
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)offset + 8 + length));
            Assert.Equal(PngCrc(file.AsSpan((int)offset + 4, 4 + length)), crc);
            offset += 12 + length;
            chunks++;
        }
        Assert.Equal(file.Length, offset);
        Assert.Equal(5, chunks); // IHDR caBX iTXt IDAT IEND

        if (FindTool("identify") is { } identify)
        {
            var (exit, output, errors) = RunTool(identify, ".png", file);
            Assert.True(exit == 0, errors);
            Assert.Contains("16x16", output);
        }
    }

    [Fact]
    public void ChangingOneByteOutsideTheExclusions_ChangesTheDataHash_ButTheStoreDoesNot()
    {
        var (placement, file) = Embed(_png, Png(16, 16), FakeStore(400));
        byte[] baseline = HashOutside(file, placement.Exclusions);

        byte[] otherStore = (byte[])file.Clone();
        otherStore[placement.Exclusions[0].Start + 20] ^= 0xFF;
        Assert.Equal(baseline, HashOutside(otherStore, placement.Exclusions));

        byte[] tampered = (byte[])file.Clone();
        tampered[^20] ^= 0x01;
        Assert.NotEqual(baseline, HashOutside(tampered, placement.Exclusions));
    }

    [Fact]
    public void ResigningReplacesTheStoreAndXmp_InsteadOfAddingMore()
    {
        var (_, once) = Embed(_png, Png(4, 4), FakeStore(300, 1), "<first/>");
        byte[] second = FakeStore(350, 2);
        var (placement, twice) = Embed(_png, once, second, "<second/>");
        using var s = new MemoryStream(twice);
        Assert.Equal(second, _png.ReadManifestStore(s));
        Assert.Equal("<second/>", _png.ReadXmp(s));
        Assert.Single(_png.GetStoreExclusions(s));
        Assert.Equal(Png(4, 4).Length + 350 + 12 + 12 + 17 + 5 + "<second/>".Length, twice.Length);
        Assert.Single(placement.Exclusions);
    }

    [Fact]
    public void ExistingXmpIsKeptWhenNoneIsGiven()
    {
        byte[] itxt = [.. "XML:com.adobe.xmp"u8, 0, 0, 0, 0, 0, .. "<kept/>"u8];
        var (_, file) = Embed(_png, Png(2, 2, [("iTXt", itxt)]), FakeStore(64));
        Assert.Equal("<kept/>", _png.ReadXmp(new MemoryStream(file)));
    }

    [Fact]
    public void ReadsCompressedXmp()
    {
        using var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Fastest, true)) zs.Write("<zipped/>"u8);
        byte[] itxt = [.. "XML:com.adobe.xmp"u8, 0, 1, 0, 0, 0, .. z.ToArray()];
        Assert.Equal("<zipped/>", _png.ReadXmp(new MemoryStream(Png(2, 2, [("iTXt", itxt)]))));
    }

    [Fact]
    public void FileWithoutStore_ReadsAsNull()
    {
        using var s = new MemoryStream(Png(2, 2));
        Assert.Null(_png.ReadManifestStore(s));
        Assert.Null(_png.ReadXmp(s));
        Assert.Empty(_png.GetStoreExclusions(s));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(40)]
    public void TruncatedFile_ThrowsAssetFormatException(int keep)
    {
        var (_, file) = Embed(_png, Png(4, 4), FakeStore(100));
        var e = Assert.Throws<AssetFormatException>(() => _png.ReadManifestStore(new MemoryStream(file[..keep])));
        Assert.Equal("png", e.Format);
    }

    [Fact]
    public void ChunkLengthPastEndOfFile_NamesTheChunkAndOffset()
    {
        byte[] file = Png(4, 4);
        int idat = file.AsSpan().IndexOf("IDAT"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(idat), 0x7FFFFFF0);
        var e = Assert.Throws<AssetFormatException>(() => _png.ReadManifestStore(new MemoryStream(file)));
        Assert.Equal(idat, e.Offset);
        Assert.Contains("IDAT", e.Problem);
    }

    [Fact]
    public void MissingIend_AndBadIhdrCrc_AreReported()
    {
        byte[] file = Png(4, 4);
        Assert.Throws<AssetFormatException>(() => _png.ReadManifestStore(new MemoryStream(file[..^12])));
        file[20] ^= 1;
        var e = Assert.Throws<AssetFormatException>(() => _png.ReadManifestStore(new MemoryStream(file)));
        Assert.Contains("CRC", e.Problem);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void TwoStores_AreRefused()
    {
        byte[] file = Png(4, 4, [("caBX", FakeStore(20, 1)), ("caBX", FakeStore(20, 2))]);
        var e = Assert.Throws<AssetFormatException>(() => _png.ReadManifestStore(new MemoryStream(file)));
        Assert.Contains("caBX", e.Problem);
    }
}
