using System.Formats.Cbor;

namespace Provenance.C2pa;

/// <summary>A C2PA hashed URI (C2PA 2.2 §8.3): a JUMBF URI and the hash of what it points to.</summary>
public sealed record HashedUri(string Url, byte[] Hash, string? Alg = null)
{
    public void WriteTo(CborWriter writer)
    {
        writer.WriteStartMap(Alg == null ? 2 : 3);
        writer.WriteTextString("url");
        writer.WriteTextString(Url);
        if (Alg != null)
        {
            writer.WriteTextString("alg");
            writer.WriteTextString(Alg);
        }
        writer.WriteTextString("hash");
        writer.WriteByteString(Hash);
        writer.WriteEndMap();
    }

    public static HashedUri? From(CborNode? node)
    {
        if (node is null || !node.IsMap) return null;
        string? url = node.TextOf("url");
        byte[]? hash = node["hash"]?.Bytes;
        return url == null || hash == null ? null : new HashedUri(url, hash, node.TextOf("alg"));
    }
}
