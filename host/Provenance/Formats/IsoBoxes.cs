using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Provenance.Formats;

/// <summary>A box of an ISO base media file (ISO/IEC 14496-12 §4.2) or a JPEG XL container (ISO/IEC 18181-2 §9.1).</summary>
/// <param name="Offset">Where the box header starts.</param>
/// <param name="HeaderSize">8, or 16 with a 64-bit `largesize` (a `uuid` box's 16-byte user type is not counted).</param>
/// <param name="Size">The whole box, header included.</param>
internal readonly record struct IsoBox(long Offset, string Type, int HeaderSize, long Size)
{
    public long DataOffset => Offset + HeaderSize;
    public long DataSize => Size - HeaderSize;
    public long End => Offset + Size;
}

/// <summary>Lists the top-level boxes of a box-structured file, checking every size against the file.</summary>
internal static class IsoBoxes
{
    /// <summary>Top-level boxes a file may have before we call it malformed (real files have tens).</summary>
    public const int MaxTopLevelBoxes = 100_000;

    public static List<IsoBox> TopLevel(Stream asset, string format, long start = 0)
    {
        long fileLength = asset.Length;
        var boxes = new List<IsoBox>();
        Span<byte> header = stackalloc byte[16];
        long offset = start;
        while (offset < fileLength)
        {
            if (fileLength - offset < 8)
                throw new AssetFormatException(format, offset, $"{fileLength - offset} bytes after the last box are too few for a box header");
            AssetIo.ReadAt(asset, offset, header[..8], format, "box header");
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            string type = FourCc(header[4..8], format, offset);
            int headerSize = 8;
            if (size == 1)
            {
                AssetIo.ReadAt(asset, offset + 8, header[8..16], format, $"'{type}' box 64-bit size");
                ulong large = BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
                if (large > (ulong)long.MaxValue) throw new AssetFormatException(format, offset, $"'{type}' box 64-bit size {large} is out of range");
                size = (long)large;
                headerSize = 16;
            }
            else if (size == 0)
            {
                // ISO/IEC 14496-12 §4.2: size 0 means the box runs to the end of the file.
                size = fileLength - offset;
            }
            if (size < headerSize)
                throw new AssetFormatException(format, offset, $"'{type}' box size {size} is smaller than its {headerSize}-byte header");
            if (size > fileLength - offset)
                throw new AssetFormatException(format, offset, $"'{type}' box size {size} runs past the end of the file ({fileLength} bytes)");
            if (boxes.Count == MaxTopLevelBoxes)
                throw new AssetFormatException(format, offset, $"more than {MaxTopLevelBoxes} top-level boxes");
            boxes.Add(new IsoBox(offset, type, headerSize, size));
            offset += size;
        }
        return boxes;
    }

    private static string FourCc(ReadOnlySpan<byte> bytes, string format, long offset)
    {
        foreach (byte b in bytes)
        {
            if (b < 0x20 || b > 0x7E)
                throw new AssetFormatException(format, offset + 4, $"box type {Convert.ToHexString(bytes)} is not printable ASCII");
        }
        return Encoding.ASCII.GetString(bytes);
    }
}
