using System.IO;
using Provenance.Formats;
using Provenance.Tests.Conformance;
using static Provenance.Tests.Formats.ReadOnlyFormatBuilders;
using static Provenance.Tests.Formats.ReadOnlyHandlerChecks;

namespace Provenance.Tests.Formats;

public class BmffHandlerTests
{
    private readonly BmffHandler _handler = new();

    private static byte[] Meta() => Box("meta", new byte[40]);

    private static byte[] Mdat() => Box("mdat", new byte[64]);

    [Fact]
    public void StoreInTheC2paUuidBox_IsReadBackExactly_AndFtypUuidAreExcluded()
    {
        byte[] store = C2paStore(500);
        byte[] ftyp = Ftyp();
        byte[] uuid = C2paUuidBox(store);
        byte[] heic = Concat(ftyp, Meta(), uuid, Mdat());

        Assert.Equal(store, Read(_handler, heic));
        // C2PA 2.2 §A.5.6: the whole ftyp and the whole C2PA uuid box are always excluded.
        Assert.Equal([new HashRange(0, ftyp.Length), new HashRange(ftyp.Length + Meta().Length, uuid.Length)], _handler.GetStoreExclusions(new MemoryStream(heic)));
        Assert.IsType<BmffHandler>(AssetHandlers.Default.ForStream(new MemoryStream(heic)));
    }

    [Fact]
    public void FileWithoutCredentials_HasNoStore_EvenWithOtherUuidBoxes()
    {
        byte[] heic = Concat(Ftyp("avif"), Meta(), XmpUuidBox(Xmp("x")), Mdat());
        Assert.Null(Read(_handler, heic));
        Assert.Empty(_handler.GetStoreExclusions(new MemoryStream(heic)));
    }

    [Fact]
    public void BoxesWithA64BitSize_AndAFinalBoxOfSizeZero_AreWalked()
    {
        byte[] store = C2paStore(80);
        byte[] toEnd = Mdat();
        toEnd[0] = toEnd[1] = toEnd[2] = toEnd[3] = 0; // ISO/IEC 14496-12 §4.2: size 0 runs to the end of the file
        byte[] mp4 = Concat(Ftyp("isom"), LargeBox("free", new byte[10]), C2paUuidBox(store), toEnd);
        Assert.Equal(store, Read(_handler, mp4));
    }

    [Fact]
    public void MerkleBoxes_AreSkipped()
    {
        byte[] store = C2paStore(80);
        byte[] mp4 = Concat(Ftyp("isom"), C2paUuidBox(store), C2paUuidBox([0xA0], "merkle"), Mdat());
        Assert.Equal(store, Read(_handler, mp4));
    }

    [Fact]
    public void LyingBoxSize_IsRefusedWithTheBoxAndOffset()
    {
        byte[] uuid = C2paUuidBox(C2paStore(80));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(uuid, 1_000_000);
        byte[] heic = Concat(Ftyp(), uuid);
        AssetFormatException e = Refuses(_handler, heic);
        Assert.Contains("'uuid' box size 1000000 runs past the end", e.Problem);
        Assert.Equal(Ftyp().Length, e.Offset);
    }

    [Fact]
    public void PurposeWithoutTerminator_IsRefused()
    {
        byte[] payload = [.. BmffHandler.C2paUuid, 0, 0, 0, 0, .. "manifest"u8];
        Assert.Contains("NUL", Refuses(_handler, Concat(Ftyp(), Box("uuid", payload))).Problem);
    }

    [Fact]
    public void TwoManifestBoxes_AreRefused()
    {
        byte[] heic = Concat(Ftyp(), C2paUuidBox(C2paStore(80)), C2paUuidBox(C2paStore(90)));
        Assert.Contains("second C2PA uuid box", Refuses(_handler, heic).Problem);
    }

    [Fact]
    public void EveryTruncationAndCorruption_AnswersOrThrowsAssetFormatException()
    {
        byte[] heic = Concat(Ftyp(), Meta(), C2paUuidBox(C2paStore(120)), XmpUuidBox(Xmp("y")), Mdat());
        Assert.True(AnswersOrRefuses(_handler, Damaged(heic)) > 0);
    }

    [Fact]
    public void XmpUuidBox_IsRead()
    {
        string xmp = Xmp("heic xmp");
        Assert.Equal(xmp, _handler.ReadXmp(new MemoryStream(Concat(Ftyp(), XmpUuidBox(xmp), Mdat()))));
    }

    [Fact]
    public void CorpusHeicHeifAvif_ReadWithoutError_AndHaveNoStore()
    {
        string[] files = [.. Corpus.FilesEndingWith(".heic", ".heif", ".avif")];
        Assert.Equal(4, files.Length);
        foreach (string file in files)
        {
            using FileStream stream = File.OpenRead(Corpus.PathOf(file));
            Assert.IsType<BmffHandler>(AssetHandlers.Default.ForStream(stream));
            Assert.Null(_handler.ReadManifestStore(stream));
        }
    }
}
