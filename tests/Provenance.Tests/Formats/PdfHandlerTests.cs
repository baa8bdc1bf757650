using System.IO;
using System.Text;
using Provenance.Formats;
using Provenance.Tests.Conformance;
using static Provenance.Tests.Formats.ReadOnlyFormatBuilders;
using static Provenance.Tests.Formats.ReadOnlyHandlerChecks;

namespace Provenance.Tests.Formats;

public class PdfHandlerTests
{
    private readonly PdfHandler _handler = new();

    private static long IndexOf(byte[] file, string text) => Encoding.Latin1.GetString(file).IndexOf(text, System.StringComparison.Ordinal);

    [Fact]
    public void StoreInTheC2paManifestEmbeddedFile_IsReadBackExactly_AndItsStreamDataIsExcluded()
    {
        byte[] store = C2paStore(900);
        byte[] pdf = Pdf(store);

        Assert.Equal(store, Read(_handler, pdf));
        long data = IndexOf(pdf, "stream\r\n") + "stream\r\n".Length;
        Assert.Equal([new HashRange(data, store.Length)], _handler.GetStoreExclusions(new MemoryStream(pdf)));
        Assert.IsType<PdfHandler>(AssetHandlers.Default.ForStream(new MemoryStream(pdf)));
    }

    [Fact]
    public void FlateDecodedStore_IsInflated()
    {
        byte[] store = C2paStore(2000);
        Assert.Equal(store, Read(_handler, Pdf(store, deflate: true)));
    }

    [Fact]
    public void PdfWithoutCredentials_HasNoStore()
    {
        Assert.Null(Read(_handler, Pdf(null)));
        Assert.Empty(_handler.GetStoreExclusions(new MemoryStream(Pdf(null))));
    }

    [Fact]
    public void IndirectLength_IsFollowed()
    {
        byte[] store = C2paStore(400);
        var pdf = new PdfWriter()
            .Object(1, $"<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] >>").Object(2, Pages).Object(3, Page)
            .Object(4, "<< /Type /Filespec /F (cc) /AFRelationship /C2PA_Manifest /EF << /F 5 0 R >> >>")
            .Stream(5, "/Type /EmbeddedFile /Subtype /application#2Fc2pa", store, length: "6 0 R")
            .Object(6, "400");
        Assert.Equal(store, Read(_handler, pdf.Finish(1)));
    }

    [Fact]
    public void IncrementalUpdate_TheLatestCatalogDecides()
    {
        // ISO 32000-1 §7.5.6 / C2PA 2.2 §A.4.2.1: an update appends a new catalog; the one in the most recent update counts.
        byte[] first = C2paStore(300, seed: 1);
        byte[] original = Pdf(first);

        byte[] second = C2paStore(350, seed: 2);
        byte[] signedAgain = new PdfWriter(original)
            .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF [7 0 R] >>")
            .Object(7, "<< /Type /Filespec /F (cc) /AFRelationship /C2PA_Manifest /EF << /F 8 0 R >> >>")
            .Stream(8, "/Type /EmbeddedFile /Subtype /application#2Fc2pa", second)
            .Finish(1, LastXref(original));
        Assert.Equal(second, Read(_handler, signedAgain));

        byte[] stripped = new PdfWriter(original).Object(1, "<< /Type /Catalog /Pages 2 0 R >>").Finish(1, LastXref(original));
        Assert.Null(Read(_handler, stripped));
    }

    [Fact]
    public void TwoStoresInOneUpdateSection_CountAsNone()
    {
        // C2PA 2.2 §15.5.2.2: several manifest stores in one update section are treated as if none were located.
        var pdf = new PdfWriter()
            .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF [4 0 R 6 0 R] >>").Object(2, Pages).Object(3, Page)
            .Object(4, "<< /Type /Filespec /AFRelationship /C2PA_Manifest /EF << /F 5 0 R >> >>")
            .Stream(5, "/Type /EmbeddedFile", C2paStore(100))
            .Object(6, "<< /Type /Filespec /AFRelationship /C2PA_Manifest /EF << /F 7 0 R >> >>")
            .Stream(7, "/Type /EmbeddedFile", C2paStore(120));
        Assert.Null(Read(_handler, pdf.Finish(1)));
    }

    [Fact]
    public void CatalogInAnObjectStream_IsFound()
    {
        // ISO 32000-1 §7.5.7: objects 1 and 4 live compressed in object stream 9; /Root still names object 1.
        byte[] store = C2paStore(256);
        string catalog = "<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] >>";
        string spec = "<< /Type /Filespec /AFRelationship /C2PA_Manifest /EF << /F 5 0 R >> >>";
        string header = $"1 0 4 {catalog.Length + 1} ";
        byte[] objects = Encoding.ASCII.GetBytes(header + catalog + " " + spec);
        var pdf = new PdfWriter()
            .Object(2, Pages).Object(3, Page)
            .Stream(5, "/Type /EmbeddedFile", store)
            .Stream(9, $"/Type /ObjStm /N 2 /First {header.Length} /Filter /FlateDecode", Deflate(objects));
        Assert.Equal(store, Read(_handler, pdf.Finish(1)));
    }

