using System;
using System.Collections.Generic;
using System.Text;

namespace Provenance.C2pa.Jumbf;

/// <summary>A JUMBF box (ISO/IEC 19566-5): a superbox or a content box.</summary>
public abstract class JumbfBox
{
    /// <summary>The four-character box type ("jumb", "cbor", "json", ...).</summary>
    public abstract string Type { get; }

    /// <summary>The bytes after the box header as they were read, or null for a box built in memory.</summary>
    public ReadOnlyMemory<byte>? RawPayload { get; internal set; }
}

/// <summary>A content box: type and payload bytes (`cbor`, `json`, `bfdb`, `bidb`, `uuid`, `c2sh`, ...).</summary>
public sealed class JumbfContentBox : JumbfBox
{
    public JumbfContentBox(string type, byte[] data)
    {
        if (type.Length != 4) throw new ArgumentException("a box type has four characters", nameof(type));
        ContentType = type;
        Data = data;
    }

    private string ContentType { get; }

    public override string Type => ContentType;

    public byte[] Data { get; }
}

/// <summary>A `jumb` superbox: a description box (`jumd`) followed by child boxes.</summary>
public sealed class JumbfSuperBox : JumbfBox
{
    public JumbfSuperBox(byte[] typeUuid, string? label, IEnumerable<JumbfBox>? children = null)
    {
        if (typeUuid.Length != 16) throw new ArgumentException("a JUMBF type UUID has 16 bytes", nameof(typeUuid));
        TypeUuid = typeUuid;
        Label = label;
        if (children != null) Children.AddRange(children);
    }

    public override string Type => "jumb";

    /// <summary>The description box's type UUID (what kind of superbox this is).</summary>
    public byte[] TypeUuid { get; }

    /// <summary>The description box's label, when present.</summary>
    public string? Label { get; }

    /// <summary>Toggles: requestable (0x01) and label present (0x02) by default; ID 0x04, signature 0x08, private box 0x10.</summary>
    public byte Toggles { get; init; } = 0x03;

    public uint? BoxId { get; init; }

    public byte[]? DescriptionSignature { get; init; }

    /// <summary>A private box inside the description box (C2PA salt `c2sh`), whole box bytes.</summary>
    public byte[]? PrivateBox { get; init; }

    public List<JumbfBox> Children { get; } = [];

    public bool IsType(byte[] uuid) => TypeUuid.AsSpan().SequenceEqual(uuid);

    /// <summary>The child superbox with this label, or null.</summary>
    public JumbfSuperBox? Child(string label)
    {
        foreach (JumbfBox child in Children)
            if (child is JumbfSuperBox super && super.Label == label) return super;
        return null;
    }

    /// <summary>The first content box (after the description), or null.</summary>
    public JumbfContentBox? FirstContent()
    {
        foreach (JumbfBox child in Children)
            if (child is JumbfContentBox content) return content;
        return null;
    }

    public override string ToString() => $"jumb[{Label ?? Encoding.ASCII.GetString(TypeUuid, 0, 4)}]";
}

/// <summary>The description-box type UUIDs C2PA uses (C2PA 2.2 §11.1, Table "JUMBF types").</summary>
public static class JumbfTypes
{
    /// <summary>C2PA UUIDs are four ASCII characters followed by 0011-0010-8000-00AA00389B71.</summary>
    public static byte[] C2paUuid(string fourCc)
    {
        byte[] uuid = [0, 0, 0, 0, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        Encoding.ASCII.GetBytes(fourCc, 0, 4, uuid, 0);
        return uuid;
    }

    public static readonly byte[] ManifestStore = C2paUuid("c2pa");
    public static readonly byte[] Manifest = C2paUuid("c2ma");
    public static readonly byte[] UpdateManifest = C2paUuid("c2um");
    public static readonly byte[] Claim = C2paUuid("c2cl");
    public static readonly byte[] ClaimSignature = C2paUuid("c2cs");
    public static readonly byte[] AssertionStore = C2paUuid("c2as");
    public static readonly byte[] CredentialStore = C2paUuid("c2vc");
    public static readonly byte[] DataboxStore = C2paUuid("c2db");
    public static readonly byte[] Cbor = C2paUuid("cbor");
    public static readonly byte[] Json = C2paUuid("json");
    public static readonly byte[] Uuid = C2paUuid("uuid");
    public static readonly byte[] EmbeddedFile = Convert.FromHexString("40CB0C32BB8A489DA70B2AD6F47F4369");
    public static readonly byte[] Codestream = Convert.FromHexString("6579D6FBDBA2446BB2AC1B82FEEB89D1");
}

/// <summary>A JUMBF structure is malformed: names the box path, the offset in the store and the problem.</summary>
public sealed class JumbfException : Exception
{
    public JumbfException(string boxPath, long offset, string problem)
        : base($"JUMBF {boxPath}: {problem} at offset {offset}")
    {
        BoxPath = boxPath;
        Offset = offset;
        Problem = problem;
    }

    public string BoxPath { get; }
    public long Offset { get; }
    public string Problem { get; }
}
