using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

public class TiffHandlerTests
{
    private readonly TiffHandler _tiff = new();

    public static IEnumerable<object[]> Variants() =>
    [
        [true, false],
        [false, false],
        [true, true],
        [false, true],
    ];

    [Theory]
    [MemberData(nameof(Variants))]
    public void RoundTrip_ReturnsTheExactStore_AndExclusionsMatchThePlacement(bool little, bool big)
    {
        byte[] source = TiffBuilder.Build(little, big, 8, 6);
        byte[] store = FakeStore(2049);
        var (placement, file) = Embed(_tiff, source, store, "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>");

        using var s = new MemoryStream(file);
        Assert.Equal(store, _tiff.ReadManifestStore(s));
        Assert.Equal(placement.Exclusions, _tiff.GetStoreExclusions(s));
        Assert.Equal("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>", _tiff.ReadXmp(s));
        // The store ends the file and is the only exclusion; the C2PA entry's count (hashed) says its length.
        HashRange exclusion = Assert.Single(placement.Exclusions);
        Assert.Equal(file.Length, exclusion.End);
        Assert.Equal(2049, exclusion.Length);
        // The source is copied unchanged apart from the header's IFD0 offset.
        int headerLink = big ? 8 : 4;
        Assert.Equal(source.AsSpan(0, headerLink).ToArray(), file.AsSpan(0, headerLink).ToArray());
        Assert.Equal(source.AsSpan(headerLink * 2).ToArray(), file.AsSpan(headerLink * 2, source.Length - headerLink * 2).ToArray());
        AssertSamePixels(source, file);
    }

    [Fact]
    public void ChangingOneByteOutsideTheExclusions_ChangesTheDataHash()
    {
        var (placement, file) = Embed(_tiff, TiffBuilder.Build(true, false, 8, 8), FakeStore(500));
        byte[] baseline = HashOutside(file, placement.Exclusions);
        byte[] storeChanged = (byte[])file.Clone();
        storeChanged[placement.Exclusions[0].Start + 100] ^= 0xFF;
        Assert.Equal(baseline, HashOutside(storeChanged, placement.Exclusions));
        byte[] pixelChanged = (byte[])file.Clone();
        pixelChanged[9] ^= 0x01;
        Assert.NotEqual(baseline, HashOutside(pixelChanged, placement.Exclusions));
    }

    [Fact]
    public void Resigning_CutsTheOldStoreOff_AndKeepsOtherPages()
    {
        byte[] source = TiffBuilder.Build(false, false, 5, 5, pages: 3);
        var (_, once) = Embed(_tiff, source, FakeStore(700, 1), "<first/>");
        byte[] second = FakeStore(650, 2);
        var (_, twice) = Embed(_tiff, once, second);
        using var s = new MemoryStream(twice);
        Assert.Equal(second, _tiff.ReadManifestStore(s));
        Assert.Equal("<first/>", _tiff.ReadXmp(s));
        Assert.Equal(-1, twice.AsSpan().IndexOf(FakeStore(700, 1).AsSpan(8, 32)));
        AssertSamePixels(source, twice, frames: 3);
    }

    [Fact]
    public void StoreInALastIfdOfItsOwn_AsC2paRsWritesMultiPageFiles_IsReadAndThenReplaced()
    {
        byte[] twoPages = TiffBuilder.Build(true, false, 4, 4, pages: 2);
        byte[] oldStore = FakeStore(300, 7);
        byte[] withStoreIfd = AppendStoreOnlyIfd(twoPages, oldStore);
        using (var s = new MemoryStream(withStoreIfd)) Assert.Equal(oldStore, _tiff.ReadManifestStore(s));

        byte[] newStore = FakeStore(320, 8);
        var (placement, file) = Embed(_tiff, withStoreIfd, newStore);
        using var written = new MemoryStream(file);
        Assert.Equal(newStore, _tiff.ReadManifestStore(written));
        Assert.Equal(placement.Exclusions, _tiff.GetStoreExclusions(written));
        AssertSamePixels(twoPages, file, frames: 2);
    }

    [Fact]
    public void C2paRsSignedFixture_HasAJumbfStore_AndExclusionsMatchItsDataHash()
    {
        byte[] file = File.ReadAllBytes(FixturePath("pd-es256.tif"));
        using var s = new MemoryStream(file);
        byte[] store = _tiff.ReadManifestStore(s)!;
        Assert.Equal("jumb", Encoding.ASCII.GetString(store, 4, 4));
        Assert.Contains("c2pa", Encoding.ASCII.GetString(store, 8, 32));
        // c2pa-rs excluded the store and the C2PA entry's 4-byte count field (206026, 4); the store range is ours.
        HashRange storeRange = Assert.Single(_tiff.GetStoreExclusions(s));
        Assert.Equal([new HashRange(storeRange.Start - 12, 4), storeRange], DataHashExclusions(store));
        Assert.Equal(file.Length, storeRange.End);
    }

