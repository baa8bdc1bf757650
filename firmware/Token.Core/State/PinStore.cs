using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace ProvenanceDevice.Token.State
{
    /// <summary>
    /// The PIN and its retry counter, in a <see cref="DurableRecord"/> ("pin"): set (1), consecutive failures (1),
    /// and when set a random salt (16) and SHA-256(salt || PIN) (32). A failed try is counted durably before the
    /// comparison is made, so cutting power to hide a wrong guess gains nothing.
    /// </summary>
    public sealed class PinStore
    {
        /// <summary>Consecutive wrong PINs that lock the token.</summary>
        public const int MaxTries = 8;
        private const int SaltLength = 16;

        private readonly DurableRecord _record;
        private readonly IEntropy _entropy;
        private bool _set;
        private int _failures;
        private byte[] _salt;
        private byte[] _hash;

        /// <summary>Loads the PIN state; entropy salts new PINs.</summary>
        public PinStore(IStorage storage, IEntropy entropy)
        {
            _record = new DurableRecord(storage, "pin");
            _entropy = entropy;
            byte[] stored = _record.Read();
            if (stored != null && stored.Length >= 2)
            {
                _failures = stored[1] > MaxTries ? MaxTries : stored[1];
                if (stored[0] == 1 && stored.Length == 2 + SaltLength + 32)
                {
                    _set = true;
                    _salt = new byte[SaltLength];
                    _hash = new byte[32];
                    System.Array.Copy(stored, 2, _salt, 0, SaltLength);
                    System.Array.Copy(stored, 2 + SaltLength, _hash, 0, 32);
                }
            }
        }

        /// <summary>A PIN is set.</summary>
        public bool IsSet
        {
            get { return _set; }
        }

        /// <summary>True after <see cref="MaxTries"/> consecutive wrong PINs, until RESET.</summary>
        public bool Locked
        {
            get { return _failures >= MaxTries; }
        }

        /// <summary>Wrong PINs left before the lock.</summary>
        public int TriesLeft
        {
            get { return MaxTries - _failures; }
        }

        /// <summary>Stores a new PIN (salted hash) and clears the failure count.</summary>
        public void SetPin(byte[] pin)
        {
            byte[] salt = new byte[SaltLength];
            _entropy.Fill(salt);
            byte[] hash = HashPin(salt, pin);
            Persist(true, 0, salt, hash);
            _set = true;
            _failures = 0;
            _salt = salt;
            _hash = hash;
        }

        /// <summary>Checks a PIN: the try is counted durably first, then cleared again when the PIN matches.</summary>
        public bool Verify(byte[] pin)
        {
            if (!_set || Locked) return false;
            Persist(true, _failures + 1, _salt, _hash);
            _failures++;
            if (!Bytes.Equal(HashPin(_salt, pin), _hash)) return false;
            Persist(true, 0, _salt, _hash);
            _failures = 0;
            return true;
        }

        /// <summary>Removes the PIN and the lock (RESET).</summary>
        public void Clear()
        {
            Persist(false, 0, null, null);
            _set = false;
            _failures = 0;
            _salt = null;
            _hash = null;
        }

        private void Persist(bool set, int failures, byte[] salt, byte[] hash)
        {
            PayloadWriter writer = new PayloadWriter(2 + SaltLength + 32);
            writer.WriteBool(set);
            writer.WriteByte(failures);
            if (set)
            {
                writer.WriteBytes(salt);
                writer.WriteBytes(hash);
            }
            _record.Write(writer.ToArray());
        }

        private static byte[] HashPin(byte[] salt, byte[] pin)
        {
            Crypto.Sha256 sha = new Crypto.Sha256();
            sha.Update(salt, 0, salt.Length);
            sha.Update(pin, 0, pin.Length);
            return sha.Final();
        }
    }
}
