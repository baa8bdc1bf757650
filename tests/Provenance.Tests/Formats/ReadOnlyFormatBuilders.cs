using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using Provenance.Formats;

namespace Provenance.Tests.Formats;

/// <summary>Builds small GIF, ISO BMFF, JPEG XL and PDF files in code, written from the format specifications.</summary>
internal static class ReadOnlyFormatBuilders
{
    /// <summary>
    /// A store-shaped JUMBF superbox: `jumb` holding a `jumd` labelled `c2pa` with the manifest-store UUID
    /// (C2PA 2.2 §11.1.4.2), then deterministic filler. Exactly <paramref name="length"/> bytes.
    /// </summary>
    public static byte[] C2paStore(int length, int seed = 7)
    {
        var store = new byte[length];
        new Random(seed).NextBytes(store);
        BinaryPrimitives.WriteInt32BigEndian(store, length);
        "jumb"u8.CopyTo(store.AsSpan(4));
        BinaryPrimitives.WriteInt32BigEndian(store.AsSpan(8), 30);
        "jumd"u8.CopyTo(store.AsSpan(12));
        Convert.FromHexString("6332706100110010800000AA00389B71").CopyTo(store, 16);
        store[32] = 0x03;
        "c2pa\0"u8.CopyTo(store.AsSpan(33));
        return store;
    }

    public static string Xmp(string marker) =>
        $"<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{marker}</dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

    // ---- GIF (GIF89a specification) ----

    public static byte[] GifHeader()
    {
        var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write([2, 0, 2, 0, 0x80, 0, 0]); // 2x2, global colour table of 2 entries
        gif.Write([0, 0, 0, 255, 255, 255]);
        return gif.ToArray();
    }

    /// <summary>21 FF 0B, an 11-byte identifier, the data in sub-blocks of at most 255 bytes, 00.</summary>
    public static byte[] GifApplicationExtension(ReadOnlySpan<byte> identifier, byte[] data)
    {
        var block = new MemoryStream();
        block.Write([0x21, 0xFF, 0x0B]);
        block.Write(identifier);
        for (int i = 0; i < data.Length; i += 255)
        {
            int n = Math.Min(255, data.Length - i);
            block.WriteByte((byte)n);
            block.Write(data, i, n);
        }
        block.WriteByte(0);
        return block.ToArray();
    }

    public static byte[] GifC2paBlock(byte[] store) => GifApplicationExtension("C2PA_GIF\x01\x00\x00"u8, store);

    /// <summary>Adobe's XMP-in-GIF: the packet raw after the identifier, the magic trailer 01 FF FE … 01 00, the block terminator.</summary>
    public static byte[] GifAdobeXmpBlock(string xmp)
    {
        var block = new MemoryStream();
        block.Write([0x21, 0xFF, 0x0B]);
        block.Write("XMP DataXMP"u8);
        block.Write(Encoding.UTF8.GetBytes(xmp));
        block.WriteByte(0x01);
        for (int b = 0xFF; b >= 0; b--) block.WriteByte((byte)b);
        block.WriteByte(0);
        return block.ToArray();
    }

    /// <summary>One 2x2 image (image descriptor, LZW minimum code size 2, one data sub-block) and a graphic control extension.</summary>
    public static byte[] GifImage()
    {
        var image = new MemoryStream();
        image.Write([0x21, 0xF9, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]);
        image.Write([0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0x00]);
        image.Write([0x02, 0x02, 0x44, 0x01, 0x00]);
        return image.ToArray();
    }

