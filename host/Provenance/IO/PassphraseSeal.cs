using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Provenance.IO;

/// <summary>
/// Encrypts a small secret (a key record) with a passphrase: PBKDF2-HMAC-SHA256 derives an AES-256-GCM key; the
/// header (magic, version, iterations, salt, nonce) is authenticated with the content, so a changed byte anywhere,
/// or a wrong passphrase, fails to open rather than giving wrong bytes.
/// Layout: "PROVSEAL" | version 1 (1 byte) | iterations (uint32 BE) | salt (16) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public static class PassphraseSeal
{
    /// <summary>PBKDF2 iterations for new seals (OWASP 2023 guidance for PBKDF2-HMAC-SHA256, as for the identity key).</summary>
    public const int DefaultIterations = 600_000;

    private const byte Version = 1;
    private const int SaltLength = 16;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int MinIterations = 10_000;
    private const int MaxIterations = 10_000_000;
    private static readonly byte[] Magic = "PROVSEAL"u8.ToArray();
    private static readonly int HeaderLength = Magic.Length + 1 + 4 + SaltLength + NonceLength;

    /// <summary>True when <paramref name="data"/> starts like a sealed record (it may still fail to open).</summary>
    public static bool IsSealed(ReadOnlySpan<byte> data) => data.Length >= Magic.Length && data[..Magic.Length].SequenceEqual(Magic);

    /// <summary>Seals <paramref name="secret"/> with <paramref name="passphrase"/>; <paramref name="context"/> (e.g. the record name) must match on open.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> secret, string passphrase, string context, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        byte[] sealedBytes = new byte[HeaderLength + TagLength + secret.Length];
        Span<byte> header = sealedBytes.AsSpan(0, HeaderLength);
        Magic.CopyTo(header);
        header[Magic.Length] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(header.Slice(Magic.Length + 1, 4), (uint)iterations);
        Span<byte> salt = header.Slice(Magic.Length + 5, SaltLength);
        Span<byte> nonce = header.Slice(Magic.Length + 5 + SaltLength, NonceLength);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        byte[] key = DeriveKey(passphrase, salt, iterations);
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Encrypt(nonce, secret, sealedBytes.AsSpan(HeaderLength + TagLength), sealedBytes.AsSpan(HeaderLength, TagLength), AssociatedData(header, context));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
        return sealedBytes;
    }

    /// <summary>Opens a sealed record; the caller zeroes the result when done.</summary>
    /// <exception cref="CryptographicException">Not a sealed record, damaged, or the passphrase is wrong.</exception>
    public static byte[] Open(ReadOnlySpan<byte> sealedBytes, string passphrase, string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        if (!IsSealed(sealedBytes) || sealedBytes.Length < HeaderLength + TagLength || sealedBytes[Magic.Length] != Version)
            throw new CryptographicException("not a version 1 sealed record");
        ReadOnlySpan<byte> header = sealedBytes[..HeaderLength];
        uint iterations = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(Magic.Length + 1, 4));
        if (iterations is < MinIterations or > MaxIterations) throw new CryptographicException("the sealed record names an implausible iteration count");
        byte[] key = DeriveKey(passphrase, header.Slice(Magic.Length + 5, SaltLength), (int)iterations);
        byte[] secret = new byte[sealedBytes.Length - HeaderLength - TagLength];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(header.Slice(Magic.Length + 5 + SaltLength, NonceLength), sealedBytes[(HeaderLength + TagLength)..], sealedBytes.Slice(HeaderLength, TagLength), secret, AssociatedData(header, context));
            return secret;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("wrong passphrase, or the sealed record was changed", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DeriveKey(string passphrase, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string context)
    {
        byte[] contextBytes = Encoding.UTF8.GetBytes(context);
        byte[] data = new byte[header.Length + contextBytes.Length];
        header.CopyTo(data);
        contextBytes.CopyTo(data, header.Length);
        return data;
    }
}
