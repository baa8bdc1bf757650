using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// JPEG XL, read only. C2PA 2.2 §A.3.8: a file in the box container (ISO/IEC 18181-2) holds at most one top-level
/// `jumb` superbox whose description box is labelled `c2pa`: that box, header included, is the manifest store, and the
/// data hash leaves it out. A bare codestream (FF 0A) cannot hold credentials, so it reads as having none.
/// XMP is the `xml ` box, or a `brob` box (Brotli) wrapping one.
/// </summary>
public sealed class JpegXlHandler : ReadOnlyAssetHandler
{
    private const string Format = "jxl";
    private const int MaxBrotliXmpBytes = 4 * 1024 * 1024;

    private static ReadOnlySpan<byte> ContainerSignature => [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    /// <inheritdoc/>
    public override string FormatName => Format;

    /// <inheritdoc/>
    public override string MediaType => "image/jxl";

    /// <summary>The 12-byte container signature box, or a bare codestream's FF 0A.</summary>
    public override bool CanRead(ReadOnlySpan<byte> header) =>
        header.StartsWith(ContainerSignature) || (header.Length >= 2 && header[0] == 0xFF && header[1] == 0x0A);

    /// <inheritdoc/>
    public override byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (FindStoreBox(asset) is not { } box) return null;
        StoreLimits.Check(Format, box.Offset, box.Size, "c2pa jumb box");
        return AssetIo.ReadBytesAt(asset, box.Offset, box.Size, Format, "c2pa jumb box");
    }

    /// <inheritdoc/>
    public override string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (Boxes(asset) is not { } boxes) return null;
        Span<byte> inner = stackalloc byte[4];
        foreach (IsoBox box in boxes)
        {
            if (box.Type == "xml ")
            {
                if (box.DataSize > AssetIo.MaxXmpBytes)
                    throw new AssetFormatException(Format, box.Offset, $"'xml ' box of {box.DataSize} bytes is larger than the {AssetIo.MaxXmpBytes}-byte limit");
                return Encoding.UTF8.GetString(AssetIo.ReadBytesAt(asset, box.DataOffset, box.DataSize, Format, "'xml ' box")).TrimEnd('\0');
            }
            if (box.Type == "brob" && box.DataSize >= 4)
            {
                AssetIo.ReadAt(asset, box.DataOffset, inner, Format, "'brob' box inner type");
                if (inner.SequenceEqual("xml "u8)) return Encoding.UTF8.GetString(Unbrotli(asset, box)).TrimEnd('\0');
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return FindStoreBox(asset) is { } box ? [new HashRange(box.Offset, box.Size)] : [];
    }

    /// <summary>The container's top-level boxes, or null for a bare codestream.</summary>
    private static List<IsoBox>? Boxes(Stream asset)
    {
        Span<byte> signature = stackalloc byte[12];
        if (asset.Length < 2) throw new AssetFormatException(Format, 0, $"file of {asset.Length} bytes is too short for JPEG XL");
        int length = (int)Math.Min(12, asset.Length);
        AssetIo.ReadAt(asset, 0, signature[..length], Format, "signature");
        if (signature[0] == 0xFF && signature[1] == 0x0A) return null;
        if (!signature[..length].SequenceEqual(ContainerSignature))
            throw new AssetFormatException(Format, 0, "neither the JPEG XL container signature box nor a bare codestream");
        return IsoBoxes.TopLevel(asset, Format);
    }

    /// <summary>C2PA 2.2 §A.3.8: at most one `jumb` superbox labelled `c2pa`; other JUMBF boxes are not ours.</summary>
    private static IsoBox? FindStoreBox(Stream asset)
    {
        if (Boxes(asset) is not { } boxes) return null;
        IsoBox? found = null;
        foreach (IsoBox box in boxes)
        {
            if (box.Type != "jumb" || !IsC2paSuperbox(asset, box)) continue;
            if (found is not null)
                throw new AssetFormatException(Format, box.Offset, "second c2pa jumb box: a JPEG XL file may hold only one manifest store (C2PA 2.2 §A.3.8)", multipleStores: true);
            if (box.HeaderSize != 8)
                throw new AssetFormatException(Format, box.Offset, "c2pa jumb box uses a 64-bit size, which a manifest store never needs");
            found = box;
        }
        return found;
    }

    /// <summary>ISO/IEC 19566-5: the superbox's first child is `jumd` (size, type, 16-byte UUID, toggles, NUL-terminated label).</summary>
    private static bool IsC2paSuperbox(Stream asset, IsoBox box)
    {
        // 4 size + 4 'jumd' + 16 UUID + 1 toggles + "c2pa" + NUL
        const int Peek = 30;
        if (box.DataSize < Peek) return false;
        Span<byte> jumd = stackalloc byte[Peek];
        AssetIo.ReadAt(asset, box.DataOffset, jumd, Format, "jumb description box");
        return jumd[4..8].SequenceEqual("jumd"u8) && (jumd[24] & 0x03) == 0x03 && jumd[25..30].SequenceEqual("c2pa\0"u8);
    }

    private static byte[] Unbrotli(Stream asset, IsoBox box)
    {
        byte[] compressed = AssetIo.ReadBytesAt(asset, box.DataOffset + 4, Math.Min(box.DataSize - 4, MaxBrotliXmpBytes), Format, "'brob' box");
        try
        {
            using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
            return AssetIo.Decompress(brotli, MaxBrotliXmpBytes, Format, box.Offset, "'brob' XMP box");
        }
        catch (InvalidDataException e)
        {
            throw new AssetFormatException(Format, box.Offset, "'brob' XMP box is not valid Brotli: " + e.Message);
        }
    }
}
