using System;
using System.Collections.Generic;
using System.Formats.Cbor;

namespace Provenance.C2pa;

/// <summary>
/// A decoded CBOR value (claims, assertions and COSE from any tool), read leniently but bounded:
/// nesting is limited and the input is a byte array already bounded by its JUMBF box.
/// </summary>
public sealed class CborNode
{
    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 32;

    private CborNode(CborReaderState kind) => Kind = kind;

    public CborReaderState Kind { get; private init; }
    public string? Text { get; private init; }
    public byte[]? Bytes { get; private init; }
    public long? Integer { get; private init; }
    public bool? Boolean { get; private init; }
    public double? Number { get; private init; }
    public ulong? Tag { get; private init; }
    public IReadOnlyList<CborNode> Items { get; private init; } = [];
    public IReadOnlyList<KeyValuePair<CborNode, CborNode>> Entries { get; private init; } = [];
    /// <summary>The exact encoded bytes of this value (for protected headers, which are signed as encoded).</summary>
    public ReadOnlyMemory<byte> Encoded { get; private set; }

    public bool IsMap => Kind == CborReaderState.StartMap;
    public bool IsArray => Kind == CborReaderState.StartArray;

    /// <summary>Decodes exactly one CBOR item spanning all of <paramref name="data"/>.</summary>
    public static CborNode Decode(ReadOnlyMemory<byte> data)
    {
        var reader = new CborReader(data, CborConformanceMode.Lax, allowMultipleRootLevelValues: false);
        CborNode node = Read(reader, data, 0);
        if (reader.BytesRemaining != 0) throw new CborContentException($"{reader.BytesRemaining} bytes follow the CBOR item");
        return node;
    }

    private static CborNode Read(CborReader reader, ReadOnlyMemory<byte> data, int depth)
    {
        if (depth > MaxDepth) throw new CborContentException($"CBOR nests deeper than {MaxDepth} levels");
        int start = data.Length - reader.BytesRemaining;
        CborReaderState state = reader.PeekState();
        CborNode node;
        switch (state)
        {
            case CborReaderState.Tag:
                ulong tag = (ulong)reader.ReadTag();
                CborNode inner = Read(reader, data, depth + 1);
                node = new CborNode(inner.Kind)
                {
                    Tag = tag, Text = inner.Text, Bytes = inner.Bytes, Integer = inner.Integer, Boolean = inner.Boolean,
                    Number = inner.Number, Items = inner.Items, Entries = inner.Entries,
                };
                break;
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                node = new CborNode(state) { Integer = reader.ReadInt64() };
                break;
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString:
                node = new CborNode(CborReaderState.ByteString) { Bytes = reader.ReadByteString() };
                break;
            case CborReaderState.TextString:
            case CborReaderState.StartIndefiniteLengthTextString:
                node = new CborNode(CborReaderState.TextString) { Text = reader.ReadTextString() };
                break;
            case CborReaderState.StartArray:
                {
                    reader.ReadStartArray();
                    var items = new List<CborNode>();
                    while (reader.PeekState() != CborReaderState.EndArray) items.Add(Read(reader, data, depth + 1));
                    reader.ReadEndArray();
                    node = new CborNode(state) { Items = items };
                    break;
                }
            case CborReaderState.StartMap:
                {
                    reader.ReadStartMap();
                    var entries = new List<KeyValuePair<CborNode, CborNode>>();
                    while (reader.PeekState() != CborReaderState.EndMap)
                    {
                        CborNode key = Read(reader, data, depth + 1);
                        CborNode value = Read(reader, data, depth + 1);
                        entries.Add(new(key, value));
                    }
                    reader.ReadEndMap();
                    node = new CborNode(state) { Entries = entries };
                    break;
                }
            case CborReaderState.Boolean:
                node = new CborNode(state) { Boolean = reader.ReadBoolean() };
                break;
            case CborReaderState.Null:
            case CborReaderState.Undefined:
                reader.SkipValue();
                node = new CborNode(CborReaderState.Null);
                break;
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                node = new CborNode(state) { Number = reader.ReadDouble() };
                break;
            default:
                reader.SkipValue();
                node = new CborNode(state);
                break;
        }
        node.Encoded = data[start..(data.Length - reader.BytesRemaining)];
        return node;
    }

    /// <summary>The value of a text key in a map, or null.</summary>
    public CborNode? this[string key]
    {
        get
        {
            foreach (KeyValuePair<CborNode, CborNode> entry in Entries)
                if (entry.Key.Text == key) return entry.Value;
            return null;
        }
    }

    /// <summary>The value of an integer key in a map (COSE header labels), or null.</summary>
    public CborNode? this[long key]
    {
        get
        {
            foreach (KeyValuePair<CborNode, CborNode> entry in Entries)
                if (entry.Key.Integer == key) return entry.Value;
            return null;
        }
    }

    public string? TextOf(string key) => this[key]?.Text;
}
