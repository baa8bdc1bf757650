namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// SHA-256 (FIPS 180-4), written for the nanoFramework subset: its crypto library has no SHA-256 class.
    /// Incremental: Update any number of times, then Final once.
    /// </summary>
    public sealed class Sha256
    {
        public const int DigestLength = 32;

        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _h = new uint[8];
        private readonly uint[] _w = new uint[64];
        private readonly byte[] _block = new byte[64];
        private int _blockUsed;
        private long _totalBytes;
        private bool _finished;

        public Sha256()
        {
            Reset();
        }

        /// <summary>One-shot digest of a whole array.</summary>
        public static byte[] Hash(byte[] data)
        {
            Sha256 sha = new Sha256();
            sha.Update(data, 0, data.Length);
            return sha.Final();
        }

        public void Reset()
        {
            _h[0] = 0x6a09e667; _h[1] = 0xbb67ae85; _h[2] = 0x3c6ef372; _h[3] = 0xa54ff53a;
            _h[4] = 0x510e527f; _h[5] = 0x9b05688c; _h[6] = 0x1f83d9ab; _h[7] = 0x5be0cd19;
            _blockUsed = 0;
            _totalBytes = 0;
            _finished = false;
        }

        /// <summary>Size of a midstate: the eight 32-bit chaining words, big-endian.</summary>
        public const int MidstateLength = 32;

        /// <summary>
        /// The chaining value after whole 64-byte blocks (no partial block pending): what a host sends in a
        /// revision 3 SIGN so the token can finish the hash over the tail it checks (PROTOCOL.md, "SIGN").
        /// </summary>
        public byte[] Midstate()
        {
            if (_finished || _blockUsed != 0) throw new System.InvalidOperationException("a midstate exists only after whole 64-byte blocks");
            byte[] state = new byte[MidstateLength];
            for (int i = 0; i < 8; i++)
            {
                state[i * 4] = (byte)(_h[i] >> 24);
                state[i * 4 + 1] = (byte)(_h[i] >> 16);
                state[i * 4 + 2] = (byte)(_h[i] >> 8);
                state[i * 4 + 3] = (byte)_h[i];
            }
            return state;
        }

        /// <summary>
        /// Continues a hash from <paramref name="midstate"/> after <paramref name="prefixLength"/> bytes (a multiple
        /// of 64): Update with the rest, then Final gives SHA-256 of the whole message.
        /// </summary>
        public static Sha256 FromMidstate(byte[] midstate, long prefixLength)
        {
            if (midstate == null || midstate.Length != MidstateLength) throw new System.ArgumentException("a midstate is 32 bytes", "midstate");
            if (prefixLength < 0 || prefixLength % 64 != 0) throw new System.ArgumentOutOfRangeException("prefixLength");
            Sha256 sha = new Sha256();
            for (int i = 0; i < 8; i++)
            {
                sha._h[i] = ((uint)midstate[i * 4] << 24) | ((uint)midstate[i * 4 + 1] << 16) | ((uint)midstate[i * 4 + 2] << 8) | midstate[i * 4 + 3];
            }
            sha._totalBytes = prefixLength;
            return sha;
        }

        public void Update(byte[] data, int offset, int count)
        {
            if (data == null) throw new System.ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset > data.Length - count) throw new System.ArgumentOutOfRangeException("count");
            if (_finished) throw new System.InvalidOperationException("Sha256 already finished; call Reset");
            _totalBytes += count;
            while (count > 0)
            {
                int take = 64 - _blockUsed;
                if (take > count) take = count;
                System.Array.Copy(data, offset, _block, _blockUsed, take);
                _blockUsed += take;
                offset += take;
                count -= take;
                if (_blockUsed == 64)
                {
                    Compress(_block, 0);
                    _blockUsed = 0;
                }
            }
        }

        public byte[] Final()
        {
            if (_finished) throw new System.InvalidOperationException("Sha256 already finished; call Reset");
            long bitLength = _totalBytes * 8;
            _block[_blockUsed++] = 0x80;
            if (_blockUsed > 56)
            {
                while (_blockUsed < 64) _block[_blockUsed++] = 0;
                Compress(_block, 0);
                _blockUsed = 0;
            }
            while (_blockUsed < 56) _block[_blockUsed++] = 0;
            for (int i = 7; i >= 0; i--)
            {
                _block[_blockUsed++] = (byte)(bitLength >> (i * 8));
            }
            Compress(_block, 0);
            _finished = true;

            byte[] digest = new byte[DigestLength];
            for (int i = 0; i < 8; i++)
            {
                digest[i * 4] = (byte)(_h[i] >> 24);
                digest[i * 4 + 1] = (byte)(_h[i] >> 16);
                digest[i * 4 + 2] = (byte)(_h[i] >> 8);
                digest[i * 4 + 3] = (byte)_h[i];
            }
            return digest;
        }

        private static uint Rotr(uint x, int n)
        {
            return (x >> n) | (x << (32 - n));
        }

        private void Compress(byte[] block, int offset)
        {
            uint[] w = _w;
            for (int t = 0; t < 16; t++)
            {
                int i = offset + t * 4;
                w[t] = ((uint)block[i] << 24) | ((uint)block[i + 1] << 16) | ((uint)block[i + 2] << 8) | block[i + 3];
            }
            for (int t = 16; t < 64; t++)
            {
                uint s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
                uint s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
                w[t] = unchecked(w[t - 16] + s0 + w[t - 7] + s1);
            }

            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int t = 0; t < 64; t++)
            {
                uint bigS1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
                uint ch = (e & f) ^ (~e & g);
                uint t1 = unchecked(h + bigS1 + ch + K[t] + w[t]);
                uint bigS0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
                uint maj = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = unchecked(bigS0 + maj);
                h = g; g = f; f = e;
                e = unchecked(d + t1);
                d = c; c = b; b = a;
                a = unchecked(t1 + t2);
            }
            _h[0] = unchecked(_h[0] + a); _h[1] = unchecked(_h[1] + b); _h[2] = unchecked(_h[2] + c); _h[3] = unchecked(_h[3] + d);
            _h[4] = unchecked(_h[4] + e); _h[5] = unchecked(_h[5] + f); _h[6] = unchecked(_h[6] + g); _h[7] = unchecked(_h[7] + h);
        }
    }
}
