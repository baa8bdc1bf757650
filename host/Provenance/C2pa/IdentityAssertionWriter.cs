using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Provenance.C2pa;

/// <summary>
/// A claim signer that can also sign the CAWG identity assertion (CAWG identity 1.1 §8.2, X.509 certificates and COSE
/// signatures) with a credential naming the person behind the claim. <see cref="ManifestSigner"/> asks for the identity
/// signature first (the claim then references the finished assertion), then for the claim signature.
/// </summary>
public interface IIdentityCredentialSigner
{
    /// <summary>The identity credential's certificate chain, leaf first; null when there is none (no assertion is written).</summary>
    X509Certificate2Collection? IdentityChain { get; }

    /// <summary>ES256 over <paramref name="toBeSigned"/> (the Sig_structure of the signer payload) with the identity certificate's key; raw r‖s.</summary>
    Task<byte[]> SignIdentityAsync(byte[] toBeSigned, CancellationToken cancellationToken);
}

/// <summary>
/// Encodes the `cawg.identity` assertion (CAWG identity 1.1 §5) with an X.509 COSE credential (§8.2). Every part has
/// a fixed length once the referenced assertions are known (32-byte hashes, a 64-byte signature, the same
/// certificates), so a placeholder with zero hashes has exactly the size of the final assertion.
/// </summary>
public static class IdentityAssertionWriter
{
    /// <summary>The assertion label (CAWG identity 1.1 §5).</summary>
    public const string Label = "cawg.identity";

    /// <summary>`sig_type` of an X.509 credential with a COSE signature (CAWG identity 1.1 §8.2).</summary>
    public const string X509SigType = "cawg.x509.cose";

    /// <summary>The role of the artist in what she signs (CAWG identity 1.1 §5.1.2 `cawg.creator`).</summary>
    public const string CreatorRole = "cawg.creator";

    /// <summary>
    /// The signer payload (CAWG identity 1.1 §5.1). Keys and fields in the order c2pa-rs serialises its
    /// `SignerPayload` (referenced_assertions, sig_type, role; each hashed URI url then hash), because c2pa-rs
    /// re-encodes the payload it parsed and verifies the signature over that encoding.
    /// </summary>
    public static byte[] SignerPayload(IReadOnlyList<HashedUri> referencedAssertions, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(referencedAssertions);
        ArgumentNullException.ThrowIfNull(roles);
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(roles.Count > 0 ? 3 : 2);
        writer.WriteTextString("referenced_assertions");
        writer.WriteStartArray(referencedAssertions.Count);
        foreach (HashedUri reference in referencedAssertions)
        {
            writer.WriteStartMap(2);
            writer.WriteTextString("url");
            writer.WriteTextString(reference.Url);
            writer.WriteTextString("hash");
            writer.WriteByteString(reference.Hash);
            writer.WriteEndMap();
        }
        writer.WriteEndArray();
        writer.WriteTextString("sig_type");
        writer.WriteTextString(X509SigType);
        if (roles.Count > 0)
        {
            writer.WriteTextString("role");
            writer.WriteStartArray(roles.Count);
            foreach (string role in roles) writer.WriteTextString(role);
            writer.WriteEndArray();
        }
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>
    /// The assertion: {signer_payload, signature, pad1} with the signer payload embedded as it was signed, and the
    /// signature a COSE_Sign1 with a detached payload and the identity chain in its protected header (§8.2.1).
    /// </summary>
    public static byte[] Assertion(byte[] signerPayload, byte[] protectedHeader, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(signerPayload);
        byte[] cose = ClaimSignature.Encode(protectedHeader, signature, null, 0);
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(3);
        writer.WriteTextString("signer_payload");
        writer.WriteEncodedValue(signerPayload);
        writer.WriteTextString("signature");
        writer.WriteByteString(cose);
        // §5: pad1 is required and all zeros; nothing needs padding here because the final assertion has the placeholder's size.
        writer.WriteTextString("pad1");
        writer.WriteByteString([]);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>The COSE Sig_structure the identity credential signs: the signer payload, detached (§8.2.1).</summary>
    public static byte[] ToBeSigned(byte[] protectedHeader, byte[] signerPayload) => ClaimSignature.SigStructure("Signature1", protectedHeader, signerPayload);
}
