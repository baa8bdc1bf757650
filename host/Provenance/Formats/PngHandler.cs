using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// PNG: the manifest store travels in a `caBX` chunk right after IHDR (C2PA 2.2 §A.3.2; c2pa-rs png_io does the same),
/// and the data hash leaves out that whole chunk (length, type, data and CRC). XMP travels in an uncompressed `iTXt`
/// chunk with keyword `XML:com.adobe.xmp`.
/// </summary>
public sealed class PngHandler : IAssetHandler
{
    private const string Format = "png";
    private const int ChunkOverhead = 12;
    private const string XmpKeyword = "XML:com.adobe.xmp";
    private const int MaxStoreChunks = 16;
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] CabxType = "caBX"u8.ToArray();
    private static readonly byte[] ItxtType = "iTXt"u8.ToArray();

    /// <inheritdoc/>
    public string FormatName => Format;

    /// <inheritdoc/>
    public string MediaType => "image/png";

    /// <inheritdoc/>
    public bool CanRead(ReadOnlySpan<byte> header) => header.Length >= Signature.Length && header[..Signature.Length].SequenceEqual(Signature);

    /// <inheritdoc/>
    public byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var layout = Scan(asset);
        if (layout.Stores.Count == 0) return null;
        if (layout.Stores.Count > 1)
            throw new AssetFormatException(Format, layout.Stores[1].Offset, "second caBX chunk: a PNG may hold only one manifest store", multipleStores: true);
        var chunk = layout.Stores[0];
        StoreLimits.Check(Format, chunk.Offset, chunk.Length, "caBX chunk");
        byte[] data = AssetIo.ReadBytesAt(asset, chunk.DataOffset, chunk.Length, Format, "caBX chunk data");
        CheckCrc(asset, chunk, data);
        return data;
    }

    /// <inheritdoc/>
    public string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var layout = Scan(asset);
        if (layout.Xmp is not { } chunk) return null;
        if (chunk.Length > AssetIo.MaxXmpBytes)
            throw new AssetFormatException(Format, chunk.Offset, $"XMP iTXt chunk of {chunk.Length} bytes is larger than the {AssetIo.MaxXmpBytes}-byte limit");
        byte[] data = AssetIo.ReadBytesAt(asset, chunk.DataOffset, chunk.Length, Format, "iTXt chunk data");
        CheckCrc(asset, chunk, data);
        return DecodeXmpText(data, chunk.Offset);
    }

    /// <inheritdoc/>
    public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(storeLength);
        var layout = Scan(source);
        long outputStart = destination.Position;

        // Signature and IHDR unchanged.
        source.Position = 0;
        AssetIo.Copy(source, destination, layout.IhdrEnd, Format);

        long cabxOffset = destination.Position - outputStart;
        (destination as IHashExclusionSink)?.ExcludeNext((long)storeLength + ChunkOverhead);
        WriteChunkHeader(destination, storeLength, CabxType);
        AssetIo.WriteZeros(destination, storeLength);
        WriteCrc(destination, Crc32.Update(Crc32.Compute(CabxType), new byte[storeLength]));

        var skipped = new List<PngChunk>(layout.Stores);
        if (xmp is not null)
        {
            WriteXmpChunk(destination, xmp);
            if (layout.Xmp is { } oldXmp) skipped.Add(oldXmp);
        }
        skipped.Sort((a, b) => a.Offset.CompareTo(b.Offset));

        long position = layout.IhdrEnd;
        foreach (var chunk in skipped)
        {
            source.Position = position;
            AssetIo.Copy(source, destination, chunk.Offset - position, Format);
            position = chunk.End;
        }
        source.Position = position;
        AssetIo.Copy(source, destination, source.Length - position, Format);

        var exclusion = new HashRange(cabxOffset, (long)storeLength + ChunkOverhead);
        return new StorePlacement(storeLength, [exclusion], outputStart + cabxOffset);
    }

    /// <inheritdoc/>
    public void WriteStore(Stream destination, StorePlacement placement, byte[] store)
    {
        ArgumentNullException.ThrowIfNull(destination);
        AssetIo.CheckStoreLength(placement, store);
        if (placement.HandlerState is not long chunkOffset)
            throw new ArgumentException("placement was not made by the PNG handler", nameof(placement));
        destination.Position = chunkOffset + 8;
        destination.Write(store);
        WriteCrc(destination, Crc32.Update(Crc32.Compute(CabxType), store));
        destination.Flush();
    }

    /// <inheritdoc/>
    public IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var layout = Scan(asset);
        var ranges = new List<HashRange>();
        foreach (var chunk in layout.Stores) ranges.Add(new HashRange(chunk.Offset, chunk.End - chunk.Offset));
        return ranges;
    }

    private static void WriteXmpChunk(Stream destination, string xmp)
    {
        // iTXt: keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text.
        byte[] text = Encoding.UTF8.GetBytes(xmp);
        byte[] keyword = Encoding.ASCII.GetBytes(XmpKeyword);
        var data = new byte[keyword.Length + 5 + text.Length];
        keyword.CopyTo(data, 0);
        text.CopyTo(data, keyword.Length + 5);
        WriteChunkHeader(destination, data.Length, ItxtType);
        destination.Write(data);
        WriteCrc(destination, Crc32.Update(Crc32.Compute(ItxtType), data));
    }

    private static void WriteChunkHeader(Stream destination, int length, byte[] type)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        type.CopyTo(header[4..]);
        destination.Write(header);
    }

    private static void WriteCrc(Stream destination, uint crc)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        destination.Write(bytes);
    }

    private static void CheckCrc(Stream asset, PngChunk chunk, byte[] data)
    {
        Span<byte> stored = stackalloc byte[4];
        AssetIo.ReadAt(asset, chunk.DataOffset + chunk.Length, stored, Format, $"{chunk.TypeName} CRC");
        uint expected = Crc32.Update(Crc32.Compute(Encoding.ASCII.GetBytes(chunk.TypeName)), data);
        if (BinaryPrimitives.ReadUInt32BigEndian(stored) != expected)
            throw new AssetFormatException(Format, chunk.Offset, $"{chunk.TypeName} chunk CRC mismatch");
    }

    private static string? DecodeXmpText(byte[] data, long chunkOffset)
    {
        int keywordEnd = Array.IndexOf(data, (byte)0);
        int position = keywordEnd + 1;
        if (keywordEnd < 0 || position + 2 > data.Length)
            throw new AssetFormatException(Format, chunkOffset, "iTXt chunk ends inside its header");
        bool compressed = data[position] != 0;
        byte method = data[position + 1];
        position += 2;
        for (int field = 0; field < 2; field++)
        {
            int end = Array.IndexOf(data, (byte)0, position);
            if (end < 0) throw new AssetFormatException(Format, chunkOffset, "iTXt chunk ends inside its language tag or translated keyword");
            position = end + 1;
        }
        if (!compressed) return Encoding.UTF8.GetString(data, position, data.Length - position);
        if (method != 0) throw new AssetFormatException(Format, chunkOffset, $"iTXt compression method {method} is not zlib");
        using var inflater = new ZLibStream(new MemoryStream(data, position, data.Length - position), CompressionMode.Decompress);
        using var text = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        try
        {
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (text.Length + read > AssetIo.MaxXmpBytes)
                    throw new AssetFormatException(Format, chunkOffset, $"compressed XMP inflates past the {AssetIo.MaxXmpBytes}-byte limit");
                text.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new AssetFormatException(Format, chunkOffset, "compressed XMP is not valid zlib data: " + e.Message);
        }
        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    private readonly record struct PngChunk(long Offset, uint Length, string TypeName)
    {
        public long DataOffset => Offset + 8;
        public long End => Offset + ChunkOverhead + Length;
    }

    private sealed class PngLayout
    {
        public long IhdrEnd;
        public readonly List<PngChunk> Stores = new();
        public PngChunk? Xmp;
    }

    /// <summary>Walks the chunk list once; every length is checked against the file size before it is used.</summary>
    private static PngLayout Scan(Stream asset)
    {
        long fileLength = asset.Length;
        Span<byte> signature = stackalloc byte[8];
        if (fileLength < 8) throw new AssetFormatException(Format, 0, $"file of {fileLength} bytes is too short for the PNG signature");
        AssetIo.ReadAt(asset, 0, signature, Format, "signature");
        if (!signature.SequenceEqual(Signature)) throw new AssetFormatException(Format, 0, "missing PNG signature");

        var layout = new PngLayout();
        Span<byte> header = stackalloc byte[8];
        Span<byte> keyword = stackalloc byte[XmpKeyword.Length + 1];
        long offset = 8;
        bool first = true;
        while (true)
        {
            if (offset + ChunkOverhead > fileLength)
                throw new AssetFormatException(Format, offset, "file ends before the IEND chunk");
            AssetIo.ReadAt(asset, offset, header, Format, "chunk header");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
            for (int i = 4; i < 8; i++)
            {
                if (!char.IsAsciiLetter((char)header[i]))
                    throw new AssetFormatException(Format, offset, $"chunk type bytes {Convert.ToHexString(header[4..])} are not ASCII letters");
            }
            string type = Encoding.ASCII.GetString(header[4..]);
            // PNG 1.2 §5.3: lengths are at most 2^31-1.
            if (length > int.MaxValue || offset + ChunkOverhead + length > fileLength)
                throw new AssetFormatException(Format, offset, $"{type} chunk length {length} runs past the end of the file ({fileLength} bytes)");
            var chunk = new PngChunk(offset, length, type);

            if (first)
            {
                if (type != "IHDR" || length != 13) throw new AssetFormatException(Format, offset, "first chunk is not a 13-byte IHDR");
                byte[] ihdr = AssetIo.ReadBytesAt(asset, chunk.DataOffset, length, Format, "IHDR data");
                CheckCrc(asset, chunk, ihdr);
                layout.IhdrEnd = chunk.End;
                first = false;
            }
            else if (type == "caBX")
            {
                if (layout.Stores.Count == MaxStoreChunks)
                    throw new AssetFormatException(Format, offset, $"more than {MaxStoreChunks} caBX chunks");
                layout.Stores.Add(chunk);
            }
            else if (type == "iTXt" && layout.Xmp is null && length >= keyword.Length)
            {
                AssetIo.ReadAt(asset, chunk.DataOffset, keyword, Format, "iTXt keyword");
                if (keyword[^1] == 0 && Encoding.ASCII.GetString(keyword[..^1]) == XmpKeyword) layout.Xmp = chunk;
            }
            else if (type == "IEND")
            {
                return layout;
            }
            offset = chunk.End;
        }
    }
}
