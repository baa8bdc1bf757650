using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// PDF, read only. C2PA 2.2 §A.4: the manifest store is an embedded file stream (ISO 32000 §7.11.4) whose file
/// specification has `/AFRelationship /C2PA_Manifest` (the stream's `/Subtype` is `application/c2pa`; Adobe's older
/// files leave it out) and is referenced from the document catalog's `/AF` array (§A.4.2.1). Incremental updates
/// (§15.5.2.2) append newer versions of objects, so the last definition of an object in the file is the current one:
/// the catalog of the most recent update names the active store.
/// </summary>
/// <remarks>
/// Objects are found by a bounded scan for `N G obj` (so damaged cross-reference tables do not matter), then in object
/// streams (`/Type /ObjStm`) when a number is not defined at top level. Streams may be `FlateDecode`d.
/// Not supported: stores of earlier updates (§A.4.2.1 says to merge them into one store; the active one is read),
/// object-level manifests (§A.4.3), and object streams of encrypted files.
/// </remarks>
public sealed class PdfHandler : ReadOnlyAssetHandler
{
    /// <inheritdoc/>
    public override string FormatName => PdfDocument.Format;

    /// <inheritdoc/>
    public override string MediaType => "application/pdf";

    /// <inheritdoc/>
    public override bool CanRead(ReadOnlySpan<byte> header) => header.StartsWith("%PDF-"u8);

    /// <inheritdoc/>
    public override byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var pdf = PdfDocument.Open(asset);
        return pdf.FindManifestStream() is { } stream ? pdf.ReadStreamData(stream, AssetIo.MaxStoreBytes, "C2PA embedded file") : null;
    }

    /// <summary>The catalog's `/Metadata` stream (ISO 32000 §14.3.2), or null.</summary>
    public override string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var pdf = PdfDocument.Open(asset);
        if (pdf.Resolve(pdf.Catalog().Get("Metadata")) is not PdfStreamObject metadata) return null;
        return Encoding.UTF8.GetString(pdf.ReadStreamData(metadata, AssetIo.MaxXmpBytes, "XMP metadata stream"));
    }

    /// <summary>The raw bytes of the embedded file stream that holds the store (between `stream` and `endstream`).</summary>
    public override IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var pdf = PdfDocument.Open(asset);
        return pdf.FindManifestStream() is { } stream ? [new HashRange(stream.DataOffset, stream.Length)] : [];
    }
}

/// <summary>A stream object: its dictionary and where its raw data lies (length checked against `endstream`).</summary>
internal sealed record PdfStreamObject(PdfDictionary Dictionary, long DataOffset, long Length, int Number);

/// <summary>Just enough of a PDF reader to find the catalog, follow references and read streams, all bounded.</summary>
internal sealed class PdfDocument
{
    public const string Format = "pdf";
    private const int MaxObjects = 2_000_000;
    private const int MaxReferenceChain = 32;
    private const int SmallWindow = 4 * 1024;
    private const int MediumWindow = 256 * 1024;
    private const int LargeWindow = 4 * 1024 * 1024;
    private const int ScanChunk = 1 << 20;
    private const int ScanOverlap = 48;
    private const int MaxObjectStreamBytes = 64 * 1024 * 1024;
    private const int MaxAssociatedFiles = 1024;

    private readonly Stream _stream;
    private readonly long _length;
    private const int MaxDefinitionsKept = 8;

    /// <summary>Where each object number is defined, in file order (the last is current; earlier ones are fallbacks).</summary>
    private readonly Dictionary<int, List<long>> _offsets = new();
    private readonly Dictionary<int, object> _cache = new();
    private Dictionary<int, (int Stream, int Index)>? _compressed;
    private readonly Dictionary<int, ObjectStream> _objectStreams = new();
    private long _inflatedBytes;
    private const int MaxRootsKept = 16;
    private const int MaxLoadDepth = 32;

