using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// Randomness for GENERATE_KEY (PROTOCOL.md, "GENERATE_KEY"): each 32-byte block is
    /// HMAC-SHA256(key = the host's 32 bytes, data = 32 fresh bytes of the token's own entropy || block number (4)).
    /// The result is unpredictable if either source is: the ESP32's <c>esp_random()</c> is only pseudo-random while
    /// its radios are off, and the host's bytes alone would let a host that kept them recompute the key.
    /// </summary>
    public sealed class HostMixedEntropy : IEntropy
    {
        /// <summary>Bytes of host entropy GENERATE_KEY carries.</summary>
        public const int HostEntropyLength = 32;

        private readonly IEntropy _token;
        private readonly byte[] _host;
        private int _block;

        public HostMixedEntropy(IEntropy token, byte[] hostEntropy)
        {
            if (token == null) throw new System.ArgumentNullException("token");
            if (hostEntropy == null || hostEntropy.Length != HostEntropyLength) throw new System.ArgumentException("host entropy must be 32 bytes", "hostEntropy");
            _token = token;
            _host = new byte[HostEntropyLength];
            System.Array.Copy(hostEntropy, _host, HostEntropyLength);
        }

        public void Fill(byte[] buffer)
        {
            if (buffer == null) throw new System.ArgumentNullException("buffer");
            byte[] data = new byte[36];
            for (int offset = 0; offset < buffer.Length; offset += 32)
            {
                byte[] own = new byte[32];
                _token.Fill(own);
                System.Array.Copy(own, data, 32);
                System.Array.Clear(own, 0, own.Length);
                int block = _block++;
                data[32] = (byte)(block >> 24);
                data[33] = (byte)(block >> 16);
                data[34] = (byte)(block >> 8);
                data[35] = (byte)block;
                byte[] mixed = HmacSha256.Compute(_host, data);
                int count = buffer.Length - offset < 32 ? buffer.Length - offset : 32;
                System.Array.Copy(mixed, 0, buffer, offset, count);
                System.Array.Clear(mixed, 0, mixed.Length);
            }
            System.Array.Clear(data, 0, data.Length);
        }

        /// <summary>Forgets the host's bytes.</summary>
        public void Clear()
        {
            System.Array.Clear(_host, 0, _host.Length);
        }
    }
}
