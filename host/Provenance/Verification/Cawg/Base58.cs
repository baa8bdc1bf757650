using System;

namespace Provenance.Verification.Cawg;

/// <summary>Base58 (the Bitcoin alphabet), as multibase `z` uses it for `did:key` (W3C did:key 0.7 §3.1.2).</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>Longest input accepted: a did:key is about 50 characters; this bounds the quadratic decode.</summary>
    public const int MaxLength = 256;

    /// <summary>Decodes base58btc; throws <see cref="FormatException"/> on a character outside the alphabet or a too-long input.</summary>
    public static byte[] Decode(string text)
    {
        if (text.Length > MaxLength) throw new FormatException($"base58 text longer than {MaxLength} characters");
        int zeros = 0;
        while (zeros < text.Length && text[zeros] == '1') zeros++;
        // Each base58 digit carries log2(58) < 6 bits, so the value fits in text.Length * 6 / 8 + 1 bytes.
        var value = new byte[text.Length * 6 / 8 + 1];
        int used = 0;
        for (int i = zeros; i < text.Length; i++)
        {
            int digit = Alphabet.IndexOf(text[i], StringComparison.Ordinal);
            if (digit < 0) throw new FormatException($"'{text[i]}' is not a base58 character");
            int carry = digit;
            int j = 0;
            for (int k = value.Length - 1; k >= 0 && (carry != 0 || j < used); k--, j++)
            {
                carry += 58 * value[k];
                value[k] = (byte)(carry & 0xFF);
                carry >>= 8;
            }
            used = j;
        }
        int start = value.Length - used;
        var result = new byte[zeros + used];
        Array.Copy(value, start, result, zeros, used);
        return result;
    }
}