    /// <summary>Offsets of `/Root` keys in file order, the last <see cref="MaxRootsKept"/> (the last that parses names the catalog).</summary>
    private readonly List<long> _roots = new();
    private readonly HashSet<int> _loading = new();
    private long _lastRootOffset = -1;
    private bool _encrypted;

    private PdfDocument(Stream stream)
    {
        _stream = stream;
        _length = stream.Length;
    }

    public static PdfDocument Open(Stream stream)
    {
        var pdf = new PdfDocument(stream);
        if (pdf._length < 8) throw new AssetFormatException(Format, 0, $"file of {pdf._length} bytes is too short for a PDF");
        Span<byte> header = stackalloc byte[5];
        AssetIo.ReadAt(stream, 0, header, Format, "header");
        if (!header.SequenceEqual("%PDF-"u8)) throw new AssetFormatException(Format, 0, "the file does not start with %PDF-");
        pdf.Scan();
        return pdf;
    }

    /// <summary>The document catalog named by the last trailer's `/Root`.</summary>
    /// <remarks>A `/Root` lookalike inside stream data that does not lead to a dictionary falls back to the one before it.</remarks>
    public PdfDictionary Catalog()
    {
        if (_roots.Count == 0) throw new AssetFormatException(Format, _length, "no trailer names a document catalog (/Root)");
        for (int i = _roots.Count - 1; ; i--)
        {
            try
            {
                return CatalogAt(_roots[i]);
            }
            catch (AssetFormatException) when (i > 0)
            {
            }
        }
    }

    private PdfDictionary CatalogAt(long rootOffset)
    {
        _lastRootOffset = rootOffset;
        var lexer = Window(rootOffset, SmallWindow, out _);
        object value;
        try
        {
            lexer.ReadObject();
            value = lexer.ReadObject();
        }
        catch (PdfWindowExhaustedException)
        {
            throw new AssetFormatException(Format, rootOffset, "/Root is followed by an unterminated token");
        }
        if (value is not PdfRef root) throw new AssetFormatException(Format, rootOffset, "/Root is not an indirect reference");
        return Resolve(root) as PdfDictionary ?? throw new AssetFormatException(Format, rootOffset, $"/Root {root.Number} {root.Generation} R is not a dictionary");
    }

    /// <summary>
    /// C2PA 2.2 §A.4.2.1: the file specification in the catalog's `/AF` with `/AFRelationship /C2PA_Manifest`, and its
    /// `/EF /F` embedded file stream. §15.5.2.2: two such stores in one update section count as no store.
    /// </summary>
    public PdfStreamObject? FindManifestStream()
    {
        if (Resolve(Catalog().Get("AF")) is not PdfArray associatedFiles) return null;
        if (associatedFiles.Count > MaxAssociatedFiles)
            throw new AssetFormatException(Format, _lastRootOffset, $"the catalog's /AF lists {associatedFiles.Count} files, more than {MaxAssociatedFiles}");
        var found = new List<PdfDictionary>();
        foreach (object item in associatedFiles)
        {
            if (Resolve(item) is PdfDictionary spec && Resolve(spec.Get("AFRelationship")) is PdfName { Value: "C2PA_Manifest" }) found.Add(spec);
        }
        if (found.Count != 1) return null;
        if (Resolve(found[0].Get("EF")) is not PdfDictionary embedded)
            throw new AssetFormatException(Format, _lastRootOffset, "the C2PA_Manifest file specification has no /EF dictionary");
        object? file = embedded.Get("F") ?? embedded.Get("UF");
        return Resolve(file) as PdfStreamObject
            ?? throw new AssetFormatException(Format, _lastRootOffset, "the C2PA_Manifest file specification's /EF /F is not a stream");
    }

