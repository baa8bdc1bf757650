using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Provenance.C2pa.Jumbf;

/// <summary>Serialises JUMBF boxes (ISO/IEC 19566-5) with 32-bit lengths.</summary>
public static class JumbfWriter
{
    /// <summary>The whole box: header and payload.</summary>
    public static byte[] Write(JumbfBox box)
    {
        using var stream = new MemoryStream();
        Write(stream, box);
        return stream.ToArray();
    }

    /// <summary>The box without its 8-byte header: what a hashed URI to a superbox covers (C2PA 2.2 §8.4.2.3).</summary>
    public static byte[] WritePayload(JumbfBox box) => Write(box)[8..];

    public static void Write(Stream stream, JumbfBox box)
    {
        if (box.RawPayload is { } raw)
        {
            // A box read from an asset is copied byte for byte: hashed URIs to it must keep matching.
            WriteHeader(stream, box.Type, raw.Length);
            stream.Write(raw.Span);
            return;
        }
        switch (box)
        {
            case JumbfContentBox content:
                WriteHeader(stream, content.Type, content.Data.Length);
                stream.Write(content.Data);
                break;
            case JumbfSuperBox super:
                byte[] description = Description(super);
                using (var body = new MemoryStream())
                {
                    body.Write(description);
                    foreach (JumbfBox child in super.Children) Write(body, child);
                    WriteHeader(stream, "jumb", checked((int)body.Length));
                    body.Position = 0;
                    body.CopyTo(stream);
                }
                break;
            default:
                throw new ArgumentException($"unknown box kind {box.GetType().Name}", nameof(box));
        }
    }

    private static byte[] Description(JumbfSuperBox super)
    {
        using var body = new MemoryStream();
        body.Write(super.TypeUuid);
        byte toggles = super.Toggles;
        if (super.Label != null) toggles |= 0x02;
        body.WriteByte(toggles);
        if (super.Label != null)
        {
            body.Write(Encoding.UTF8.GetBytes(super.Label));
            body.WriteByte(0);
        }
        if ((toggles & 0x04) != 0)
        {
            Span<byte> id = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(id, super.BoxId ?? 0);
            body.Write(id);
        }
        if ((toggles & 0x08) != 0) body.Write(super.DescriptionSignature ?? new byte[32]);
        if ((toggles & 0x10) != 0 && super.PrivateBox != null) body.Write(super.PrivateBox);
        using var box = new MemoryStream();
        WriteHeader(box, "jumd", checked((int)body.Length));
        body.Position = 0;
        body.CopyTo(box);
        return box.ToArray();
    }

    private static void WriteHeader(Stream stream, string type, int payloadLength)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)(payloadLength + 8)));
        Encoding.ASCII.GetBytes(type, header[4..]);
        stream.Write(header);
    }
}
