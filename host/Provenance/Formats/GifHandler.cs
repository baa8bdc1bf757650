using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// GIF 87a/89a, read only. C2PA 2.2 §A.3.7: the manifest store travels in one Application Extension (21 FF 0B,
/// identifier `C2PA_GIF`, authentication code = block version 1.0: 01 00 00) as data sub-blocks of at most 255 bytes,
/// placed after the header and before the first image descriptor. The whole extension block, introducer to terminator,
/// is what a hash leaves out. XMP is the `XMP DataXMP` application extension (XMP Specification Part 3, §1.1.2).
/// </summary>
public sealed class GifHandler : ReadOnlyAssetHandler
{
    private const string Format = "gif";
    private const byte ExtensionIntroducer = 0x21;
    private const byte ApplicationLabel = 0xFF;
    private const byte ImageSeparator = 0x2C;
    private const byte Trailer = 0x3B;
    /// <summary>XMP Specification Part 3 §1.1.2: 01 FF FE … 01 00 after the packet, then the block terminator.</summary>
    private const int XmpTrailerLength = 257;

    private static ReadOnlySpan<byte> C2paIdentifier => "C2PA_GIF"u8;
    private static ReadOnlySpan<byte> XmpIdentifier => "XMP DataXMP"u8;

    /// <inheritdoc/>
    public override string FormatName => Format;

    /// <inheritdoc/>
    public override string MediaType => "image/gif";

    /// <inheritdoc/>
    public override bool CanRead(ReadOnlySpan<byte> header) =>
        header.Length >= 6 && (header[..6].SequenceEqual("GIF89a"u8) || header[..6].SequenceEqual("GIF87a"u8));