    /// <summary>Follows indirect references (a bounded chain) to a direct object; a stream object comes back as <see cref="PdfStreamObject"/>.</summary>
    public object? Resolve(object? value)
    {
        for (int hops = 0; value is PdfRef reference; hops++)
        {
            if (hops == MaxReferenceChain) throw new AssetFormatException(Format, 0, $"reference chain from object {reference.Number} is longer than {MaxReferenceChain}");
            value = Load(reference.Number);
        }
        return value is PdfNull ? null : value;
    }

    /// <summary>The decoded data of a stream (FlateDecode, or an Identity crypt filter), at most <paramref name="limit"/> bytes.</summary>
    public byte[] ReadStreamData(PdfStreamObject stream, int limit, string what)
    {
        if (stream.Length > Array.MaxLength)
            throw new AssetFormatException(Format, stream.DataOffset, $"{what} stream of {stream.Length} bytes is too large");
        var filters = new List<string>();
        object? filter = Resolve(stream.Dictionary.Get("Filter"));
        if (filter is PdfName single) filters.Add(single.Value);
        else if (filter is PdfArray many)
        {
            foreach (object f in many)
                filters.Add(Resolve(f) is PdfName name ? name.Value : throw new AssetFormatException(Format, stream.DataOffset, $"{what} has a /Filter that is not a name"));
        }
        if (filters.Count == 0 && stream.Length > limit)
            throw new AssetFormatException(Format, stream.DataOffset, $"{what} of {stream.Length} bytes is larger than the {limit}-byte limit");
        byte[] data = AssetIo.ReadBytesAt(_stream, stream.DataOffset, stream.Length, Format, what);
        foreach (string name in filters)
        {
            data = name switch
            {
                "FlateDecode" or "Fl" => Inflate(data, limit, stream, what),
                // ISO 32000 §7.4.10: a Crypt filter without /Name, or named Identity, passes the data through (C2PA 2.2 §A.4.1).
                "Crypt" => data,
                _ => throw new AssetFormatException(Format, stream.DataOffset, $"{what} uses the /{name} filter, which is not supported"),
            };
        }
        return data;
    }

