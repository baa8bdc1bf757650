namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104, FIPS 198-1) over our <see cref="Sha256"/>.
    /// Incremental: construct with the key, Update any number of times, then Final; Reset starts a new message with the same key.
    /// </summary>
    public sealed class HmacSha256
    {
        /// <summary>Length of the MAC in bytes.</summary>
        public const int MacLength = 32;

        private const int BlockLength = 64;

        private readonly byte[] _innerPad = new byte[BlockLength];
        private readonly byte[] _outerPad = new byte[BlockLength];
        private readonly Sha256 _inner = new Sha256();
        private readonly Sha256 _outer = new Sha256();
        private readonly byte[] _singleByte = new byte[1];

        /// <summary>Creates a MAC keyed with <paramref name="key"/> (any length; keys longer than a block are hashed first, RFC 2104 §2).</summary>
        public HmacSha256(byte[] key)
        {
            if (key == null) throw new System.ArgumentNullException("key");
            byte[] blockKey = key;
            if (key.Length > BlockLength) blockKey = Sha256.Hash(key);
            for (int i = 0; i < BlockLength; i++)
            {
                byte k = i < blockKey.Length ? blockKey[i] : (byte)0;
                _innerPad[i] = (byte)(k ^ 0x36);
                _outerPad[i] = (byte)(k ^ 0x5c);
            }
            if (!object.ReferenceEquals(blockKey, key)) System.Array.Clear(blockKey, 0, blockKey.Length);
            Reset();
        }

        /// <summary>One-shot MAC of a whole array.</summary>
        public static byte[] Compute(byte[] key, byte[] data)
        {
            if (data == null) throw new System.ArgumentNullException("data");
            HmacSha256 mac = new HmacSha256(key);
            mac.Update(data, 0, data.Length);
            byte[] result = mac.Final();
            mac.Clear();
            return result;
        }

        /// <summary>Starts a new message with the same key.</summary>
        public void Reset()
        {
            _inner.Reset();
            _inner.Update(_innerPad, 0, BlockLength);
        }

        /// <summary>Appends message bytes.</summary>
        public void Update(byte[] data, int offset, int count)
        {
            _inner.Update(data, offset, count);
        }

        /// <summary>Appends one message byte.</summary>
        public void Update(byte value)
        {
            _singleByte[0] = value;
            _inner.Update(_singleByte, 0, 1);
        }

        /// <summary>Finishes the message and returns the 32-byte MAC. Call Reset before the next message.</summary>
        public byte[] Final()
        {
            byte[] innerDigest = _inner.Final();
            _outer.Reset();
            _outer.Update(_outerPad, 0, BlockLength);
            _outer.Update(innerDigest, 0, innerDigest.Length);
            return _outer.Final();
        }

        /// <summary>Overwrites the key material held by this instance; it must not be used afterwards.</summary>
        public void Clear()
        {
            System.Array.Clear(_innerPad, 0, BlockLength);
            System.Array.Clear(_outerPad, 0, BlockLength);
            _inner.Reset();
            _outer.Reset();
        }
    }
}
