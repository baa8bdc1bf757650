using System;
using System.Security.Cryptography;
using System.Text.Json;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>Why an issuer's DID gave no usable key, with the status code that says so (CAWG identity 1.1 §8.1).</summary>
public sealed class DidResolutionException(string code, string problem) : Exception(problem)
{
    /// <summary>`cawg.ica.invalid_issuer`, `cawg.ica.did_unavailable` or `cawg.ica.invalid_did_document`.</summary>
    public string Code { get; } = code;
}

/// <summary>The key of an identity claims aggregator, from its DID: an Ed25519 or a P-256 public key.</summary>
public sealed class IssuerKey
{
    private IssuerKey(long coseAlgorithm, byte[]? ed25519, ECPoint? p256)
    {
        CoseAlgorithm = coseAlgorithm;
        this.ed25519 = ed25519;
        this.p256 = p256;
    }

    private readonly byte[]? ed25519;
    private readonly ECPoint? p256;

    /// <summary>The COSE algorithm this key signs with: EdDSA (-8) for Ed25519, ES256 (-7) for P-256.</summary>
    public long CoseAlgorithm { get; }

    /// <summary>Longest DID read (a did:jwk with a P-256 key is about 200 characters).</summary>
    public const int MaxDidLength = 2048;

    /// <summary>
    /// Resolves the issuer's DID offline: `did:jwk` (the key is in the DID) and `did:key` (Ed25519 `0xed01`,
    /// P-256 `0x1200` multicodec keys, base58btc multibase). `did:web` needs the network, which verification never
    /// uses: reported `cawg.ica.did_unavailable`, as c2pa-rs does offline. Other methods are `cawg.ica.invalid_issuer`.
    /// </summary>
    public static IssuerKey Resolve(string did)
    {
        if (did.Length > MaxDidLength) throw new DidResolutionException(CawgCodes.IcaInvalidIssuer, "the issuer DID is implausibly long");
        // W3C DID 1.0 §3.1: did:METHOD:METHOD-SPECIFIC-ID, the method in lowercase letters and digits.
        string[] parts = did.Split(':', 3);
        if (parts.Length < 3 || parts[0] != "did" || parts[1].Length == 0 || parts[2].Length == 0 || !IsMethodName(parts[1]))
            throw new DidResolutionException(CawgCodes.IcaInvalidIssuer, $"the issuer '{Shorten(did)}' is not a DID");
        string id = parts[2];
        int fragment = id.IndexOfAny(['#', '?']);
        if (fragment >= 0) id = id[..fragment];
        return parts[1] switch
        {
            "jwk" => FromJwk(id),
            "key" => FromMultibase(id),
            "web" => throw new DidResolutionException(CawgCodes.IcaDidUnavailable, $"the issuer {Shorten(did)} is a did:web, whose DID document is on the web; verification does not fetch it"),
            _ => throw new DidResolutionException(CawgCodes.IcaInvalidIssuer, $"the issuer's DID method '{parts[1]}' is not supported (did:jwk, did:key)"),
        };
    }

    private static bool IsMethodName(string method)
    {
        foreach (char c in method) if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9')) return false;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    /// <summary>did:jwk 1.0: the method-specific id is the base64url of a JWK (RFC 7517).</summary>
    private static IssuerKey FromJwk(string id)
    {
        byte[] json;
        try
        {
            json = Base64Url(id);
        }
        catch (FormatException)
        {
            throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:jwk is not base64url");
        }
        try
        {
            using JsonDocument jwk = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            JsonElement root = jwk.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:jwk's JWK is not an object");
            string? kty = Text(root, "kty"), crv = Text(root, "crv");
            if (kty == "OKP" && crv == "Ed25519" && Text(root, "x") is { } x)
            {
                byte[] key = Base64Url(x);
                if (key.Length != 32) throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the Ed25519 key is not 32 bytes");
                return new IssuerKey(CoseAlgorithms.EdDSA, key, null);
            }
            if (kty == "EC" && crv == "P-256" && Text(root, "x") is { } ex && Text(root, "y") is { } ey)
            {
                var point = new ECPoint { X = Base64Url(ex), Y = Base64Url(ey) };
                if (point.X.Length != 32 || point.Y.Length != 32) throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the P-256 key coordinates are not 32 bytes");
                return new IssuerKey(CoseAlgorithms.ES256, null, point);
            }
            throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, $"the did:jwk key type {kty}/{crv} is not supported (OKP Ed25519, EC P-256)");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:jwk's JWK cannot be read: " + e.Message);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>did:key 0.7: `z` (multibase base58btc) then an unsigned-varint multicodec and the raw public key.</summary>
    private static IssuerKey FromMultibase(string id)
    {
        if (!id.StartsWith('z')) throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:key is not base58btc multibase ('z')");
        byte[] bytes;
        try
        {
            bytes = Base58.Decode(id[1..]);
        }
        catch (FormatException e)
        {
            throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:key cannot be decoded: " + e.Message);
        }
        // Multicodec table: ed25519-pub 0xed (varint ed 01), p256-pub 0x1200 (varint 80 24).
        if (bytes.Length == 34 && bytes[0] == 0xED && bytes[1] == 0x01)
            return new IssuerKey(CoseAlgorithms.EdDSA, bytes[2..], null);
        if (bytes.Length == 35 && bytes[0] == 0x80 && bytes[1] == 0x24)
        {
            try
            {
                X9ECParameters curve = CustomNamedCurves.GetByName("P-256");
                Org.BouncyCastle.Math.EC.ECPoint point = curve.Curve.DecodePoint(bytes[2..]).Normalize();
                return new IssuerKey(CoseAlgorithms.ES256, null, new ECPoint
                {
                    X = point.AffineXCoord.GetEncoded(),
                    Y = point.AffineYCoord.GetEncoded(),
                });
            }
            catch (ArgumentException e)
            {
                throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:key's P-256 point is not on the curve: " + e.Message);
            }
        }
        throw new DidResolutionException(CawgCodes.IcaInvalidDidDocument, "the did:key is neither an Ed25519 nor a P-256 key");
    }

    private static byte[] Base64Url(string text)
    {
        string b64 = text.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("base64url length") };
        return Convert.FromBase64String(b64);
    }

    /// <summary>Verifies a COSE signature (raw Ed25519, or P-256 r‖s) over <paramref name="toBeSigned"/>.</summary>
    public bool Verify(byte[] toBeSigned, byte[] signature)
    {
        if (ed25519 != null)
        {
            if (signature.Length != 64) return false;
            var verifier = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
            verifier.Init(false, new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(ed25519));
            verifier.BlockUpdate(toBeSigned, 0, toBeSigned.Length);
            return verifier.VerifySignature(signature);
        }
        try
        {
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = p256!.Value });
            return key.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The key in words, for reports.</summary>
    public string Describe() => ed25519 != null ? "Ed25519" : "P-256";
}