    [Fact]
    public void IfdThatPointsAtItself_IsALoop()
    {
        byte[] file = TiffBuilder.Build(true, false, 4, 4);
        uint ifd0 = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), ifd0);
        var e = Assert.Throws<AssetFormatException>(() => _tiff.ReadManifestStore(new MemoryStream(file)));
        Assert.Contains("loops", e.Problem);
        Assert.Equal(file.Length - 4, e.Offset);
    }

    [Fact]
    public void TwoIfdCycle_IsALoop()
    {
        byte[] file = TiffBuilder.Build(false, true, 4, 4, pages: 2);
        ulong ifd0 = BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(8));
        BinaryPrimitives.WriteUInt64BigEndian(file.AsSpan(file.Length - 8), ifd0);
        var e = Assert.Throws<AssetFormatException>(() => _tiff.WriteWithPlaceholder(new MemoryStream(file), new MemoryStream(), 100, null));
        Assert.Contains("loops", e.Problem);
    }

    [Fact]
    public void HugeEntryCount_IsRefusedWithoutReadingIt()
    {
        byte[] file = TiffBuilder.Build(true, true, 4, 4);
        long ifd0 = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(8));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan((int)ifd0), 0x0FFF_FFFF_FFFF_FFFF);
        var e = Assert.Throws<AssetFormatException>(() => _tiff.ReadManifestStore(new MemoryStream(file)));
        Assert.Equal(ifd0, e.Offset);
        Assert.Contains("entry count", e.Problem);

        byte[] classic = TiffBuilder.Build(true, false, 4, 4);
        uint classicIfd0 = BinaryPrimitives.ReadUInt32LittleEndian(classic.AsSpan(4));
        BinaryPrimitives.WriteUInt16LittleEndian(classic.AsSpan((int)classicIfd0), 60000);
        e = Assert.Throws<AssetFormatException>(() => _tiff.ReadManifestStore(new MemoryStream(classic)));
        Assert.Contains("past the end", e.Problem);
    }

    [Fact]
    public void StoreValuePastEndOfFile_NamesTheTag()
    {
        var (placement, file) = Embed(_tiff, TiffBuilder.Build(true, false, 4, 4), FakeStore(100));
        // The C2PA entry is the last entry of the appended IFD0; its count field is 12+4+4 bytes before the store.
        long countField = placement.Exclusions[0].Start - 12;
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)countField), 0x7FFFFFFF);
        var e = Assert.Throws<AssetFormatException>(() => _tiff.ReadManifestStore(new MemoryStream(file)));
        Assert.Contains("0xCD41", e.Problem);
        Assert.Equal(countField - 4, e.Offset);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(60)]
    public void TruncatedFile_ThrowsAssetFormatException(int keep)
    {
        byte[] file = TiffBuilder.Build(true, false, 8, 8);
        var e = Assert.Throws<AssetFormatException>(() => _tiff.ReadManifestStore(new MemoryStream(file[..keep])));
        Assert.Equal("tiff", e.Format);
    }

    [Fact]
    public void NoStore_ReadsAsNull()
    {
        using var s = new MemoryStream(TiffBuilder.Build(false, false, 3, 3));
        Assert.Null(_tiff.ReadManifestStore(s));
        Assert.Null(_tiff.ReadXmp(s));
        Assert.Empty(_tiff.GetStoreExclusions(s));
    }

    /// <summary>c2pa-rs's multi-page layout: a last IFD holding only tag 0xCD41, the store right after it.</summary>
    private static byte[] AppendStoreOnlyIfd(byte[] littleClassic, byte[] store)
    {
        using var o = new MemoryStream();
        o.Write(littleClassic);
        while (o.Length % 4 != 0) o.WriteByte(0);
        long ifd = o.Length;
        var buf = new byte[2 + 12 + 4];
        BinaryPrimitives.WriteUInt16LittleEndian(buf, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(2), 0xCD41);
        BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(4), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(6), (uint)store.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(10), (uint)(ifd + buf.Length));
        o.Write(buf);
        o.Write(store);
        byte[] result = o.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(littleClassic.Length - 4), (uint)ifd);
        return result;
    }

    private static void AssertSamePixels(byte[] expected, byte[] actual, int frames = 1)
    {
        if (FindTool("identify") is not { } identify) return;
        // libtiff warns about the unknown tag 0xCD41 on stderr; the pixels are what must not change.
        var (exitA, before, errorsA) = RunTool(identify, ".tif", expected, "-format", "%wx%h %#\n");
        var (exitB, after, errorsB) = RunTool(identify, ".tif", actual, "-format", "%wx%h %#\n");
        Assert.True(exitA == 0, errorsA);
        Assert.True(exitB == 0, errorsB);
        Assert.Equal(frames, before.Trim().Split('\n').Length);
        Assert.Equal(before, after);
    }
}
