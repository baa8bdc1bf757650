using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>Bytes that do not follow the CAWG identity assertion's CBOR schema (CAWG identity 1.1 §5).</summary>
public sealed class IdentityAssertionFormatException(string problem) : FormatException(problem)
{
    public string Problem { get; } = problem;
}

/// <summary>
/// What the credential holder signed (CAWG identity 1.1 §5.1 `signer_payload`): the claim's assertions it binds to,
/// the credential type (`sig_type`) and the holder's roles.
/// </summary>
/// <param name="ReferencedAssertions">Hashed URIs of assertions in the same claim; one must be the hard binding.</param>
/// <param name="SigType">`cawg.x509.cose`, `cawg.identity_claims_aggregation`, or another (unknown) type.</param>
/// <param name="Roles">`role` entries (`cawg.creator`, ...), empty when absent.</param>
/// <param name="Encoded">The payload's CBOR exactly as the assertion carries it: what the X.509 signature covers.</param>
public sealed record SignerPayload(IReadOnlyList<HashedUri> ReferencedAssertions, string SigType, IReadOnlyList<string> Roles, ReadOnlyMemory<byte> Encoded)
{
    /// <summary>At most this many referenced assertions are read (a claim with more is not plausible).</summary>
    public const int MaxReferencedAssertions = 1024;

    internal static SignerPayload From(CborNode node)
    {
        if (!node.IsMap) throw new IdentityAssertionFormatException("signer_payload is not a map");
        CborNode list = node["referenced_assertions"] ?? throw new IdentityAssertionFormatException("signer_payload has no referenced_assertions");
        if (!list.IsArray) throw new IdentityAssertionFormatException("referenced_assertions is not an array");
        if (list.Items.Count > MaxReferencedAssertions) throw new IdentityAssertionFormatException($"more than {MaxReferencedAssertions} referenced assertions");
        var references = new List<HashedUri>(list.Items.Count);
        foreach (CborNode item in list.Items)
        {
            if (!item.IsMap || item.TextOf("url") is not { } url || item["hash"]?.Bytes is not { } hash)
                throw new IdentityAssertionFormatException("a referenced assertion is not a hashed URI {url, hash}");
            CborNode? alg = item["alg"];
            if (alg != null && alg.Text == null && alg.Kind != CborReaderState.Null) throw new IdentityAssertionFormatException("a referenced assertion's alg is not text");
            references.Add(new HashedUri(url, hash, alg?.Text));
        }
        string sigType = node.TextOf("sig_type") ?? throw new IdentityAssertionFormatException("signer_payload has no text sig_type");
        var roles = new List<string>();
        if (node["role"] is { } role)
        {
            if (!role.IsArray) throw new IdentityAssertionFormatException("role is not an array");
            foreach (CborNode item in role.Items) roles.Add(item.Text ?? throw new IdentityAssertionFormatException("a role is not text"));
        }
        return new SignerPayload(references, sigType, roles, node.Encoded);
    }
}

/// <summary>
/// A `cawg.identity` assertion (CAWG identity 1.1 §5): the signer payload, the credential's signature over it, and
/// the padding (`pad1`, optional `pad2`) that lets a holder sign after the claim's size is fixed. Other fields are
/// ignored (§5: unknown fields are not an error).
/// </summary>
public sealed class IdentityAssertion
{
    public required SignerPayload SignerPayload { get; init; }
    public required byte[] Signature { get; init; }
    public required byte[] Pad1 { get; init; }
    public byte[]? Pad2 { get; init; }

    /// <summary>Decodes the assertion's CBOR; throws <see cref="IdentityAssertionFormatException"/> when it does not follow the schema.</summary>
    public static IdentityAssertion Decode(ReadOnlyMemory<byte> cbor)
    {
        CborNode root;
        try
        {
            root = CborNode.Decode(cbor);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException or FormatException)
        {
            throw new IdentityAssertionFormatException("the assertion is not CBOR: " + e.Message);
        }
        if (!root.IsMap) throw new IdentityAssertionFormatException("the assertion is not a CBOR map");
        CborNode payload = root["signer_payload"] ?? throw new IdentityAssertionFormatException("the assertion has no signer_payload");
        byte[] signature = root["signature"]?.Bytes ?? throw new IdentityAssertionFormatException("the assertion has no byte-string signature");
        byte[] pad1 = root["pad1"]?.Bytes ?? throw new IdentityAssertionFormatException("the assertion has no byte-string pad1");
        CborNode? pad2 = root["pad2"];
        if (pad2 != null && pad2.Bytes == null) throw new IdentityAssertionFormatException("pad2 is not a byte string");
        return new IdentityAssertion { SignerPayload = SignerPayload.From(payload), Signature = signature, Pad1 = pad1, Pad2 = pad2?.Bytes };
    }

    /// <summary>CAWG identity 1.1 §5 (`pad1`, `pad2`): padding must be all zero bytes.</summary>
    public bool PaddingIsZero => Array.TrueForAll(Pad1, b => b == 0) && (Pad2 == null || Array.TrueForAll(Pad2, b => b == 0));
}
