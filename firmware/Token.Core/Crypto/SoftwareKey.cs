using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// The development-mode signing key: a P-256 scalar kept in the token's storage, not hardware-protected
    /// (<see cref="KeyProtection.Software"/>). Used on boards without a secure element.
    /// The storage record "softkey" holds: version (1 byte) || scalar (32 bytes) || SHA-256(version || scalar).
    /// A record that is missing, short, of another version, failing its check or out of range (a torn write)
    /// reads as no key. No member returns the scalar.
    /// </summary>
    public sealed class SoftwareKey : ITokenKey, IEntropyKey
    {
        /// <summary>Name of the storage record that holds the key.</summary>
        internal const string RecordName = "softkey";

        private const byte RecordVersion = 1;
        private const int ScalarOffset = 1;
        private const int CheckOffset = ScalarOffset + EcdsaP256.PrivateKeyLength;
        private const int RecordLength = CheckOffset + Sha256.DigestLength;

        // Rejection sampling draws a fresh 32 bytes while the value is 0 or >= n (probability about 2^-32 each);
        // this many rejections in a row means the entropy source is broken, not unlucky.
        private const int MaxGenerateAttempts = 64;

        private readonly IStorage _storage;
        private readonly IEntropy _entropy;
        private byte[] _scalar;
        private byte[] _publicKey;
        private bool _loaded;

        /// <summary>A key slot over <paramref name="storage"/>; an existing record is loaded on first use.</summary>
        public SoftwareKey(IStorage storage, IEntropy entropy)
        {
            if (storage == null) throw new System.ArgumentNullException("storage");
            if (entropy == null) throw new System.ArgumentNullException("entropy");
            _storage = storage;
            _entropy = entropy;
        }

        /// <inheritdoc />
        public int Protection
        {
            get { return KeyProtection.Software; }
        }

        /// <inheritdoc />
        public bool HasKey
        {
            get
            {
                EnsureLoaded();
                return _scalar != null;
            }
        }

        /// <summary>Draws a new scalar 1 &lt;= d &lt; n from the entropy source and stores it, replacing any existing key.</summary>
        /// <exception cref="System.InvalidOperationException">The entropy source kept returning values outside [1, n-1].</exception>
        public void Generate()
        {
            Generate(_entropy);
        }

        /// <summary>Draws a new scalar from <paramref name="entropy"/> (GENERATE_KEY mixes the host's bytes into the token's).</summary>
        /// <exception cref="System.InvalidOperationException">The entropy source kept returning values outside [1, n-1].</exception>
        public void Generate(IEntropy entropy)
        {
            if (entropy == null) throw new System.ArgumentNullException("entropy");
            byte[] candidate = new byte[EcdsaP256.PrivateKeyLength];
            int attempts = 0;
            while (true)
            {
                if (attempts++ == MaxGenerateAttempts)
                {
                    System.Array.Clear(candidate, 0, candidate.Length);
                    throw new System.InvalidOperationException("entropy source returned no valid P-256 scalar in " + MaxGenerateAttempts.ToString() + " draws");
                }
                entropy.Fill(candidate);
                if (EcdsaP256.IsValidPrivateKey(candidate)) break;
            }

            byte[] record = EncodeRecord(candidate);
            // Should the write fail part-way, the next use reads back whatever the storage now holds.
            ForgetKey();
            _loaded = false;
            _storage.Write(RecordName, record);
            System.Array.Clear(record, 0, record.Length);
            _scalar = candidate;
            _loaded = true;
        }

        /// <inheritdoc />
        /// <exception cref="System.InvalidOperationException">There is no key.</exception>
        public byte[] GetPublicKey()
        {
            RequireKey();
            if (_publicKey == null) _publicKey = EcdsaP256.DerivePublicKey(_scalar);
            byte[] copy = new byte[_publicKey.Length];
            System.Array.Copy(_publicKey, copy, _publicKey.Length);
            return copy;
        }

        /// <inheritdoc />
        /// <exception cref="System.InvalidOperationException">There is no key.</exception>
        /// <exception cref="System.ArgumentException">The digest is not 32 bytes.</exception>
        public byte[] SignDigest(byte[] digest)
        {
            RequireKey();
            return EcdsaP256.Sign(_scalar, digest);
        }

        /// <summary>Overwrites the stored record with zeros, deletes it and forgets the key held in memory.</summary>
        public void Destroy()
        {
            ForgetKey();
            _loaded = false;
            _storage.Write(RecordName, new byte[RecordLength]);
            _storage.Delete(RecordName);
            _loaded = true;
        }

        private void RequireKey()
        {
            EnsureLoaded();
            if (_scalar == null) throw new System.InvalidOperationException("no software key; generate one first");
        }

        private void EnsureLoaded()
        {
            if (_loaded) return;
            byte[] record = _storage.Read(RecordName);
            _scalar = DecodeRecord(record);
            if (record != null) System.Array.Clear(record, 0, record.Length);
            _loaded = true;
        }

        private void ForgetKey()
        {
            if (_scalar != null) System.Array.Clear(_scalar, 0, _scalar.Length);
            _scalar = null;
            _publicKey = null;
        }

        private static byte[] EncodeRecord(byte[] scalar)
        {
            byte[] record = new byte[RecordLength];
            record[0] = RecordVersion;
            System.Array.Copy(scalar, 0, record, ScalarOffset, scalar.Length);
            Sha256 sha = new Sha256();
            sha.Update(record, 0, CheckOffset);
            byte[] check = sha.Final();
            System.Array.Copy(check, 0, record, CheckOffset, check.Length);
            return record;
        }

        /// <summary>The scalar of a well-formed record, or null for a missing, torn or foreign one.</summary>
        private static byte[] DecodeRecord(byte[] record)
        {
            if (record == null || record.Length != RecordLength || record[0] != RecordVersion) return null;
            Sha256 sha = new Sha256();
            sha.Update(record, 0, CheckOffset);
            byte[] check = sha.Final();
            int difference = 0;
            for (int i = 0; i < check.Length; i++) difference |= check[i] ^ record[CheckOffset + i];
            if (difference != 0) return null;
            byte[] scalar = new byte[EcdsaP256.PrivateKeyLength];
            System.Array.Copy(record, ScalarOffset, scalar, 0, scalar.Length);
            if (!EcdsaP256.IsValidPrivateKey(scalar))
            {
                System.Array.Clear(scalar, 0, scalar.Length);
                return null;
            }
            return scalar;
        }
    }
}
