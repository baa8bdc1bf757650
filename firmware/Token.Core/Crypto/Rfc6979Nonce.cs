namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// Deterministic ECDSA nonce candidates for P-256 with SHA-256 (RFC 6979 §3.2, HMAC_DRBG with HMAC-SHA256).
    /// qlen = hlen = 256, so bits2int is a plain big-endian read and each candidate is one HMAC block.
    /// </summary>
    internal sealed class Rfc6979Nonce
    {
        private const int Length = 32;

        private readonly byte[] _k = new byte[Length];
        private readonly byte[] _v = new byte[Length];
        private bool _started;

        /// <param name="privateKey">int2octets(x): the private scalar, 32 big-endian bytes.</param>
        /// <param name="reducedDigest">bits2octets(h1): the digest taken modulo n, 32 big-endian bytes.</param>
        internal Rfc6979Nonce(byte[] privateKey, byte[] reducedDigest)
        {
            // §3.2 steps b-g.
            for (int i = 0; i < Length; i++) _v[i] = 0x01;
            UpdateKey(0x00, privateKey, reducedDigest);
            UpdateValue();
            UpdateKey(0x01, privateKey, reducedDigest);
            UpdateValue();
        }

        /// <summary>Writes the next candidate k (32 big-endian bytes) into <paramref name="candidate"/>; the caller checks 1 &lt;= k &lt; n.</summary>
        internal void Next(byte[] candidate)
        {
            if (_started)
            {
                // §3.2 step h.3: K = HMAC_K(V || 0x00), V = HMAC_K(V).
                UpdateKey(0x00, null, null);
                UpdateValue();
            }
            _started = true;
            // §3.2 step h.2: one block of T is enough for qlen = 256.
            UpdateValue();
            System.Array.Copy(_v, 0, candidate, 0, Length);
        }

        /// <summary>Overwrites the DRBG state.</summary>
        internal void Clear()
        {
            System.Array.Clear(_k, 0, Length);
            System.Array.Clear(_v, 0, Length);
        }

        private void UpdateKey(byte separator, byte[] privateKey, byte[] reducedDigest)
        {
            HmacSha256 mac = new HmacSha256(_k);
            mac.Update(_v, 0, Length);
            mac.Update(separator);
            if (privateKey != null) mac.Update(privateKey, 0, Length);
            if (reducedDigest != null) mac.Update(reducedDigest, 0, Length);
            byte[] next = mac.Final();
            mac.Clear();
            System.Array.Copy(next, 0, _k, 0, Length);
            System.Array.Clear(next, 0, Length);
        }

        private void UpdateValue()
        {
            HmacSha256 mac = new HmacSha256(_k);
            mac.Update(_v, 0, Length);
            byte[] next = mac.Final();
            mac.Clear();
            System.Array.Copy(next, 0, _v, 0, Length);
        }
    }
}
