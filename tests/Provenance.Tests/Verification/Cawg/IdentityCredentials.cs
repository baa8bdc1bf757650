using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Provenance.C2pa;
using Provenance.Verification;
using Provenance.Verification.Cawg;

namespace Provenance.Tests.Verification.Cawg;

/// <summary>Builds CAWG identity assertions for tests: signer payloads, aggregators with did:key / did:jwk issuers, X.509 holders.</summary>
internal static class IdentityCredentials
{
    public const string ManifestLabel = "urn:c2pa:test-manifest";
    public static readonly byte[] DataHashHash = SHA256.HashData("the data hash assertion"u8);
    public static readonly HashedUri DataHashReference = new("self#jumbf=c2pa.assertions/c2pa.hash.data", DataHashHash);

    /// <summary>A claim that references the hard binding (and, when given, more).</summary>
    public static Claim ClaimWith(params HashedUri[] more)
    {
        var list = new List<HashedUri> { DataHashReference };
        list.AddRange(more);
        return new Claim { InstanceId = "xmp:iid:test", SignatureUri = "self#jumbf=c2pa.signature", Assertions = list };
    }

    public static byte[] SignerPayload(IReadOnlyList<HashedUri> references, string sigType, params string[] roles)
    {
        var writer = new CborWriter();
        WriteSignerPayload(writer, references, sigType, roles);
        return writer.Encode();
    }

    private static void WriteSignerPayload(CborWriter writer, IReadOnlyList<HashedUri> references, string sigType, string[] roles)
    {
        writer.WriteStartMap(roles.Length > 0 ? 3 : 2);
        writer.WriteTextString("referenced_assertions");
        writer.WriteStartArray(references.Count);
        foreach (HashedUri reference in references) reference.WriteTo(writer);
        writer.WriteEndArray();
        writer.WriteTextString("sig_type");
        writer.WriteTextString(sigType);
        if (roles.Length > 0)
        {
            writer.WriteTextString("role");
            writer.WriteStartArray(roles.Length);
            foreach (string role in roles) writer.WriteTextString(role);
            writer.WriteEndArray();
        }
        writer.WriteEndMap();
    }

