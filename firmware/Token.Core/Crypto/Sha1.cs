namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// SHA-1 (FIPS 180-4 §6.1), one-shot, for the nanoFramework subset. Used only where a certificate format demands it:
    /// the key identifiers of certificates rebuilt from the ATECC608's compressed storage are SHA-1 of 0x04 || X || Y
    /// (RFC 5280 §4.2.1.2 method 1, as CryptoAuthLib's atcacert_get_key_id). Never used for a signature.
    /// </summary>
    public static class Sha1
    {
        /// <summary>Largest input accepted: what a certificate element needs, with margin.</summary>
        public const int MaxInputLength = 4096;

        /// <summary>The 20-byte digest of <paramref name="data"/> (at most <see cref="MaxInputLength"/> bytes).</summary>
        public static byte[] Hash(byte[] data)
        {
            if (data == null) throw new System.ArgumentNullException("data");
            if (data.Length > MaxInputLength) throw new System.ArgumentException("SHA-1 input longer than " + MaxInputLength.ToString() + " bytes", "data");
            int padded = ((data.Length + 8) / 64 + 1) * 64;
            byte[] message = new byte[padded];
            System.Array.Copy(data, message, data.Length);
            message[data.Length] = 0x80;
            long bits = (long)data.Length * 8;
            for (int i = 0; i < 8; i++)
            {
                message[padded - 1 - i] = (byte)(bits >> (8 * i));
            }
            uint h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
            uint[] w = new uint[80];
            for (int block = 0; block < padded; block += 64)
            {
                for (int t = 0; t < 16; t++)
                {
                    int o = block + (4 * t);
                    w[t] = ((uint)message[o] << 24) | ((uint)message[o + 1] << 16) | ((uint)message[o + 2] << 8) | message[o + 3];
                }
                for (int t = 16; t < 80; t++)
                {
                    uint x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
                    w[t] = (x << 1) | (x >> 31);
                }
                uint a = h0, b = h1, c = h2, d = h3, e = h4;
                for (int t = 0; t < 80; t++)
                {
                    uint f;
                    uint k;
                    if (t < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
                    else if (t < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
                    else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
                    else { f = b ^ c ^ d; k = 0xCA62C1D6; }
                    uint temp = ((a << 5) | (a >> 27)) + f + e + k + w[t];
                    e = d;
                    d = c;
                    c = (b << 30) | (b >> 2);
                    b = a;
                    a = temp;
                }
                h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
            }
            byte[] digest = new byte[20];
            uint[] h = new uint[] { h0, h1, h2, h3, h4 };
            for (int i = 0; i < 5; i++)
            {
                digest[4 * i] = (byte)(h[i] >> 24);
                digest[(4 * i) + 1] = (byte)(h[i] >> 16);
                digest[(4 * i) + 2] = (byte)(h[i] >> 8);
                digest[(4 * i) + 3] = (byte)h[i];
            }
            return digest;
        }
    }
}
