using System;
using System.IO;
using Provenance.Formats;
using Provenance.Tests.Conformance;
using static Provenance.Tests.Formats.ReadOnlyFormatBuilders;
using static Provenance.Tests.Formats.ReadOnlyHandlerChecks;

namespace Provenance.Tests.Formats;

public class JpegXlHandlerTests
{
    private readonly JpegXlHandler _handler = new();

    [Fact]
    public void C2paJumbBox_IsTheStore_ReadBackExactly_AndExcluded()
    {
        // C2PA 2.2 §A.3.8: the top-level `jumb` superbox labelled c2pa is the manifest store itself, header included.
        byte[] store = C2paStore(300);
        byte[] head = Concat(JxlSignature, JxlFtyp());
        byte[] jxl = Concat(head, store, JxlCodestream());

        Assert.Equal(store, Read(_handler, jxl));
        Assert.Equal([new HashRange(head.Length, store.Length)], _handler.GetStoreExclusions(new MemoryStream(jxl)));
        Assert.IsType<JpegXlHandler>(AssetHandlers.Default.ForStream(new MemoryStream(jxl)));
    }

    [Fact]
    public void OtherJumbfBoxes_AndBareCodestreams_HaveNoStore()
    {
        byte[] other = C2paStore(300);
        "xmpx"u8.CopyTo(other.AsSpan(33)); // a JUMBF box with another label
        Assert.Null(Read(_handler, Concat(JxlSignature, JxlFtyp(), other, JxlCodestream())));
        Assert.Null(Read(_handler, [0xFF, 0x0A, 0xFA, 0x1F, 0x41, 0x80, 0x00]));
    }

    [Fact]
    public void LyingBoxSize_IsRefused()
    {
        byte[] store = C2paStore(300);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(store, 5000);
        AssetFormatException e = Refuses(_handler, Concat(JxlSignature, JxlFtyp(), store));
        Assert.Contains("'jumb' box size 5000 runs past the end", e.Problem);
    }

    [Fact]
    public void TwoC2paStores_AreRefused()
    {
        byte[] jxl = Concat(JxlSignature, JxlFtyp(), C2paStore(100), C2paStore(120), JxlCodestream());
        Assert.Contains("second c2pa jumb box", Refuses(_handler, jxl).Problem);
    }

    [Fact]
    public void EveryTruncationAndCorruption_AnswersOrThrowsAssetFormatException()
    {
        byte[] jxl = Concat(JxlSignature, JxlFtyp(), C2paStore(100), Box("xml ", System.Text.Encoding.UTF8.GetBytes(Xmp("j"))), JxlCodestream());
        Assert.True(AnswersOrRefuses(_handler, Damaged(jxl)) > 0);
    }

    [Fact]
    public void XmpBox_PlainOrBrotliCompressed_IsRead()
    {
        string xmp = Xmp("jxl xmp");
        byte[] xml = System.Text.Encoding.UTF8.GetBytes(xmp);
        Assert.Equal(xmp, _handler.ReadXmp(new MemoryStream(Concat(JxlSignature, JxlFtyp(), Box("xml ", xml), JxlCodestream()))));
        Assert.Equal(xmp, _handler.ReadXmp(new MemoryStream(Concat(JxlSignature, JxlFtyp(), BrotliBox("xml ", xml), JxlCodestream()))));
    }

    [Fact]
    public void CorpusJxl_ReadsWithoutError_AndHasNoStore()
    {
        string[] files = [.. Corpus.FilesEndingWith(".jxl")];
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            using FileStream stream = File.OpenRead(Corpus.PathOf(file));
            Assert.IsType<JpegXlHandler>(AssetHandlers.Default.ForStream(stream));
            Assert.Null(_handler.ReadManifestStore(stream));
        }
    }
}
