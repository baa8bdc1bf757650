using System;
using System.Numerics;
using System.Text;

namespace Provenance.Fingerprint;

/// <summary>
/// The ISCC Content-Code Image, version 0 (ISO 24138; C2PA soft-binding algorithm <c>io.iscc.v0</c>): a 64-bit
/// perceptual hash of the 32×32 normalised grey image (iscc-core <c>soft_hash_image_v0</c>), written as
/// <c>ISCC:</c> + base32 of a two-byte header and the hash.
/// </summary>
public readonly record struct IsccImageCode(ulong Hash)
{
    /// <summary>The C2PA soft-binding algorithm name.</summary>
    public const string Algorithm = "io.iscc.v0";

    private const string Prefix = "ISCC:";
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // Header nibbles (ISCC codec): MainType CONTENT = 2, SubType IMAGE = 1, Version 0, then the length as
    // bits / 32 - 1 (1 for the 64-bit code).
    private static readonly byte[] Header = [0x21, 0x01];

    /// <summary>The 64-bit hash of 1,024 normalised grey pixels (32 rows of 32).</summary>
    public static IsccImageCode FromPixels(ReadOnlySpan<byte> grey32x32)
    {
        byte[] digest = SoftHash(grey32x32, 64);
        ulong hash = 0;
        foreach (byte b in digest) hash = (hash << 8) | b;
        return new IsccImageCode(hash);
    }

    /// <summary>
    /// iscc-core <c>soft_hash_image_v0</c>: a DCT of each row, then of each column; 8×8 blocks of low frequencies at
    /// offsets (0,0), (1,0), (0,1), (1,1), 64 bits each, a bit set where a value exceeds its block's median.
    /// </summary>
    /// <param name="bits">64, 128, 192 or 256.</param>
    public static byte[] SoftHash(ReadOnlySpan<byte> grey32x32, int bits)
    {
        const int n = ImageNormalizer.Size;
        if (grey32x32.Length != n * n) throw new ArgumentException($"expected {n * n} pixels, got {grey32x32.Length}", nameof(grey32x32));
        if (bits is < 64 or > 256 || bits % 64 != 0) throw new ArgumentOutOfRangeException(nameof(bits), "64, 128, 192 or 256 bits");

        var rows = new double[n][];
        for (int y = 0; y < n; y++)
        {
            var row = new double[n];
            for (int x = 0; x < n; x++) row[x] = grey32x32[y * n + x];
            rows[y] = Dct.Transform(row);
        }
        var matrix = new double[n, n];
        var column = new double[n];
        for (int x = 0; x < n; x++)
        {
            for (int y = 0; y < n; y++) column[y] = rows[y][x];
            double[] transformed = Dct.Transform(column);
            for (int y = 0; y < n; y++) matrix[y, x] = transformed[y];
        }

        var digest = new byte[bits / 8];
        ReadOnlySpan<(int X, int Y)> offsets = [(0, 0), (1, 0), (0, 1), (1, 1)];
        var block = new double[64];
        var sorted = new double[64];
        for (int s = 0; s < bits / 64; s++)
        {
            (int ox, int oy) = offsets[s];
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                    block[y * 8 + x] = matrix[oy + y, ox + x];
            block.CopyTo(sorted, 0);
            Array.Sort(sorted);
            // Python's statistics.median of an even count: the mean of the two middle values.
            double median = (sorted[31] + sorted[32]) / 2;
            for (int i = 0; i < 64; i++)
                if (block[i] > median) digest[s * 8 + i / 8] |= (byte)(0x80 >> (i % 8));
        }
        return digest;
    }

    /// <summary>An Image-Code unit of any supported length: <c>ISCC:</c> + base32 of header and digest.</summary>
    public static string Encode(byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        int bits = digest.Length * 8;
        if (bits is < 64 or > 256 || bits % 32 != 0) throw new ArgumentOutOfRangeException(nameof(digest), "32 to 256 bits in steps of 32");
        var bytes = new byte[2 + digest.Length];
        bytes[0] = 0x21;
        bytes[1] = (byte)(bits / 32 - 1);
        digest.CopyTo(bytes, 2);
        return Prefix + Base32(bytes);
    }

    /// <summary>Decodes, normalises and hashes an image.</summary>
    public static IsccImageCode FromImage(RgbaImage image, ExifOrientation orientation) =>
        FromPixels(ImageNormalizer.Normalize(image, orientation));

    /// <summary>Number of differing bits, 0 (same picture) to 64.</summary>
    public int DistanceTo(IsccImageCode other) => BitOperations.PopCount(Hash ^ other.Hash);

    /// <summary><c>ISCC:</c> + RFC 4648 base32 without padding of header and hash.</summary>
    public override string ToString()
    {
        var digest = new byte[8];
        for (int i = 0; i < 8; i++) digest[i] = (byte)(Hash >> (56 - 8 * i));
        return Encode(digest);
    }

    private static string Base32(byte[] bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (byte b in bytes)
        {
            buffer = ((buffer << 8) | b) & 0xFFFF;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    /// <summary>Parses <c>ISCC:EEA…</c> (prefix optional, case-insensitive); only 64-bit Image-Codes v0.</summary>
    public static bool TryParse(string? text, out IsccImageCode code)
    {
        code = default;
        if (text == null) return false;
        string body = text.Trim();
        if (body.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) body = body[Prefix.Length..];
        if (body.Length != 16) return false;
        Span<byte> bytes = stackalloc byte[10];
        int buffer = 0, bits = 0, index = 0;
        foreach (char c in body)
        {
            int value = Base32Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0) return false;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        if (bytes[0] != Header[0] || bytes[1] != Header[1]) return false;
        ulong hash = 0;
        for (int i = 2; i < 10; i++) hash = (hash << 8) | bytes[i];
        code = new IsccImageCode(hash);
        return true;
    }

    public static IsccImageCode Parse(string text) =>
        TryParse(text, out IsccImageCode code) ? code : throw new FormatException($"not a 64-bit ISCC Image-Code: {text}");
}

/// <summary>
/// The recursive DCT iscc-core uses (Nayuki's fast DCT, unscaled). Kept in the same operation order so that the
/// doubles, and the median comparisons on them, come out as iscc-core's do.
/// </summary>
internal static class Dct
{
    public static double[] Transform(double[] v)
    {
        int n = v.Length;
        if (n == 1) return [v[0]];
        if (n == 0 || n % 2 != 0) throw new ArgumentException("the length must be a power of two", nameof(v));
        int half = n / 2;
        var alpha = new double[half];
        var beta = new double[half];
        for (int i = 0; i < half; i++)
        {
            alpha[i] = v[i] + v[n - 1 - i];
            beta[i] = (v[i] - v[n - 1 - i]) / (Math.Cos((i + 0.5) * Math.PI / n) * 2.0);
        }
        alpha = Transform(alpha);
        beta = Transform(beta);
        var result = new double[n];
        for (int i = 0; i < half - 1; i++)
        {
            result[2 * i] = alpha[i];
            result[2 * i + 1] = beta[i] + beta[i + 1];
        }
        result[n - 2] = alpha[half - 1];
        result[n - 1] = beta[half - 1];
        return result;
    }
}