    [Fact]
    public void ObjLookalikeInsideStreamData_DoesNotHideTheRealObject()
    {
        // The scan finds `4 0 obj` inside the store's bytes (after the real object 4); it does not parse, so the real one counts.
        byte[] store = C2paStore(400);
        Encoding.ASCII.GetBytes("\n4 0 obj\n<< /X ]").CopyTo(store, 200);
        Assert.Equal(store, Read(_handler, Pdf(store)));
    }

    [Fact]
    public void LengthPastTheEnd_IsRefused()
    {
        byte[] pdf = Pdf(C2paStore(300));
        byte[] lying = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(pdf).Replace("/Length 300", "/Length 999999"));
        AssetFormatException e = Refuses(_handler, lying);
        Assert.Contains("/Length 999999 runs past the end", e.Problem);
    }

    [Fact]
    public void LengthThatMissesEndstream_IsRefused()
    {
        byte[] pdf = Pdf(C2paStore(300));
        byte[] lying = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(pdf).Replace("/Length 300", "/Length 250"));
        Assert.Contains("does not end at 'endstream'", Refuses(_handler, lying).Problem);
    }

    [Fact]
    public void ReferenceLoop_IsRefused_NotFollowedForever()
    {
        var pdf = new PdfWriter()
            .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF 6 0 R >>").Object(2, Pages).Object(3, Page)
            .Object(6, "7 0 R").Object(7, "6 0 R");
        Assert.Contains("reference chain", Refuses(_handler, pdf.Finish(1)).Problem);
    }

    [Fact]
    public void LengthThatNeedsItself_IsRefused_NotAStackOverflow()
    {
        var pdf = new PdfWriter()
            .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] >>").Object(2, Pages).Object(3, Page)
            .Object(4, "<< /Type /Filespec /AFRelationship /C2PA_Manifest /EF << /F 5 0 R >> >>")
            .Stream(5, "/Type /EmbeddedFile", C2paStore(100), length: "5 0 R");
        Assert.Contains("needs itself", Refuses(_handler, pdf.Finish(1)).Problem);
    }

    [Fact]
    public void LongChainOfStreamLengths_IsRefused_NotAStackOverflow()
    {
        // Each stream's /Length is the next stream: reading one needs the whole chain.
        var pdf = new PdfWriter()
            .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] >>").Object(2, Pages).Object(3, Page)
            .Object(4, "<< /Type /Filespec /AFRelationship /C2PA_Manifest /EF << /F 10 0 R >> >>");
        for (int n = 10; n < 200; n++) pdf.Stream(n, "", [1], length: $"{n + 1} 0 R");
        Assert.Contains("chain", Refuses(_handler, pdf.Finish(1)).Problem);
    }

    [Fact]
    public void RootLookalikeAfterTheTrailer_DoesNotHideIt()
    {
        // Junk after %%EOF is common; a `/Root` in it that leads nowhere falls back to the trailer's.
        byte[] store = C2paStore(400);
        byte[] pdf = Concat(Pdf(store), Encoding.ASCII.GetBytes("% appended by a careless tool /Root (never closed"));
        Assert.Equal(store, Read(_handler, pdf));
    }

    [Fact]
    public void HugeAssociatedFilesArray_IsRefused()
    {
        string refs = string.Concat(System.Linq.Enumerable.Repeat("3 0 R ", 2000));
        var pdf = new PdfWriter().Object(1, $"<< /Type /Catalog /Pages 2 0 R /AF [{refs}] >>").Object(2, Pages).Object(3, Page);
        Assert.Contains("/AF lists 2000 files", Refuses(_handler, pdf.Finish(1)).Problem);
    }

    [Fact]
    public void DeeplyNestedArrays_AreRefused_NotRecursedForever()
    {
        var pdf = new PdfWriter()
            .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF " + new string('[', 500) + new string(']', 500) + " >>").Object(2, Pages).Object(3, Page);
        Assert.Contains("nest deeper", Refuses(_handler, pdf.Finish(1)).Problem);
    }

    [Fact]
    public void EveryTruncationAndCorruption_AnswersOrThrowsAssetFormatException()
    {
        byte[] pdf = Pdf(C2paStore(120), deflate: true, xmp: Xmp("p"));
        Assert.True(AnswersOrRefuses(_handler, Damaged(pdf, step: 3)) > 0);
    }

    [Fact]
    public void CatalogMetadata_IsTheXmp()
    {
        string xmp = Xmp("pdf xmp");
        Assert.Equal(xmp, _handler.ReadXmp(new MemoryStream(Pdf(C2paStore(100), xmp: xmp))));
        Assert.Null(_handler.ReadXmp(new MemoryStream(Pdf(null))));
    }

    [Fact]
    public void CorpusPdfs_ReadWithoutError_TheSignedOnesHaveAJumbfStore()
    {
        string[] files = [.. Corpus.FilesEndingWith(".pdf")];
        Assert.Equal(10, files.Length);
        foreach (string file in files)
        {
            using FileStream stream = File.OpenRead(Corpus.PathOf(file));
            Assert.IsType<PdfHandler>(AssetHandlers.Default.ForStream(stream));
            byte[]? store = _handler.ReadManifestStore(stream);
            bool signed = file is "rs__express-signed.pdf" or "pub__adobe-20240110-single_manifest_store.pdf";
            Assert.True(signed == (store != null), $"{file}: store {(store == null ? "absent" : "present")}");
            if (store != null) Assert.Equal("jumb", Encoding.ASCII.GetString(store, 4, 4));
        }
    }
}
