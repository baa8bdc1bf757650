using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Provenance.C2pa.Jumbf;

/// <summary>Parses JUMBF (ISO/IEC 19566-5) from bytes: every length is bounded by its parent, nesting is limited.</summary>
public static class JumbfReader
{
    /// <summary>Deepest nesting accepted (a C2PA store nests four or five levels; ingredients' embedded files a few more).</summary>
    public const int MaxDepth = 16;

    /// <summary>Longest label accepted, in bytes.</summary>
    public const int MaxLabelLength = 1024;

    /// <summary>Reads one superbox that spans all of <paramref name="data"/> (a manifest store).</summary>
    public static JumbfSuperBox ReadSuperBox(ReadOnlyMemory<byte> data)
    {
        int offset = 0;
        JumbfBox box = ReadBox(data, ref offset, data.Length, 0, "");
        if (box is not JumbfSuperBox super) throw new JumbfException("/", 0, $"expected a 'jumb' superbox, found '{box.Type}'");
        if (offset != data.Length) throw new JumbfException("/", offset, $"{data.Length - offset} bytes follow the outermost box");
        return super;
    }

    private static JumbfBox ReadBox(ReadOnlyMemory<byte> data, ref int offset, int end, int depth, string parentPath)
    {
        ReadOnlySpan<byte> span = data.Span;
        int start = offset;
        if (end - start < 8) throw new JumbfException(parentPath + "/?", start, "box header is cut short");
        long length = BinaryPrimitives.ReadUInt32BigEndian(span[start..]);
        string type = FourCc(span.Slice(start + 4, 4));
        int headerLength = 8;
        if (length == 1)
        {
            if (end - start < 16) throw new JumbfException(parentPath + "/" + type, start, "extended box length is cut short");
            ulong extended = BinaryPrimitives.ReadUInt64BigEndian(span[(start + 8)..]);
            if (extended > int.MaxValue) throw new JumbfException(parentPath + "/" + type, start, $"box length {extended} is too large");
            length = (long)extended;
            headerLength = 16;
        }
        else if (length == 0)
        {
            length = end - start;
        }
        if (length < headerLength || length > end - start)
            throw new JumbfException(parentPath + "/" + type, start, $"box length {length} does not fit in its parent ({end - start} bytes left)");

        int payloadStart = start + headerLength;
        int boxEnd = start + (int)length;
        offset = boxEnd;
        ReadOnlyMemory<byte> payload = data[payloadStart..boxEnd];

        if (type != "jumb")
        {
            return new JumbfContentBox(type, payload.ToArray()) { RawPayload = payload };
        }

        if (depth >= MaxDepth) throw new JumbfException(parentPath + "/jumb", start, $"superboxes nest deeper than {MaxDepth} levels");
        return ReadSuperBoxBody(data, payloadStart, boxEnd, depth, parentPath, payload);
    }

    private static JumbfSuperBox ReadSuperBoxBody(ReadOnlyMemory<byte> data, int payloadStart, int boxEnd, int depth, string parentPath, ReadOnlyMemory<byte> payload)
    {
        ReadOnlySpan<byte> span = data.Span;
        int offset = payloadStart;
        string unnamedPath = parentPath + "/jumb";
        if (boxEnd - offset < 8) throw new JumbfException(unnamedPath, offset, "superbox has no description box");
        long descLength = BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);
        if (FourCc(span.Slice(offset + 4, 4)) != "jumd") throw new JumbfException(unnamedPath, offset, "first child is not a 'jumd' description box");
        if (descLength < 8 + 17 || descLength > boxEnd - offset) throw new JumbfException(unnamedPath + "/jumd", offset, $"description box length {descLength} is out of range");
        int descEnd = offset + (int)descLength;
        int p = offset + 8;
        byte[] uuid = span.Slice(p, 16).ToArray();
        p += 16;
        byte toggles = span[p++];
        string? label = null;
        if ((toggles & 0x02) != 0)
        {
            int nul = span[p..descEnd].IndexOf((byte)0);
            if (nul < 0) throw new JumbfException(unnamedPath + "/jumd", p, "label is not NUL-terminated within the description box");
            if (nul > MaxLabelLength) throw new JumbfException(unnamedPath + "/jumd", p, $"label is longer than {MaxLabelLength} bytes");
            label = Encoding.UTF8.GetString(span.Slice(p, nul));
            p += nul + 1;
        }
        string path = parentPath + "/" + (label ?? "jumb");
        uint? id = null;
        if ((toggles & 0x04) != 0)
        {
            if (descEnd - p < 4) throw new JumbfException(path + "/jumd", p, "box ID is cut short");
            id = BinaryPrimitives.ReadUInt32BigEndian(span[p..]);
            p += 4;
        }
        byte[]? signature = null;
        if ((toggles & 0x08) != 0)
        {
            if (descEnd - p < 32) throw new JumbfException(path + "/jumd", p, "description signature is cut short");
            signature = span.Slice(p, 32).ToArray();
            p += 32;
        }
        byte[]? privateBox = null;
        if ((toggles & 0x10) != 0)
        {
            if (descEnd - p < 8) throw new JumbfException(path + "/jumd", p, "private box is cut short");
            long privateLength = BinaryPrimitives.ReadUInt32BigEndian(span[p..]);
            if (privateLength < 8 || privateLength > descEnd - p) throw new JumbfException(path + "/jumd", p, $"private box length {privateLength} is out of range");
            privateBox = span.Slice(p, (int)privateLength).ToArray();
        }

        var super = new JumbfSuperBox(uuid, label)
        {
            Toggles = toggles,
            BoxId = id,
            DescriptionSignature = signature,
            PrivateBox = privateBox,
            RawPayload = payload,
        };
        offset = descEnd;
        while (offset < boxEnd)
        {
            super.Children.Add(ReadBox(data, ref offset, boxEnd, depth + 1, path));
        }
        return super;
    }

    private static string FourCc(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++) chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        return new string(chars);
    }
}
