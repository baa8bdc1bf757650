using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// WebP (RIFF): the manifest store travels in a `C2PA` chunk appended as the last chunk of the RIFF form (C2PA 2.2
/// §A.3.6; c2pa-rs riff_io does the same) and the data hash leaves out that chunk's header and data. XMP travels in an
/// `XMP ` chunk; a simple (VP8/VP8L) file is turned into the extended format (VP8X with the XMP flag) when XMP is added.
/// </summary>
public sealed class WebpHandler : IAssetHandler
{
    private const string Format = "webp";
    private const int ChunkHeaderSize = 8;
    private const byte XmpFlag = 0x04;
    private const byte AlphaFlag = 0x10;
    private const int MaxChunks = 100_000;

    /// <inheritdoc/>
    public string FormatName => Format;

    /// <inheritdoc/>
    public string MediaType => "image/webp";

    /// <inheritdoc/>
    public bool CanRead(ReadOnlySpan<byte> header) =>
        header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8);

    /// <inheritdoc/>
    public byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var layout = Scan(asset);
        var stores = layout.Chunks.FindAll(c => c.FourCc == "C2PA");
        if (stores.Count == 0) return null;
        if (stores.Count > 1) throw new AssetFormatException(Format, stores[1].Offset, "second C2PA chunk: a WebP may hold only one manifest store", multipleStores: true);
        StoreLimits.Check(Format, stores[0].Offset, stores[0].Size, "C2PA chunk");
        return AssetIo.ReadBytesAt(asset, stores[0].DataOffset, stores[0].Size, Format, "C2PA chunk data");
    }

    /// <inheritdoc/>
    public string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var layout = Scan(asset);
        int index = layout.Chunks.FindIndex(c => c.FourCc == "XMP ");
        if (index < 0) return null;
        var chunk = layout.Chunks[index];
        if (chunk.Size > AssetIo.MaxXmpBytes)
            throw new AssetFormatException(Format, chunk.Offset, $"XMP chunk of {chunk.Size} bytes is larger than the {AssetIo.MaxXmpBytes}-byte limit");
        byte[] data = AssetIo.ReadBytesAt(asset, chunk.DataOffset, chunk.Size, Format, "XMP chunk data");
        return Encoding.UTF8.GetString(data).TrimEnd('\0');
    }

    /// <inheritdoc/>
    public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(storeLength);
        var layout = Scan(source);
        long outputStart = destination.Position;

        var kept = layout.Chunks.FindAll(c => c.FourCc != "C2PA" && !(xmp is not null && c.FourCc == "XMP "));
        byte[]? xmpBytes = xmp is null ? null : Encoding.UTF8.GetBytes(xmp);
        byte[]? newVp8x = null;
        RiffChunk? vp8x = kept.Count > 0 && kept[0].FourCc == "VP8X" ? kept[0] : null;
        if (xmpBytes is not null && vp8x is null) newVp8x = BuildVp8x(source, kept);

        long riffPayload = 4; // "WEBP"
        foreach (var chunk in kept) riffPayload += chunk.PaddedSize;
        if (newVp8x is not null) riffPayload += ChunkHeaderSize + newVp8x.Length;
        if (xmpBytes is not null) riffPayload += ChunkHeaderSize + Padded(xmpBytes.Length);
        riffPayload += ChunkHeaderSize + Padded(storeLength);
        if (riffPayload > uint.MaxValue)
            throw new AssetFormatException(Format, 4, $"the signed file would need a RIFF size of {riffPayload}, more than RIFF allows");

        Span<byte> header = stackalloc byte[12];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)riffPayload);
        "WEBP"u8.CopyTo(header[8..]);
        destination.Write(header);

        if (newVp8x is not null) WriteChunk(destination, "VP8X", newVp8x);
        foreach (var chunk in kept)
        {
            if (xmpBytes is not null && vp8x is { } existing && chunk.Offset == existing.Offset)
            {
                byte[] data = AssetIo.ReadBytesAt(source, chunk.DataOffset, chunk.Size, Format, "VP8X chunk data");
                data[0] |= XmpFlag;
                WriteChunk(destination, "VP8X", data);
                continue;
            }
            source.Position = chunk.Offset;
            AssetIo.Copy(source, destination, chunk.PaddedSize, Format);
        }
        if (xmpBytes is not null) WriteChunk(destination, "XMP ", xmpBytes);

        long storeChunkOffset = destination.Position - outputStart;
        Span<byte> storeHeader = stackalloc byte[ChunkHeaderSize];
        "C2PA"u8.CopyTo(storeHeader);
        BinaryPrimitives.WriteUInt32LittleEndian(storeHeader[4..], (uint)storeLength);
        (destination as IHashExclusionSink)?.ExcludeNext(ChunkHeaderSize + (long)storeLength);
        destination.Write(storeHeader);
        AssetIo.WriteZeros(destination, Padded(storeLength));

        // Bytes after the RIFF form (rare, but some writers leave them) stay where they are, after the form.
        source.Position = layout.RiffEnd;
        AssetIo.Copy(source, destination, source.Length - layout.RiffEnd, Format);

        var exclusion = new HashRange(storeChunkOffset, ChunkHeaderSize + (long)storeLength);
        return new StorePlacement(storeLength, [exclusion], outputStart + storeChunkOffset);
    }

    /// <inheritdoc/>
    public void WriteStore(Stream destination, StorePlacement placement, byte[] store)
    {
        ArgumentNullException.ThrowIfNull(destination);
        AssetIo.CheckStoreLength(placement, store);
        if (placement.HandlerState is not long chunkOffset)
            throw new ArgumentException("placement was not made by the WebP handler", nameof(placement));
        destination.Position = chunkOffset + ChunkHeaderSize;
        destination.Write(store);
        destination.Flush();
    }

    /// <inheritdoc/>
    public IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var ranges = new List<HashRange>();
        foreach (var chunk in Scan(asset).Chunks)
        {
            if (chunk.FourCc == "C2PA") ranges.Add(new HashRange(chunk.Offset, ChunkHeaderSize + chunk.Size));
        }
        return ranges;
    }

    private static long Padded(long size) => size + (size & 1);

    private static void WriteChunk(Stream destination, string fourCc, byte[] data)
    {
        Span<byte> header = stackalloc byte[ChunkHeaderSize];
        Encoding.ASCII.GetBytes(fourCc, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)data.Length);
        destination.Write(header);
        destination.Write(data);
        if ((data.Length & 1) != 0) destination.WriteByte(0);
    }

    /// <summary>A VP8X chunk for a simple-format file: XMP flag, alpha flag from VP8L, canvas size from the bitstream (WebP container spec, "Extended File Format").</summary>
    private static byte[] BuildVp8x(Stream source, List<RiffChunk> chunks)
    {
        int index = chunks.FindIndex(c => c.FourCc is "VP8 " or "VP8L");
        if (index < 0) throw new AssetFormatException(Format, 12, "simple WebP has no VP8 or VP8L chunk");
        var chunk = chunks[index];
        Span<byte> bits = stackalloc byte[10];
        if (chunk.Size < 10) throw new AssetFormatException(Format, chunk.Offset, $"{chunk.FourCc} chunk of {chunk.Size} bytes is too short for a frame header");
        AssetIo.ReadAt(source, chunk.DataOffset, bits, Format, chunk.FourCc + " frame header");
        int width, height;
        bool alpha = false;
        if (chunk.FourCc == "VP8L")
        {
            // VP8L: signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha_is_used (little-endian bit order).
            if (bits[0] != 0x2F) throw new AssetFormatException(Format, chunk.DataOffset, "VP8L signature byte is not 0x2f");
            uint packed = BinaryPrimitives.ReadUInt32LittleEndian(bits[1..]);
            width = (int)(packed & 0x3FFF) + 1;
            height = (int)((packed >> 14) & 0x3FFF) + 1;
            alpha = ((packed >> 28) & 1) != 0;
        }
        else
        {
            // VP8 key frame (RFC 6386 §9.1): 3-byte frame tag, start code 9d 01 2a, 14-bit width and height.
            if ((bits[0] & 1) != 0 || bits[3] != 0x9D || bits[4] != 0x01 || bits[5] != 0x2A)
                throw new AssetFormatException(Format, chunk.DataOffset, "VP8 chunk does not start with a key frame");
            width = BinaryPrimitives.ReadUInt16LittleEndian(bits[6..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(bits[8..]) & 0x3FFF;
            if (width == 0 || height == 0) throw new AssetFormatException(Format, chunk.DataOffset, "VP8 frame has zero width or height");
        }
        var vp8x = new byte[10];
        vp8x[0] = (byte)(XmpFlag | (alpha ? AlphaFlag : 0));
        WriteUInt24(vp8x.AsSpan(4), width - 1);
        WriteUInt24(vp8x.AsSpan(7), height - 1);
        return vp8x;
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }

    private readonly record struct RiffChunk(long Offset, string FourCc, uint Size)
    {
        public long DataOffset => Offset + ChunkHeaderSize;
        public long PaddedSize => ChunkHeaderSize + Padded(Size);
    }

    private sealed record RiffLayout(long RiffEnd, List<RiffChunk> Chunks);

    /// <summary>Lists the top-level chunks of the RIFF form; each size is checked against the form's end.</summary>
    private static RiffLayout Scan(Stream asset)
    {
        long fileLength = asset.Length;
        if (fileLength < 12) throw new AssetFormatException(Format, 0, $"file of {fileLength} bytes is too short for a RIFF header");
        Span<byte> header = stackalloc byte[12];
        AssetIo.ReadAt(asset, 0, header, Format, "RIFF header");
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..].SequenceEqual("WEBP"u8))
            throw new AssetFormatException(Format, 0, "not a RIFF/WEBP file");
        long riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (riffEnd > fileLength)
            throw new AssetFormatException(Format, 4, $"RIFF size says the form ends at {riffEnd}, past the end of the file ({fileLength} bytes)");

        var chunks = new List<RiffChunk>();
        Span<byte> chunkHeader = stackalloc byte[ChunkHeaderSize];
        long offset = 12;
        while (offset < riffEnd)
        {
            if (offset + ChunkHeaderSize > riffEnd) throw new AssetFormatException(Format, offset, "RIFF form ends inside a chunk header");
            AssetIo.ReadAt(asset, offset, chunkHeader, Format, "chunk header");
            string fourCc = Encoding.ASCII.GetString(chunkHeader[..4]);
            foreach (byte b in chunkHeader[..4])
            {
                if (b < 0x20 || b > 0x7E)
                    throw new AssetFormatException(Format, offset, $"chunk id {Convert.ToHexString(chunkHeader[..4])} is not printable ASCII");
            }
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var chunk = new RiffChunk(offset, fourCc, size);
            if (chunk.DataOffset + size > riffEnd)
                throw new AssetFormatException(Format, offset, $"'{fourCc}' chunk size {size} runs past the end of the RIFF form ({riffEnd})");
            if (chunk.Offset + chunk.PaddedSize > riffEnd)
                throw new AssetFormatException(Format, offset, $"'{fourCc}' chunk lacks its pad byte at the end of the RIFF form");
            if (chunks.Count == MaxChunks) throw new AssetFormatException(Format, offset, $"more than {MaxChunks} chunks");
            chunks.Add(chunk);
            offset += chunk.PaddedSize;
        }
        if (chunks.Count == 0) throw new AssetFormatException(Format, 12, "WebP has no chunks");
        return new RiffLayout(riffEnd, chunks);
    }
}
