using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Tests.Formats;

/// <summary>Writes small uncompressed greyscale strip TIFFs (classic or BigTIFF, either byte order, one or more pages).</summary>
internal sealed class TiffBuilder
{
    private readonly bool _little;
    private readonly bool _big;
    private readonly MemoryStream _out = new();

    private TiffBuilder(bool little, bool big)
    {
        _little = little;
        _big = big;
    }

    public static byte[] Build(bool little, bool big, int width, int height, int pages = 1)
    {
        var b = new TiffBuilder(little, big);
        return b.Write(width, height, pages);
    }

    private int FieldSize => _big ? 8 : 4;

    private byte[] Write(int width, int height, int pages)
    {
        _out.Write(_little ? "II"u8 : "MM"u8);
        if (_big)
        {
            WriteUInt(43, 2);
            WriteUInt(8, 2);
            WriteUInt(0, 2);
        }
        else
        {
            WriteUInt(42, 2);
        }
        long linkField = _out.Position;
        WriteUInt(0, FieldSize);

        for (int page = 0; page < pages; page++)
        {
            long pixels = _out.Position;
            for (int i = 0; i < width * height; i++) _out.WriteByte((byte)(i * 7 + page * 50));
            Align();
            long resolution = _out.Position;
            WriteUInt((ulong)(72 + page), 4);
            WriteUInt(1, 4);

            var entries = new List<(ushort Tag, ushort Type, ulong Count, ulong Value)>
            {
                (256, 3, 1, (ulong)width),
                (257, 3, 1, (ulong)height),
                (258, 3, 1, 8),
                (259, 3, 1, 1),
                (262, 3, 1, 1),
                (273, (ushort)(_big ? 16 : 4), 1, (ulong)pixels),
                (277, 3, 1, 1),
                (278, 3, 1, (ulong)height),
                (279, 4, 1, (ulong)(width * height)),
                (282, 5, 1, (ulong)resolution),
                (283, 5, 1, (ulong)resolution),
                (296, 3, 1, 2),
            };
            Align();
            long ifd = _out.Position;
            Patch(linkField, (ulong)ifd);
            WriteUInt((ulong)entries.Count, _big ? 8 : 2);
            foreach (var (tag, type, count, value) in entries)
            {
                WriteUInt(tag, 2);
                WriteUInt(type, 2);
                WriteUInt(count, FieldSize);
                int valueSize = type switch { 3 => 2, 4 => 4, 16 => 8, _ => FieldSize };
                WriteUInt(value, valueSize);
                for (int pad = valueSize; pad < FieldSize; pad++) _out.WriteByte(0);
            }
            linkField = _out.Position;
            WriteUInt(0, FieldSize);
        }
        return _out.ToArray();
    }

    private void Align()
    {
        while (_out.Position % 4 != 0) _out.WriteByte(0);
    }

    private void Patch(long at, ulong value)
    {
        long keep = _out.Position;
        _out.Position = at;
        WriteUInt(value, FieldSize);
        _out.Position = keep;
    }

    private void WriteUInt(ulong value, int size)
    {
        Span<byte> b = stackalloc byte[8];
        switch (size)
        {
            case 2: if (_little) BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value); else BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)value); break;
            case 4: if (_little) BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value); else BinaryPrimitives.WriteUInt32BigEndian(b, (uint)value); break;
            default: if (_little) BinaryPrimitives.WriteUInt64LittleEndian(b, value); else BinaryPrimitives.WriteUInt64BigEndian(b, value); break;
        }
        _out.Write(b[..size]);
    }
}