    /// <inheritdoc/>
    public override byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        GifLayout layout = Scan(asset);
        if (layout.Store is not { } store) return null;
        StoreLimits.Check(Format, store.Offset, store.DataEnd - store.DataStart, "C2PA application extension");
        return DecodeSubBlocks(asset, store);
    }

    /// <summary>
    /// The XMP application extension. Adobe's writers put the packet in raw, followed by a "magic trailer"
    /// (01 FF FE … 01 00) that makes any sub-block walk land on the block terminator after it; c2pa-rs puts the packet
    /// and the same trailer in proper sub-blocks. Both are read; anything else is treated as no XMP.
    /// </summary>
    public override string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (Scan(asset).Xmp is not { } xmp) return null;
        long rawLength = xmp.DataEnd - xmp.DataStart;
        if (rawLength > AssetIo.MaxXmpBytes)
            throw new AssetFormatException(Format, xmp.Offset, $"XMP application extension of {rawLength} bytes is larger than the {AssetIo.MaxXmpBytes}-byte limit");
        byte[] raw = AssetIo.ReadBytesAt(asset, xmp.DataStart, rawLength, Format, "XMP application extension");
        if (raw.Length >= XmpTrailerLength && EndsWithMagicTrailer(raw))
            return Encoding.UTF8.GetString(raw, 0, raw.Length - XmpTrailerLength);
        byte[] decoded = DecodeSubBlocks(asset, xmp);
        if (decoded.Length >= XmpTrailerLength && EndsWithMagicTrailer(decoded))
            return Encoding.UTF8.GetString(decoded, 0, decoded.Length - XmpTrailerLength);
        return null;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return Scan(asset).Store is { } store ? [new HashRange(store.Offset, store.End - store.Offset)] : [];
    }

    /// <summary>The trailer is 01, then 256 bytes counting down from FF to 00.</summary>
    private static bool EndsWithMagicTrailer(byte[] data)
    {
        int start = data.Length - XmpTrailerLength;
        if (data[start] != 0x01) return false;
        for (int i = 1; i < XmpTrailerLength; i++)
        {
            if (data[start + i] != (byte)(0xFF - (i - 1))) return false;
        }
        return true;
    }

    /// <param name="Offset">The extension introducer (0x21).</param>
    /// <param name="DataStart">The first data sub-block's size byte (after the 11-byte identifier sub-block).</param>
    /// <param name="DataEnd">The block terminator (0x00).</param>
    private readonly record struct AppExtension(long Offset, long DataStart, long DataEnd)
    {
        public long End => DataEnd + 1;
    }

    private sealed record GifLayout(AppExtension? Store, AppExtension? Xmp);

    /// <summary>Concatenates the data of the sub-blocks in [DataStart, DataEnd) (their sizes were checked by the scan).</summary>
    private static byte[] DecodeSubBlocks(Stream asset, AppExtension block)
    {
        var reader = new ForwardReader(asset, block.DataStart);
        using var data = new MemoryStream();
        var chunk = new byte[255];
        while (reader.Position < block.DataEnd)
        {
            int size = reader.ReadByte("sub-block size");
            reader.Read(chunk.AsSpan(0, size), "sub-block");
            data.Write(chunk, 0, size);
        }
        return data.ToArray();
    }

    /// <summary>
    /// Walks the block stream (GIF89a §§17-27) to the trailer. Every block consumes at least one byte and every length is
    /// a byte, so the walk ends within the file; truncation inside a block throws.
    /// </summary>
    private static GifLayout Scan(Stream asset)
    {
        long length = asset.Length;
        if (length < 13) throw new AssetFormatException(Format, 0, $"file of {length} bytes is too short for a GIF header and screen descriptor");
        Span<byte> header = stackalloc byte[13];
        AssetIo.ReadAt(asset, 0, header, Format, "header");
        if (!header[..3].SequenceEqual("GIF"u8) || !(header[3..6].SequenceEqual("89a"u8) || header[3..6].SequenceEqual("87a"u8)))
            throw new AssetFormatException(Format, 0, "signature is not GIF87a or GIF89a");
        var reader = new ForwardReader(asset, 13);
        byte packed = header[10];
        if ((packed & 0x80) != 0) reader.Skip(3 * (2 << (packed & 0x07)), "global colour table");

        AppExtension? store = null, xmp = null;
        bool seenImage = false;
        Span<byte> descriptor = stackalloc byte[9];
        Span<byte> identifier = stackalloc byte[11];
        while (reader.Position < length)
        {
            long blockOffset = reader.Position;
            int introducer = reader.ReadByte("block introducer");
            if (introducer == Trailer) break;
            if (introducer == ImageSeparator)
            {
                seenImage = true;
                reader.Read(descriptor, "image descriptor");
                if ((descriptor[8] & 0x80) != 0) reader.Skip(3 * (2 << (descriptor[8] & 0x07)), "local colour table");
                reader.ReadByte("LZW minimum code size");
                reader.SkipSubBlocks();
                continue;
            }
            if (introducer != ExtensionIntroducer)
                throw new AssetFormatException(Format, blockOffset, $"byte 0x{introducer:X2} starts no GIF block (expected 0x21, 0x2C or 0x3B)");
            int label = reader.ReadByte("extension label");
            if (label != ApplicationLabel)
            {
                reader.SkipSubBlocks();
                continue;
            }
            int identifierSize = reader.ReadByte("application block size");
            if (identifierSize != 11)
            {
                // GIF89a §26: the block size is 11; anything else is a foreign block we skip whole.
                reader.Skip(identifierSize, "application identifier");
                reader.SkipSubBlocks();
                continue;
            }
            reader.Read(identifier, "application identifier");
            long dataStart = reader.Position;
            long dataEnd = reader.SkipSubBlocks();
            var block = new AppExtension(blockOffset, dataStart, dataEnd);
            if (identifier[..8].SequenceEqual(C2paIdentifier))
            {
                // C2PA 2.2 §A.3.7: only a block before the first image descriptor is the manifest store.
                if (seenImage) continue;
                if (identifier[8] != 0x01)
                    throw new AssetFormatException(Format, blockOffset, $"C2PA application extension has block version {identifier[8]}.{identifier[9]}; only 1.x is defined");
                if (store is not null)
                    throw new AssetFormatException(Format, blockOffset, "second C2PA application extension: a GIF may hold only one manifest store (C2PA 2.2 §A.3.7)", multipleStores: true);
                store = block;
            }
            else if (identifier.SequenceEqual(XmpIdentifier) && xmp is null)
            {
                xmp = block;
            }
        }
        return new GifLayout(store, xmp);
    }

    /// <summary>Reads forward through the file in 64 KB chunks, so sub-block walks do not seek per byte.</summary>
    private sealed class ForwardReader(Stream stream, long position)
    {
        private readonly byte[] _buffer = new byte[65536];
        private long _bufferStart = -1;
        private int _bufferLength;

        public long Position { get; private set; } = position;

        public int ReadByte(string what)
        {
            if (Position >= stream.Length) throw new AssetFormatException(Format, Position, $"file ends where the {what} should be");
            if (_bufferStart < 0 || Position < _bufferStart || Position >= _bufferStart + _bufferLength) Fill();
            return _buffer[Position++ - _bufferStart];
        }

        public void Read(Span<byte> target, string what)
        {
            AssetIo.ReadAt(stream, Position, target, Format, what);
            Position += target.Length;
        }

        public void Skip(long count, string what)
        {
            if (count > stream.Length - Position) throw new AssetFormatException(Format, Position, $"{what} ({count} bytes) runs past the end of the file ({stream.Length} bytes)");
            Position += count;
        }

        /// <summary>Skips data sub-blocks up to and including the terminator; returns the terminator's offset.</summary>
        public long SkipSubBlocks()
        {
            while (true)
            {
                long at = Position;
                int size = ReadByte("sub-block size (the block has no terminator)");
                if (size == 0) return at;
                Skip(size, "data sub-block");
            }
        }

        private void Fill()
        {
            stream.Position = Position;
            _bufferStart = Position;
            _bufferLength = 0;
            int read;
            while (_bufferLength < _buffer.Length && (read = stream.Read(_buffer, _bufferLength, _buffer.Length - _bufferLength)) > 0) _bufferLength += read;
        }
    }
}
