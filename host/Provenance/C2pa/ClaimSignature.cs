using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Security.Cryptography.X509Certificates;

namespace Provenance.C2pa;

/// <summary>COSE algorithm identifiers C2PA allows (C2PA 2.2 §13.2, RFC 9053).</summary>
public static class CoseAlgorithms
{
    public const int ES256 = -7;
    public const int ES384 = -35;
    public const int ES512 = -36;
    public const int PS256 = -37;
    public const int PS384 = -38;
    public const int PS512 = -39;
    public const int EdDSA = -8;

    public static string Name(long alg) => alg switch
    {
        ES256 => "ES256",
        ES384 => "ES384",
        ES512 => "ES512",
        PS256 => "PS256",
        PS384 => "PS384",
        PS512 => "PS512",
        EdDSA => "Ed25519",
        _ => $"COSE alg {alg}",
    };
}

/// <summary>
/// The claim signature: a COSE_Sign1_Tagged with a detached payload (the claim's CBOR),
/// x5chain in the protected header and `sigTst2` / `pad` in the unprotected header (C2PA 2.2 §13.2).
/// </summary>
public static class ClaimSignature
{
    /// <summary>COSE header label of x5chain (RFC 9360).</summary>
    public const int X5ChainLabel = 33;

    /// <summary>The protected header {alg, x5chain} as encoded bytes.</summary>
    public static byte[] ProtectedHeader(int alg, X509Certificate2Collection chain)
    {
        if (chain.Count == 0) throw new ArgumentException("the signer has no certificate chain", nameof(chain));
        var writer = new CborWriter();
        writer.WriteStartMap(2);
        writer.WriteInt32(1);
        writer.WriteInt32(alg);
        writer.WriteInt32(X5ChainLabel);
        if (chain.Count == 1)
        {
            writer.WriteByteString(chain[0].RawData);
        }
        else
        {
            writer.WriteStartArray(chain.Count);
            foreach (X509Certificate2 certificate in chain) writer.WriteByteString(certificate.RawData);
            writer.WriteEndArray();
        }
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>Sig_structure (RFC 9052 §4.4) for a signature ("Signature1") or a time stamp countersignature ("CounterSignature").</summary>
    public static byte[] SigStructure(string context, ReadOnlySpan<byte> protectedHeader, ReadOnlySpan<byte> payload)
    {
        var writer = new CborWriter();
        writer.WriteStartArray(4);
        writer.WriteTextString(context);
        writer.WriteByteString(protectedHeader);
        writer.WriteByteString(ReadOnlySpan<byte>.Empty);
        writer.WriteByteString(payload);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>
    /// The data an RFC 3161 time stamp covers. v2 (`sigTst2`, C2PA 2.2 §10.3.2.5): a countersignature over the
    /// CBOR byte string of the signature. v1 (`sigTst`): over the claim bytes.
    /// </summary>
    public static byte[] TimeStampedData(ReadOnlySpan<byte> protectedHeader, ReadOnlySpan<byte> signatureOrClaim, bool v2)
    {
        byte[] data;
        if (v2)
        {
            var writer = new CborWriter();
            writer.WriteByteString(signatureOrClaim);
            data = writer.Encode();
        }
        else
        {
            data = signatureOrClaim.ToArray();
        }
        return SigStructure("CounterSignature", protectedHeader, data);
    }

    /// <summary>Encodes COSE_Sign1_Tagged with a nil payload and unprotected {sigTst2?, pad, pad2?}.</summary>
    public static byte[] Encode(byte[] protectedHeader, byte[] signature, byte[]? timeStampToken, int padLength, int? pad2Length = null)
    {
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap((timeStampToken != null ? 1 : 0) + 1 + (pad2Length != null ? 1 : 0));
        if (timeStampToken != null)
        {
            writer.WriteTextString("sigTst2");
            writer.WriteStartMap(1);
            writer.WriteTextString("tstTokens");
            writer.WriteStartArray(1);
            writer.WriteStartMap(1);
            writer.WriteTextString("val");
            writer.WriteByteString(timeStampToken);
            writer.WriteEndMap();
            writer.WriteEndArray();
            writer.WriteEndMap();
        }
        writer.WriteTextString("pad");
        writer.WriteByteString(new byte[padLength]);
        if (pad2Length != null)
        {
            writer.WriteTextString("pad2");
            writer.WriteByteString(new byte[pad2Length.Value]);
        }
        writer.WriteEndMap();
        writer.WriteNull();
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Encodes the signature padded to exactly <paramref name="targetLength"/> bytes.</summary>
    public static byte[] EncodeToLength(byte[] protectedHeader, byte[] signature, byte[]? timeStampToken, int targetLength)
    {
        byte[]? fitted = Padding.Fit(pad => Encode(protectedHeader, signature, timeStampToken, pad), targetLength)
            ?? Padding.Fit(pad => Encode(protectedHeader, signature, timeStampToken, pad, 0), targetLength);
        return fitted ?? throw new InvalidOperationException(
            $"the claim signature needs {Encode(protectedHeader, signature, timeStampToken, 0).Length} bytes but only {targetLength} were reserved");
    }
}

/// <summary>Finds the `pad` length that makes an encoding exactly a target length.</summary>
internal static class Padding
{
    /// <summary>The encoding of the smallest pad that hits <paramref name="target"/>, or null when the CBOR length header skips it.</summary>
    public static byte[]? Fit(Func<int, byte[]> encode, int target)
    {
        int baseLength = encode(0).Length;
        int needed = target - baseLength;
        if (needed < 0) return null;
        for (int pad = Math.Max(0, needed - 8); pad <= needed; pad++)
        {
            byte[] encoded = encode(pad);
            if (encoded.Length == target) return encoded;
            if (encoded.Length > target) break;
        }
        return null;
    }
}

/// <summary>A parsed COSE_Sign1 claim signature (any tool's).</summary>
public sealed class ParsedCoseSign1
{
    public required byte[] ProtectedHeaderBytes { get; init; }
    public required long Algorithm { get; init; }
    public required IReadOnlyList<byte[]> CertificateChain { get; init; }
    public required byte[] Signature { get; init; }
    /// <summary>The time stamp token and whether it is a v2 (`sigTst2`) one.</summary>
    public byte[]? TimeStampToken { get; init; }
    public bool TimeStampIsV2 { get; init; }

    /// <summary>Parses COSE_Sign1(_Tagged); throws <see cref="CborContentException"/> or <see cref="FormatException"/> when malformed.</summary>
    public static ParsedCoseSign1 Parse(byte[] cose)
    {
        CborNode root = CborNode.Decode(cose);
        if (root.Tag != null && root.Tag != 18) throw new FormatException($"COSE tag {root.Tag} is not COSE_Sign1 (18)");
        if (!root.IsArray || root.Items.Count != 4) throw new FormatException("COSE_Sign1 is not an array of four items");
        byte[] protectedBytes = root.Items[0].Bytes ?? throw new FormatException("COSE protected header is not a byte string");
        CborNode protectedHeader = protectedBytes.Length == 0 ? CborNode.Decode(new byte[] { 0xA0 }) : CborNode.Decode(protectedBytes);
        CborNode unprotected = root.Items[1];
        long alg = protectedHeader[1]?.Integer ?? throw new FormatException("COSE protected header has no alg");
        CborNode? x5 = protectedHeader[ClaimSignature.X5ChainLabel] ?? unprotected[ClaimSignature.X5ChainLabel] ?? protectedHeader["x5chain"] ?? unprotected["x5chain"];
        var chain = new List<byte[]>();
        if (x5?.Bytes != null) chain.Add(x5.Bytes);
        else if (x5 != null && x5.IsArray)
            foreach (CborNode item in x5.Items) chain.Add(item.Bytes ?? throw new FormatException("x5chain entry is not a byte string"));
        if (chain.Count == 0) throw new FormatException("COSE header has no x5chain");
        byte[] signature = root.Items[3].Bytes ?? throw new FormatException("COSE signature is not a byte string");

        byte[]? token = null;
        bool v2 = false;
        CborNode? tst = unprotected["sigTst2"];
        if (tst != null) v2 = true;
        else tst = unprotected["sigTst"];
        if (tst != null)
        {
            CborNode? tokens = tst["tstTokens"];
            if (tokens != null && tokens.IsArray && tokens.Items.Count > 0) token = tokens.Items[0]["val"]?.Bytes;
        }
        return new ParsedCoseSign1
        {
            ProtectedHeaderBytes = protectedBytes,
            Algorithm = alg,
            CertificateChain = chain,
            Signature = signature,
            TimeStampToken = token,
            TimeStampIsV2 = v2,
        };
    }
}
