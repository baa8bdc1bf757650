using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.C2pa;

/// <summary>
/// The token serial and counter a claim states in its `claim_generator_info` extension field
/// (firmware/PROTOCOL.md, "Counter binding"). Read from a claim only when the field stands in it exactly as a
/// protocol 2 token checks before signing, so a claim the token signed states the token's own counter.
/// </summary>
public sealed record ClaimTokenBinding(string Serial, long Counter);

/// <summary>Encodes a `c2pa.claim.v2` (C2PA 2.2 §10.3.1) and reads v1 and v2 claims for validation.</summary>
public sealed class Claim
{
    public const string LabelV2 = "c2pa.claim.v2";
    public const string LabelV1 = "c2pa.claim";

    public required string InstanceId { get; init; }
    public required string SignatureUri { get; init; }
    public required IReadOnlyList<HashedUri> Assertions { get; init; }
    public string Alg { get; init; } = "sha256";
    public string? Title { get; init; }
    public string? GeneratorName { get; init; }
    public string? GeneratorVersion { get; init; }
    public int Version { get; init; } = 2;
    public string? Format { get; init; }
    /// <summary>The token serial and counter in `claim_generator_info` (written, and read back when bound as the token checks it).</summary>
    public ClaimTokenBinding? TokenBinding { get; init; }

    /// <summary>The claim as CBOR: the bytes the COSE signature covers.</summary>
    public byte[] Encode()
    {
        if (Version != 2) throw new NotSupportedException("only v2 claims are written");
        var writer = new CborWriter();
        writer.WriteStartMap(Title == null ? 5 : 6);
        writer.WriteTextString("instanceID");
        writer.WriteTextString(InstanceId);
        writer.WriteTextString("claim_generator_info");
        writer.WriteStartMap(TokenBinding == null ? 2 : 3);
        writer.WriteTextString("name");
        writer.WriteTextString(GeneratorName ?? SigningRequest.GeneratorName);
        writer.WriteTextString("version");
        writer.WriteTextString(GeneratorVersion ?? SigningRequest.GeneratorVersion);
        if (TokenBinding != null)
        {
            // CborWriter writes the shortest heads, so these bytes are exactly CounterBinding.Encode's.
            writer.WriteTextString(CounterBinding.FieldName);
            writer.WriteStartMap(2);
            writer.WriteTextString("serial");
            writer.WriteTextString(TokenBinding.Serial);
            writer.WriteTextString("counter");
            writer.WriteInt64(TokenBinding.Counter);
            writer.WriteEndMap();
        }
        writer.WriteEndMap();
        writer.WriteTextString("signature");
        writer.WriteTextString(SignatureUri);
        writer.WriteTextString("created_assertions");
        writer.WriteStartArray(Assertions.Count);
        foreach (HashedUri uri in Assertions) uri.WriteTo(writer);
        writer.WriteEndArray();
        if (Title != null)
        {
            writer.WriteTextString("dc:title");
            writer.WriteTextString(Title);
        }
        writer.WriteTextString("alg");
        writer.WriteTextString(Alg);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>Reads a v1 (`assertions`) or v2 (`created_assertions` + `gathered_assertions`) claim.</summary>
    public static Claim Decode(byte[] cbor, string boxLabel)
    {
        CborNode root = CborNode.Decode(cbor);
        if (!root.IsMap) throw new FormatException("claim is not a CBOR map");
        RejectDuplicateKeys(root, "claim");
        bool v2 = boxLabel == LabelV2 || root["created_assertions"] != null;
        var assertions = new List<HashedUri>();
        foreach (string field in v2 ? new[] { "created_assertions", "gathered_assertions" } : new[] { "assertions" })
        {
            CborNode? list = root[field];
            if (list == null) continue;
            if (!list.IsArray) throw new FormatException($"claim field '{field}' is not an array");
            foreach (CborNode item in list.Items)
                assertions.Add(HashedUri.From(item) ?? throw new FormatException($"claim field '{field}' holds an entry that is not a hashed URI"));
        }
        if (v2 && root["created_assertions"] == null) throw new FormatException("v2 claim has no created_assertions");
        if (!v2 && root["assertions"] == null) throw new FormatException("claim has no assertions");
        CborNode? generator = root["claim_generator_info"];
        if (generator != null && generator.IsArray && generator.Items.Count > 0) generator = generator.Items[0];
        return new Claim
        {
            Version = v2 ? 2 : 1,
            InstanceId = root.TextOf("instanceID") ?? throw new FormatException("claim has no instanceID"),
            SignatureUri = root.TextOf("signature") ?? throw new FormatException("claim has no signature reference"),
            Assertions = assertions,
            Alg = root.TextOf("alg") ?? "sha256",
            Title = root.TextOf("dc:title"),
            Format = root.TextOf("dc:format"),
            GeneratorName = generator?.TextOf("name") ?? root.TextOf("claim_generator"),
            GeneratorVersion = generator?.TextOf("version"),
            TokenBinding = BindingOf(generator, cbor),
        };
    }

    /// <summary>
    /// A map with the same key twice is not valid CBOR (RFC 8949 §5.6), and readers disagree on which value counts:
    /// one could read a `claim_generator_info` or token field other than the one the token checked. Every map of the
    /// claim is checked (the decoder already bounds the depth); a duplicate makes the claim malformed.
    /// </summary>
    private static void RejectDuplicateKeys(CborNode node, string where)
    {
        if (node.IsMap)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (KeyValuePair<CborNode, CborNode> entry in node.Entries)
            {
                string key = Convert.ToHexString(entry.Key.Encoded.Span);
                if (!seen.Add(key)) throw new FormatException($"{where} has the map key {entry.Key.Text ?? entry.Key.Integer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? key} twice (RFC 8949 §5.6: not valid CBOR)");
                RejectDuplicateKeys(entry.Value, entry.Key.Text is { } name ? where + "." + name : where);
            }
        }
        else
        {
            foreach (CborNode item in node.Items) RejectDuplicateKeys(item, where + "[]");
        }
    }

    /// <summary>
    /// The token field of `claim_generator_info`, when its name occurs exactly once in the claim bytes and the field
    /// stands there in the shortest encoding, as a protocol 2 token checks it; null otherwise (absent, or written
    /// in a way no token would have accepted, so it is the host's word at best).
    /// </summary>
    private static ClaimTokenBinding? BindingOf(CborNode? generator, byte[] cbor)
    {
        CborNode? field = generator is { IsMap: true } ? generator[CounterBinding.FieldName] : null;
        if (field is not { IsMap: true } || field.Entries.Count != 2) return null;
        string? serial = field.TextOf("serial");
        long? counter = field["counter"]?.Integer;
        if (serial == null || counter is not >= 0) return null;
        if (CounterBinding.CountOccurrences(cbor, 0, CounterBinding.FieldNameBytes()) != 1) return null;
        if (CounterBinding.CountOccurrences(cbor, 0, CounterBinding.Encode(serial, counter.Value)) != 1) return null;
        return new ClaimTokenBinding(serial, counter.Value);
    }
}
