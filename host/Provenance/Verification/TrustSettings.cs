using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Provenance.Verification;

/// <summary>What a verifier trusts: root certificates (artists' roots, optionally the C2PA trust list) and CRLs.</summary>
public sealed class TrustSettings
{
    public static TrustSettings None { get; } = new();

    /// <summary>Trust anchors: a signer chaining to one of these is `trusted`.</summary>
    public IReadOnlyList<X509Certificate2> Anchors { get; init; } = [];

    /// <summary>DER-encoded X.509 CRLs issued by anchors; a listed leaf is `signingCredential.revoked`.</summary>
    public IReadOnlyList<byte[]> Crls { get; init; } = [];

    /// <summary>The names the trust store gives its roots, by SHA-256 fingerprint (lowercase hex).</summary>
    public IReadOnlyDictionary<string, string> AnchorNames { get; init; } = new Dictionary<string, string>();
}
