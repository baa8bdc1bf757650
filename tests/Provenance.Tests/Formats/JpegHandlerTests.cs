using System;
using System.IO;
using System.Linq;
using System.Text;
using Provenance.Formats;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.Formats;

public class JpegHandlerTests
{
    private readonly JpegHandler _handler = new();

    private static byte[] FakeStore(int length)
    {
        byte[] store = new byte[length];
        new Random(7).NextBytes(store);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(store, (uint)length);
        "jumb"u8.CopyTo(store.AsSpan(4));
        // The description box of a C2PA store: its UUID starts with "c2pa" at store offset 16.
        "c2pa"u8.CopyTo(store.AsSpan(16));
        return store;
    }

    private (byte[] Asset, StorePlacement Placement) Embed(byte[] jpeg, byte[] store, string? xmp = null)
    {
        using var input = new MemoryStream(jpeg);
        using var output = new MemoryStream();
        StorePlacement placement = _handler.WriteWithPlaceholder(input, output, store.Length, xmp);
        _handler.WriteStore(output, placement, store);
        return (output.ToArray(), placement);
    }

    [Fact]
    public void SmallStoreRoundTripsInOneApp11SegmentAfterApp0()
    {
        byte[] store = FakeStore(3000);
        (byte[] asset, StorePlacement placement) = Embed(TestAssets.SmallJpeg(), store);

        Assert.Equal(store, _handler.ReadManifestStore(new MemoryStream(asset)));
        HashRange exclusion = Assert.Single(placement.Exclusions);
        Assert.Equal(0xFF, asset[exclusion.Start]);
        Assert.Equal(0xEB, asset[exclusion.Start + 1]);
        Assert.Equal(2 + 18, exclusion.Start); // SOI, then the 18-byte JFIF APP0
        Assert.Equal(placement.Exclusions, _handler.GetStoreExclusions(new MemoryStream(asset)));
    }

    [Fact]
    public void LargeStoreIsSplitIntoContiguousNumberedSegmentsCoveredByOneExclusion()
    {
        byte[] store = FakeStore(150_000);
        (byte[] asset, StorePlacement placement) = Embed(TestAssets.SmallJpeg(), store);

        HashRange exclusion = Assert.Single(placement.Exclusions);
        long position = exclusion.Start;
        for (uint sequence = 1; sequence <= 3; sequence++)
        {
            Assert.Equal(0xEB, asset[position + 1]);
            int length = (asset[position + 2] << 8) | asset[position + 3];
            Assert.True(length <= 65535);
            Assert.Equal("JP", Encoding.ASCII.GetString(asset, (int)position + 4, 2));
            Assert.Equal(sequence, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(asset.AsSpan((int)position + 8)));
            position += 2 + length;
        }
        Assert.Equal(exclusion.End, position);
        Assert.Equal(store, _handler.ReadManifestStore(new MemoryStream(asset)));
    }

    [Fact]
    public void ResigningReplacesTheOldStoreInsteadOfAddingOne()
    {
        (byte[] once, _) = Embed(TestAssets.SmallJpeg(), FakeStore(70_000));
        byte[] second = FakeStore(500);
        second[100] = 0x42;
        (byte[] twice, _) = Embed(once, second);

        Assert.Equal(second, _handler.ReadManifestStore(new MemoryStream(twice)));
        Assert.Equal(TestAssets.SmallJpeg().Length + 4 + 8 + 500, twice.Length);
    }

    [Fact]
    public void XmpIsAddedAndThenReplaced()
    {
        const string first = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>";
        const string second = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><!-- second --></x:xmpmeta>";
        (byte[] withXmp, _) = Embed(TestAssets.SmallJpeg(), FakeStore(100), first);
        Assert.Equal(first, _handler.ReadXmp(new MemoryStream(withXmp)));

        (byte[] replaced, StorePlacement placement) = Embed(withXmp, FakeStore(100), second);
        Assert.Equal(second, _handler.ReadXmp(new MemoryStream(replaced)));
        Assert.Equal(1, CountOccurrences(replaced, "http://ns.adobe.com/xap/1.0/"u8.ToArray()));
        // XMP sits with the leading APP segments, before the store.
        Assert.True(IndexOf(replaced, "http://ns.adobe.com/xap/1.0/"u8.ToArray()) < placement.Exclusions[0].Start);
    }

    [Fact]
    public void ImageDataIsCopiedUnchanged()
    {
        byte[] original = TestAssets.SmallJpeg();
        (byte[] asset, StorePlacement placement) = Embed(original, FakeStore(200));
        HashRange exclusion = placement.Exclusions[0];
        byte[] withoutStore = asset[..(int)exclusion.Start].Concat(asset[(int)exclusion.End..]).ToArray();
        Assert.Equal(original, withoutStore);
    }

    [Fact]
    public void UnsignedJpegHasNoStore()
    {
        Assert.Null(_handler.ReadManifestStore(new MemoryStream(TestAssets.SmallJpeg())));
        Assert.Empty(_handler.GetStoreExclusions(new MemoryStream(TestAssets.SmallJpeg())));
    }

    [Fact]
    public void TruncatedJpegThrowsNamingTheProblem()
    {
        byte[] jpeg = TestAssets.SmallJpeg();
        AssetFormatException error = Assert.Throws<AssetFormatException>(() => _handler.ReadManifestStore(new MemoryStream(jpeg[..^40])));
        Assert.Equal("jpeg", error.Format);
        Assert.Contains("truncated", error.Problem);
    }

    [Fact]
    public void SegmentLengthBeyondTheFileThrows()
    {
        byte[] jpeg = TestAssets.SmallJpeg();
        jpeg[4] = 0xFF; // APP0 length now runs past the end of the file
        Assert.Throws<AssetFormatException>(() => _handler.ReadManifestStore(new MemoryStream(jpeg)));
    }

    [Fact]
    public void NonJpegIsNotClaimedAndThrowsWhenForced()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        Assert.False(_handler.CanRead(png));
        Assert.True(_handler.CanRead(TestAssets.SmallJpeg()));
        AssetFormatException error = Assert.Throws<AssetFormatException>(() => _handler.ReadManifestStore(new MemoryStream(png)));
        Assert.Contains("start-of-image", error.Problem);
    }

    [Fact]
    public void RegistryChoosesJpegByContentNotName()
    {
        Assert.Equal("jpeg", AssetHandlers.Default.ForStream(new MemoryStream(TestAssets.SmallJpeg()))!.FormatName);
        Assert.Null(AssetHandlers.Default.ForStream(new MemoryStream("hello"u8.ToArray())));
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static int CountOccurrences(byte[] haystack, byte[] needle)
    {
        int count = 0;
        for (int at = 0; (at = haystack.AsSpan(at).IndexOf(needle) is var i && i >= 0 ? at + i : -1) >= 0; at += needle.Length) count++;
        return count;
    }
}