    /// <summary>The identity assertion's CBOR: {signer_payload, signature, pad1, pad2?}.</summary>
    public static byte[] Assertion(byte[] signerPayload, byte[] signature, byte[]? pad1 = null, byte[]? pad2 = null)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(pad2 == null ? 3 : 4);
        writer.WriteTextString("signer_payload");
        writer.WriteEncodedValue(signerPayload);
        writer.WriteTextString("signature");
        writer.WriteByteString(signature);
        writer.WriteTextString("pad1");
        writer.WriteByteString(pad1 ?? new byte[16]);
        if (pad2 != null)
        {
            writer.WriteTextString("pad2");
            writer.WriteByteString(pad2);
        }
        writer.WriteEndMap();
        return writer.Encode();
    }

    public static VerifiedAssertion Verified(byte[] cbor, string label = "cawg.identity") =>
        new(label, "self#jumbf=c2pa.assertions/" + label, "cbor", cbor);

    /// <summary>A W3C VC 2.0 identity claims aggregation credential for <paramref name="references"/>.</summary>
    public static byte[] Credential(string issuer, IReadOnlyList<HashedUri> references, string? validFrom = "2025-01-01T00:00:00Z", string? validUntil = null)
    {
        var vc = new Dictionary<string, object?>
        {
            ["@context"] = new[] { "https://www.w3.org/ns/credentials/v2", "https://cawg.io/identity/1.1/ica/context/" },
            ["type"] = new[] { "VerifiableCredential", "IdentityClaimsAggregationCredential" },
            ["issuer"] = issuer,
            ["credentialSubject"] = new Dictionary<string, object>
            {
                ["verifiedIdentities"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["type"] = "cawg.social_media", ["name"] = "Ada Artist", ["username"] = "ada.draws",
                        ["uri"] = "https://www.instagram.com/ada.draws", ["verifiedAt"] = "2025-06-01T10:00:00Z",
                        ["provider"] = new Dictionary<string, string> { ["id"] = "https://instagram.com", ["name"] = "Instagram" },
                    },
                },
                ["c2paAsset"] = new Dictionary<string, object>
                {
                    ["referenced_assertions"] = references.ConvertAllToJson(),
                    ["sig_type"] = CawgCodes.IcaSigType,
                },
            },
        };
        if (validFrom != null) vc["validFrom"] = validFrom;
        if (validUntil != null) vc["validUntil"] = validUntil;
        return JsonSerializer.SerializeToUtf8Bytes(vc);
    }

    private static List<Dictionary<string, string>> ConvertAllToJson(this IReadOnlyList<HashedUri> references)
    {
        var list = new List<Dictionary<string, string>>();
        foreach (HashedUri reference in references) list.Add(new() { ["url"] = reference.Url, ["hash"] = Convert.ToBase64String(reference.Hash) });
        return list;
    }

    /// <summary>COSE_Sign1_Tagged with the credential as payload, signed by <paramref name="sign"/>.</summary>
    public static byte[] CoseSign1(long alg, byte[] payload, Func<byte[], byte[]> sign, string? contentType = "application/vc")
    {
        var header = new CborWriter();
        header.WriteStartMap(contentType == null ? 1 : 2);
        header.WriteInt32(1);
        header.WriteInt64(alg);
        if (contentType != null)
        {
            header.WriteInt32(3);
            header.WriteTextString(contentType);
        }
        header.WriteEndMap();
        byte[] protectedHeader = header.Encode();
        byte[] signature = sign(ClaimSignature.SigStructure("Signature1", protectedHeader, payload));
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(payload);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>An aggregator with an Ed25519 key.</summary>
    public sealed class Ed25519Aggregator
    {
        private readonly Ed25519PrivateKeyParameters key = new(new SecureRandom());

        public byte[] PublicKey => key.GeneratePublicKey().GetEncoded();

        /// <summary>did:key: multibase base58btc of the ed25519-pub multicodec (0xed 0x01) and the key.</summary>
        public string DidKey => "did:key:z" + Base58Encode([0xED, 0x01, .. PublicKey]);

        public string DidJwk => "did:jwk:" + Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = Base64Url(PublicKey) }));

        public byte[] Sign(byte[] data)
        {
            var signer = new Ed25519Signer();
            signer.Init(true, key);
            signer.BlockUpdate(data, 0, data.Length);
            return signer.GenerateSignature();
        }
    }

    /// <summary>An aggregator with a P-256 key.</summary>
    public sealed class P256Aggregator : IDisposable
    {
        private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        /// <summary>did:key: multibase base58btc of the p256-pub multicodec (0x1200, varint 0x80 0x24) and the compressed point.</summary>
        public string DidKey
        {
            get
            {
                ECParameters p = key.ExportParameters(false);
                byte[] compressed = [(byte)(2 + (p.Q.Y![^1] & 1)), .. p.Q.X!];
                return "did:key:z" + Base58Encode([0x80, 0x24, .. compressed]);
            }
        }

        public string DidJwk
        {
            get
            {
                ECParameters p = key.ExportParameters(false);
                return "did:jwk:" + Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url(p.Q.X!), ["y"] = Base64Url(p.Q.Y!) }));
            }
        }

        public byte[] Sign(byte[] data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        public void Dispose() => key.Dispose();
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Base58Encode(byte[] bytes)
    {
        const string alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var text = new StringBuilder();
        while (value > 0)
        {
            text.Insert(0, alphabet[(int)(value % 58)]);
            value /= 58;
        }
        foreach (byte b in bytes)
        {
            if (b != 0) break;
            text.Insert(0, '1');
        }
        return text.ToString();
    }
}
