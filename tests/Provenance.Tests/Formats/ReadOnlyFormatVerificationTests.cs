using System;
using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using static Provenance.Tests.Formats.ReadOnlyFormatBuilders;

namespace Provenance.Tests.Formats;

/// <summary>
/// Credentials embedded in GIF, JPEG XL and PDF (by a test-only writer that places a real signed store where the spec
/// says) are read by the shipped handlers and validated: intact files verify, a changed byte is caught.
/// </summary>
public class ReadOnlyFormatVerificationTests
{
    /// <summary>Lays out a file around a store; the layout depends only on the store's length.</summary>
    private delegate (byte[] File, HashRange Exclusion) Layout(byte[] source, byte[] store);

    public static TheoryData<string> Formats => new() { "gif", "jxl", "pdf" };

    private static (byte[] Unsigned, IAssetHandler Reader, Layout Layout) For(string format) => format switch
    {
        // C2PA 2.2 §A.3.7: the C2PA application extension right after the header and global colour table.
        "gif" => (Gif(GifImage()), new GifHandler(), (source, store) =>
        {
            int at = GifHeader().Length;
            byte[] block = GifC2paBlock(store);
            return (Concat(source[..at], block, source[at..]), new HashRange(at, block.Length));
        }),
        // §A.3.8: the store is itself the top-level jumb box; put it after ftyp.
        "jxl" => (Concat(JxlSignature, JxlFtyp(), JxlCodestream()), new JpegXlHandler(), (source, store) =>
        {
            int at = JxlSignature.Length + JxlFtyp().Length;
            return (Concat(source[..at], store, source[at..]), new HashRange(at, store.Length));
        }),
        // §A.4: an incremental update adding the embedded file, its file specification and a catalog with /AF.
        _ => (Pdf(null), new PdfHandler(), (source, store) =>
        {
            var update = new PdfWriter(source)
                .Object(1, "<< /Type /Catalog /Pages 2 0 R /AF [7 0 R] >>")
                .Object(7, "<< /Type /Filespec /F (cc.c2pa) /AFRelationship /C2PA_Manifest /EF << /F 8 0 R >> >>")
                .Stream(8, "/Type /EmbeddedFile /Subtype /application#2Fc2pa", store);
            long data = update.LastStreamDataOffset;
            return (update.Finish(1, LastXref(source)), new HashRange(data, store.Length));
        }),
    };

    /// <summary>Writes with the test layout, reads with the shipped handler.</summary>
    private sealed class LayoutWriter(IAssetHandler reader, Layout layout) : IAssetHandler
    {
        public string FormatName => reader.FormatName;
        public string MediaType => reader.MediaType;
        public bool CanRead(ReadOnlySpan<byte> header) => reader.CanRead(header);
        public byte[]? ReadManifestStore(Stream asset) => reader.ReadManifestStore(asset);
        public string? ReadXmp(Stream asset) => reader.ReadXmp(asset);
        public System.Collections.Generic.IReadOnlyList<HashRange> GetStoreExclusions(Stream asset) => reader.GetStoreExclusions(asset);

        public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp)
        {
            var copy = new MemoryStream();
            source.CopyTo(copy);
            byte[] original = copy.ToArray();
            long start = destination.Position;
            var (file, exclusion) = layout(original, new byte[storeLength]);
            destination.Write(file);
            return new StorePlacement(storeLength, [exclusion with { Start = exclusion.Start + start }], (original, start));
        }

        public void WriteStore(Stream destination, StorePlacement placement, byte[] store)
        {
            var (original, start) = ((byte[], long))placement.HandlerState!;
            destination.Position = start;
            destination.Write(layout(original, store).File);
        }
    }

    private static async Task<(byte[] Signed, TestPki Pki)> SignAsync(string format)
    {
        var (unsigned, reader, layout) = For(format);
        var pki = new TestPki();
        using var input = new MemoryStream(unsigned);
        using var output = new MemoryStream();
        await new ManifestSigner().SignAsync(input, output, new LayoutWriter(reader, layout), Signing.Request(), pki.Signer());
        return (output.ToArray(), pki);
    }

    private static FileVerification Verify(byte[] file, string format, TestPki pki) =>
        Verifier.VerifyStream(new MemoryStream(file), "signed." + format, new TrustSettings { Anchors = [pki.Root] }, AssetHandlers.Default);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task EmbeddedCredentials_AreReadAndVerify(string format)
    {
        var (signed, pki) = await SignAsync(format);
        using (pki)
        {
            FileVerification result = Verify(signed, format, pki);
            Assert.True(result.Verdict == Verdict.Trusted, $"{result.Verdict}: {result.Reason} [{string.Join(", ", result.Codes)}]");
            Assert.Equal(format, result.Format);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task AChangedByteOutsideTheStore_IsInvalid(string format)
    {
        var (signed, pki) = await SignAsync(format);
        using (pki)
        {
            // A byte of the picture's description, well away from the store: the GIF's screen width, the JPEG XL
            // ftyp's minor version, the PDF page's MediaBox.
            int target = format switch
            {
                "gif" => 6,
                "jxl" => JxlSignature.Length + 12,
                _ => System.Text.Encoding.Latin1.GetString(signed).IndexOf("200 200", StringComparison.Ordinal),
            };
            Assert.DoesNotContain(AssetHandlers.Default.ForStream(new MemoryStream(signed))!.GetStoreExclusions(new MemoryStream(signed)), r => r.Start <= target && target < r.End);
            signed[target] ^= 0x01;
            FileVerification result = Verify(signed, format, pki);
            Assert.Equal(Verdict.Invalid, result.Verdict);
            Assert.Contains(ValidationCodes.AssertionDataHashMismatch, result.Codes);
        }
    }
}