    private static byte[] Inflate(byte[] compressed, int limit, PdfStreamObject stream, string what)
    {
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            return AssetIo.Decompress(zlib, limit, Format, stream.DataOffset, what);
        }
        catch (InvalidDataException e)
        {
            throw new AssetFormatException(Format, stream.DataOffset, $"{what} (object {stream.Number}) is not valid FlateDecode data: {e.Message}");
        }
    }

    /// <summary>
    /// Loading one object can load others (an indirect `/Length`, an object stream), so loads nest: an object that needs
    /// itself, or nesting deeper than <see cref="MaxLoadDepth"/>, is malformed rather than a stack overflow.
    /// </summary>
    private object Load(int number)
    {
        if (_cache.TryGetValue(number, out object? cached)) return cached;
        if (!_loading.Add(number)) throw new AssetFormatException(Format, 0, $"object {number} needs itself to be read (e.g. its own /Length)");
        if (_loading.Count > MaxLoadDepth) throw new AssetFormatException(Format, 0, $"reading object {number} needs more than {MaxLoadDepth} other objects in a chain");
        try
        {
            object value;
            if (_offsets.TryGetValue(number, out List<long>? offsets)) value = ReadLatestDefinition(number, offsets);
            else value = LoadFromObjectStream(number) ?? PdfNull.Instance;
            _cache[number] = value;
            return value;
        }
        finally
        {
            _loading.Remove(number);
        }
    }

    /// <summary>
    /// The last definition that parses. The scan cannot tell `N G obj` inside binary stream data from a real object,
    /// so a chance match that does not parse falls back to the definition before it.
    /// </summary>
    private object ReadLatestDefinition(int number, List<long> offsets)
    {
        for (int i = offsets.Count - 1; ; i--)
        {
            try
            {
                return ReadIndirectObject(number, offsets[i]);
            }
            catch (AssetFormatException) when (i > 0)
            {
            }
        }
    }

    /// <summary>`N G obj value [stream … endstream] endobj` at <paramref name="offset"/>.</summary>
    /// <summary>Parses in a small window first (most objects are short), then larger ones up to <see cref="LargeWindow"/>.</summary>
    private object ReadIndirectObject(int number, long offset)
    {
        foreach (int size in new[] { SmallWindow, MediumWindow, LargeWindow })
        {
            var lexer = Window(offset, size, out bool endsFile);
            try
            {
                return ParseIndirectObject(lexer, number, offset);
            }
            catch (PdfWindowExhaustedException) when (!endsFile)
            {
            }
        }
        throw new AssetFormatException(Format, offset, $"object {number} is larger than {LargeWindow} bytes before its stream data");
    }

    private object ParseIndirectObject(PdfLexer lexer, int number, long offset)
    {
        lexer.ReadObject();
        lexer.ReadObject();
        if (!lexer.TryKeyword("obj")) throw new AssetFormatException(Format, offset, $"object {number} does not start with 'N G obj'");
        object value = lexer.ReadObject();
        if (value is not PdfDictionary dictionary || !lexer.TryKeyword("stream")) return value;
        // ISO 32000-1 §7.3.8.1: `stream` is followed by CRLF or LF (a lone CR is tolerated, as readers do).
        long dataOffset = lexer.FileOffset;
        Span<byte> eol = stackalloc byte[2];
        int eolLength = (int)Math.Min(2, _length - dataOffset);
        AssetIo.ReadAt(_stream, dataOffset, eol[..eolLength], Format, $"object {number} stream keyword");
        if (eolLength > 0 && eol[0] == '\n') dataOffset += 1;
        else if (eolLength > 0 && eol[0] == '\r') dataOffset += eolLength == 2 && eol[1] == '\n' ? 2 : 1;
        long length = Resolve(dictionary.Get("Length")) switch
        {
            long l => l,
            _ => throw new AssetFormatException(Format, offset, $"object {number} stream has no integer /Length"),
        };
        if (length < 0 || length > _length - dataOffset)
            throw new AssetFormatException(Format, offset, $"object {number} stream /Length {length} runs past the end of the file ({_length} bytes)");
        CheckEndstream(number, offset, dataOffset + length);
        return new PdfStreamObject(dictionary, dataOffset, length, number);
    }

    /// <summary>A `/Length` that lies would make us read the wrong bytes: `endstream` must follow the data (after an optional EOL).</summary>
    private void CheckEndstream(int number, long objectOffset, long dataEnd)
    {
        Span<byte> tail = stackalloc byte[16];
        int available = (int)Math.Min(tail.Length, _length - dataEnd);
        AssetIo.ReadAt(_stream, dataEnd, tail[..available], Format, $"object {number} endstream");
        int i = 0;
        while (i < available && PdfLexer.IsWhitespace(tail[i])) i++;
        if (!tail[i..available].StartsWith("endstream"u8))
            throw new AssetFormatException(Format, objectOffset, $"object {number} stream /Length does not end at 'endstream' (offset {dataEnd})");
    }

    private PdfLexer Window(long offset, int size, out bool endsFile)
    {
        long available = _length - offset;
        int length = (int)Math.Min(size, available);
        endsFile = length == available;
        var buffer = new byte[length];
        AssetIo.ReadAt(_stream, offset, buffer, Format, "object");
        return new PdfLexer(buffer, length, offset, endsFile);
    }

    /// <summary>
    /// ISO 32000-1 §7.5.7: objects inside `/Type /ObjStm` streams. The index of every object stream is built once,
    /// the first time a number is not defined at top level.
    /// </summary>
    private object? LoadFromObjectStream(int number)
    {
        if (_compressed is null)
        {
            _compressed = new Dictionary<int, (int, int)>();
            var candidates = new List<KeyValuePair<int, List<long>>>(_offsets);
            // A later object stream (an incremental update) redefines the objects of an earlier one.
            candidates.Sort((a, b) => a.Value[^1].CompareTo(b.Value[^1]));
            foreach (var (candidate, definitions) in candidates)
            {
                if (!MentionsObjectStream(definitions[^1]) || Load(candidate) is not PdfStreamObject { } objectStream || Resolve(objectStream.Dictionary.Get("Type")) is not PdfName { Value: "ObjStm" }) continue;
                if (_encrypted) throw new AssetFormatException(Format, objectStream.DataOffset, "object streams of an encrypted PDF cannot be read without decrypting them");
                ObjectStream contents = Inflated(objectStream);
                for (int i = 0; i < contents.Entries.Count; i++) _compressed[contents.Entries[i].Number] = (candidate, i);
            }
        }
        if (!_compressed.TryGetValue(number, out var location)) return null;
        ObjectStream inflated = Inflated((PdfStreamObject)Load(location.Stream));
        long at = inflated.First + inflated.Entries[location.Index].Offset;
        if (at < 0 || at >= inflated.Data.Length)
            throw new AssetFormatException(Format, inflated.Stream.DataOffset, $"object {number} lies outside object stream {location.Stream}");
        var lexer = new PdfLexer(inflated.Data, inflated.Data.Length, inflated.Stream.DataOffset, windowEndsFile: true) { Position = (int)at };
        return lexer.ReadObject();
    }

    /// <summary>A cheap look at an object's first bytes, so building the object-stream index parses only object streams.</summary>
    private bool MentionsObjectStream(long offset)
    {
        Span<byte> head = stackalloc byte[512];
        int length = (int)Math.Min(head.Length, _length - offset);
        AssetIo.ReadAt(_stream, offset, head[..length], Format, "object");
        return head[..length].IndexOf("/ObjStm"u8) >= 0;
    }

    private sealed record ObjectStream(PdfStreamObject Stream, byte[] Data, long First, List<(int Number, long Offset)> Entries);

    /// <summary>Each object stream is inflated once; all of them together may inflate to at most <see cref="MaxObjectStreamBytes"/>.</summary>
    private ObjectStream Inflated(PdfStreamObject stream)
    {
        if (_objectStreams.TryGetValue(stream.Number, out ObjectStream? done)) return done;
        long count = Resolve(stream.Dictionary.Get("N")) as long? ?? 0;
        if (count < 0 || count > PdfLexer.MaxItems)
            throw new AssetFormatException(Format, stream.DataOffset, $"object stream {stream.Number} claims {count} objects");
        long first = Resolve(stream.Dictionary.Get("First")) as long? ?? throw new AssetFormatException(Format, stream.DataOffset, $"object stream {stream.Number} has no /First");
        if (first < 0) throw new AssetFormatException(Format, stream.DataOffset, $"object stream {stream.Number} has a negative /First");
        byte[] data = ReadStreamData(stream, MaxObjectStreamBytes - (int)_inflatedBytes, $"object stream {stream.Number} (with those read before it)");
        _inflatedBytes += data.Length;
        var contents = new ObjectStream(stream, data, first, ParseObjectStreamHeader(data, stream, (int)count));
        _objectStreams[stream.Number] = contents;
        return contents;
    }

    private static List<(int Number, long Offset)> ParseObjectStreamHeader(byte[] data, PdfStreamObject stream, int count)
    {
        var lexer = new PdfLexer(data, data.Length, stream.DataOffset, windowEndsFile: true);
        var entries = new List<(int, long)>(count);
        for (int i = 0; i < count; i++)
        {
            if (lexer.ReadObject() is not long number || lexer.ReadObject() is not long offset || number < 0 || number > int.MaxValue || offset < 0)
                throw new AssetFormatException(Format, stream.DataOffset, $"object stream {stream.Number} has a malformed header at entry {i}");
            entries.Add(((int)number, offset));
        }
        return entries;
    }

    /// <summary>
    /// One pass over the file: every `N G obj` (the last definition of a number wins, as incremental updates append),
    /// the last `/Root` and whether any trailer has `/Encrypt`. Chunks overlap so no token is split.
    /// </summary>
    private void Scan()
    {
        var buffer = new byte[ScanChunk];
        long start = 0;
        long lastAccepted = -1;
        while (start < _length)
        {
            int length = (int)Math.Min(ScanChunk, _length - start);
            AssetIo.ReadAt(_stream, start, buffer.AsSpan(0, length), Format, "file");
            bool atEnd = start + length == _length;
            ReadOnlySpan<byte> chunk = buffer.AsSpan(0, length);
            int limit = atEnd ? length : length - ScanOverlap;
            FindObjects(chunk, start, limit, ref lastAccepted);
            FindKeys(chunk, start, limit, "/Root"u8, _roots, MaxRootsKept);
            var encrypt = new List<long>();
            FindKeys(chunk, start, limit, "/Encrypt"u8, encrypt, 1);
            if (encrypt.Count > 0) _encrypted = true;
            if (atEnd) break;
            start += limit - ScanOverlap;
        }
    }

    private void FindObjects(ReadOnlySpan<byte> chunk, long chunkOffset, int limit, ref long lastAccepted)
    {
        int from = 0;
        while (true)
        {
            int hit = chunk[from..].IndexOf("obj"u8);
            if (hit < 0) return;
            int at = from + hit;
            from = at + 3;
            if (at >= limit) return;
            if (at + 3 < chunk.Length && !PdfLexer.IsWhitespace(chunk[at + 3]) && !PdfLexer.IsDelimiter(chunk[at + 3])) continue;
            // Walk back over: whitespace, generation digits, whitespace, object number digits.
            int i = at - 1;
            int ws = 0;
            while (i >= 0 && PdfLexer.IsWhitespace(chunk[i])) { i--; ws++; }
            int genEnd = i;
            while (i >= 0 && chunk[i] >= '0' && chunk[i] <= '9') i--;
            if (ws == 0 || genEnd - i is 0 or > 5) continue;
            ws = 0;
            while (i >= 0 && PdfLexer.IsWhitespace(chunk[i])) { i--; ws++; }
            int numberEnd = i;
            while (i >= 0 && chunk[i] >= '0' && chunk[i] <= '9') i--;
            if (ws == 0 || numberEnd - i is 0 or > 10) continue;
            if (i >= 0 && !PdfLexer.IsWhitespace(chunk[i]) && !PdfLexer.IsDelimiter(chunk[i])) continue;
            long objectOffset = chunkOffset + i + 1;
            if (objectOffset <= lastAccepted) continue;
            if (!long.TryParse(Encoding.ASCII.GetString(chunk[(i + 1)..(numberEnd + 1)]), out long number) || number > int.MaxValue) continue;
            if (!_offsets.TryGetValue((int)number, out List<long>? definitions))
            {
                if (_offsets.Count == MaxObjects) throw new AssetFormatException(Format, objectOffset, $"more than {MaxObjects} objects");
                _offsets[(int)number] = definitions = new List<long>(1);
            }
            if (definitions.Count == MaxDefinitionsKept) definitions.RemoveAt(0);
            definitions.Add(objectOffset);
            lastAccepted = objectOffset;
        }
    }

    private static void FindKeys(ReadOnlySpan<byte> chunk, long chunkOffset, int limit, ReadOnlySpan<byte> key, List<long> found, int keep)
    {
        int from = 0;
        while (true)
        {
            int hit = chunk[from..].IndexOf(key);
            if (hit < 0) return;
            int at = from + hit;
            from = at + key.Length;
            if (at >= limit) return;
            int after = at + key.Length;
            if (after < chunk.Length && !PdfLexer.IsWhitespace(chunk[after]) && !PdfLexer.IsDelimiter(chunk[after])) continue;
            long offset = chunkOffset + at;
            if (found.Count > 0 && offset <= found[^1]) continue;
            if (found.Count == keep) found.RemoveAt(0);
            found.Add(offset);
        }
    }
}