    public static byte[] Gif(params byte[][] blocksAfterHeader)
    {
        var gif = new MemoryStream();
        gif.Write(GifHeader());
        foreach (byte[] block in blocksAfterHeader) gif.Write(block);
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    // ---- ISO BMFF (ISO/IEC 14496-12) and JPEG XL (ISO/IEC 18181-2) ----

    public static byte[] Box(string type, byte[] payload)
    {
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(box, box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }

    /// <summary>A box with a 64-bit `largesize` (size field 1).</summary>
    public static byte[] LargeBox(string type, byte[] payload)
    {
        var box = new byte[16 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(box, 1);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        BinaryPrimitives.WriteInt64BigEndian(box.AsSpan(8), box.Length);
        payload.CopyTo(box, 16);
        return box;
    }

    public static byte[] Ftyp(string brand = "heic") => Box("ftyp", [.. Encoding.ASCII.GetBytes(brand), 0, 0, 0, 0, .. "mif1"u8, .. Encoding.ASCII.GetBytes(brand)]);

    /// <summary>C2PA 2.2 §A.5.1.2: uuid box, C2PA user type, version 0 and flags 0, purpose, 8-byte aux offset (for `manifest`), data.</summary>
    public static byte[] C2paUuidBox(byte[] store, string purpose = "manifest")
    {
        var payload = new MemoryStream();
        payload.Write(BmffHandler.C2paUuid);
        payload.Write([0, 0, 0, 0]);
        payload.Write(Encoding.ASCII.GetBytes(purpose));
        payload.WriteByte(0);
        if (purpose == "manifest") payload.Write(new byte[8]);
        payload.Write(store);
        return Box("uuid", payload.ToArray());
    }

    public static byte[] XmpUuidBox(string xmp) => Box("uuid", [.. BmffHandler.XmpUuid, .. Encoding.UTF8.GetBytes(xmp)]);

    public static byte[] Concat(params byte[][] parts)
    {
        var all = new MemoryStream();
        foreach (byte[] part in parts) all.Write(part);
        return all.ToArray();
    }

    public static byte[] JxlSignature => [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    public static byte[] JxlFtyp() => Box("ftyp", [.. "jxl "u8, 0, 0, 0, 0, .. "jxl "u8]);

    public static byte[] JxlCodestream() => Box("jxlc", [0xFF, 0x0A, 0xFA, 0x1F, 0x41, 0x80, 0x00]);

    public static byte[] BrotliBox(string innerType, byte[] content)
    {
        var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) brotli.Write(content);
        return Box("brob", [.. Encoding.ASCII.GetBytes(innerType), .. compressed.ToArray()]);
    }

    // ---- PDF (ISO 32000-1) ----

    /// <summary>Writes numbered objects and a classic cross-reference table and trailer (§7.5), as a PDF writer does.</summary>
    public sealed class PdfWriter
    {
        private readonly MemoryStream _pdf = new();
        private readonly SortedDictionary<int, long> _offsets = new();

        public PdfWriter(byte[]? original = null)
        {
            if (original is null) Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
            else _pdf.Write(original);
        }

        public long Length => _pdf.Length;

        /// <summary>Where the data of the last stream written starts.</summary>
        public long LastStreamDataOffset { get; private set; }

        public PdfWriter Object(int number, string body)
        {
            _offsets[number] = _pdf.Length;
            Write($"{number} 0 obj\n{body}\nendobj\n");
            return this;
        }

        /// <summary>A stream object; <paramref name="dictionaryEntries"/> is put in its dictionary before /Length.</summary>
        public PdfWriter Stream(int number, string dictionaryEntries, byte[] data, string? length = null)
        {
            _offsets[number] = _pdf.Length;
            Write($"{number} 0 obj\n<< {dictionaryEntries} /Length {length ?? data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)} >>\nstream\r\n");
            LastStreamDataOffset = _pdf.Length;
            _pdf.Write(data);
            Write("\r\nendstream\nendobj\n");
            return this;
        }

        /// <summary>The xref section for the objects written since the last one, then the trailer (with /Prev when updating).</summary>
        public byte[] Finish(int rootNumber, long? previousXref = null)
        {
            long xref = _pdf.Length;
            Write("xref\n0 1\n0000000000 65535 f \n");
            foreach (var (number, offset) in _offsets) Write($"{number} 1\n{offset:D10} 00000 n \n");
            int size = 1;
            foreach (int number in _offsets.Keys) size = Math.Max(size, number + 1);
            string prev = previousXref is { } p ? $" /Prev {p}" : "";
            Write($"trailer\n<< /Size {size} /Root {rootNumber} 0 R{prev} >>\nstartxref\n{xref}\n%%EOF\n");
            _offsets.Clear();
            return _pdf.ToArray();
        }

        private void Write(string text) => _pdf.Write(Encoding.Latin1.GetBytes(text));
    }

    public const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>";
    public const string Pages = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";

    /// <summary>
    /// A one-page PDF whose catalog (object 1) has the C2PA manifest store as an associated file (C2PA 2.2 §A.4):
    /// object 4 the file specification, object 5 the embedded file stream; or no store when <paramref name="store"/> is null.
    /// </summary>
    public static byte[] Pdf(byte[]? store, bool deflate = false, string? xmp = null)
    {
        var pdf = new PdfWriter();
        string af = store is null ? "" : " /AF [4 0 R] /Names << /EmbeddedFiles << /Names [(Content Credentials) 4 0 R] >> >>";
        string metadata = xmp is null ? "" : " /Metadata 6 0 R";
        pdf.Object(1, $"<< /Type /Catalog /Pages 2 0 R{af}{metadata} >>").Object(2, Pages).Object(3, Page);
        if (store is not null)
        {
            pdf.Object(4, "<< /Type /Filespec /F (Content Credentials) /UF (Content Credentials) /AFRelationship /C2PA_Manifest /EF << /F 5 0 R >> >>");
            if (deflate) pdf.Stream(5, "/Type /EmbeddedFile /Subtype /application#2Fc2pa /Filter /FlateDecode", Deflate(store));
            else pdf.Stream(5, "/Type /EmbeddedFile /Subtype /application#2Fc2pa", store);
        }
        if (xmp is not null) pdf.Stream(6, "/Type /Metadata /Subtype /XML", Encoding.UTF8.GetBytes(xmp));
        return pdf.Finish(1);
    }

    public static byte[] Deflate(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(data);
        return compressed.ToArray();
    }

    /// <summary>The offset of `startxref`'s value, for appending an incremental update (ISO 32000-1 §7.5.6).</summary>
    public static long LastXref(byte[] pdf)
    {
        string text = Encoding.Latin1.GetString(pdf);
        int at = text.LastIndexOf("startxref", StringComparison.Ordinal);
        return long.Parse(text.AsSpan(at + 9).Trim().ToString().Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every prefix of <paramref name="file"/>, and copies with bytes flipped to 0xFF: a reader must return or throw <see cref="AssetFormatException"/>, nothing else.</summary>
    public static IEnumerable<byte[]> Damaged(byte[] file, int step = 1)
    {
        for (int length = 0; length < file.Length; length += step) yield return file[..length];
        for (int i = 0; i < file.Length; i += step)
        {
            byte[] copy = (byte[])file.Clone();
            copy[i] = 0xFF;
            yield return copy;
        }
    }
}

/// <summary>Checks shared by the read-only handler tests.</summary>
internal static class ReadOnlyHandlerChecks
{
    /// <summary>Every reading method either answers or throws <see cref="AssetFormatException"/>; any other exception fails the test.</summary>
    public static int AnswersOrRefuses(IAssetHandler handler, IEnumerable<byte[]> files)
    {
        int refused = 0;
        foreach (byte[] file in files)
        {
            foreach (Action<Stream> read in new Action<Stream>[] { s => handler.ReadManifestStore(s), s => handler.ReadXmp(s), s => handler.GetStoreExclusions(s) })
            {
                try
                {
                    read(new MemoryStream(file, writable: false));
                }
                catch (AssetFormatException)
                {
                    refused++;
                }
            }
        }
        return refused;
    }

    public static byte[]? Read(IAssetHandler handler, byte[] file) => handler.ReadManifestStore(new MemoryStream(file, writable: false));

    public static AssetFormatException Refuses(IAssetHandler handler, byte[] file) =>
        Assert.Throws<AssetFormatException>(() => handler.ReadManifestStore(new MemoryStream(file, writable: false)));
}
