using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Random bytes from the ATECC608B's RNG (Random command, 32 bytes at a time). Refuses to run on a
    /// chip whose config zone is unlocked, where Random answers the fixed pattern FF FF 00 00.
    /// </summary>
    public sealed class SecureElementEntropy : IEntropy
    {
        private readonly Atecc608 _chip;
        private bool _checkedLock;

        public SecureElementEntropy(Atecc608 chip)
        {
            if (chip == null) throw new System.ArgumentNullException("chip");
            _chip = chip;
        }

        /// <summary>Fills the buffer with random bytes from the chip.</summary>
        public void Fill(byte[] buffer)
        {
            if (buffer == null) throw new System.ArgumentNullException("buffer");
            if (!_checkedLock)
            {
                if (!_chip.IsConfigLocked())
                {
                    throw new System.InvalidOperationException("secure element config zone is unlocked; its RNG answers a fixed pattern until provisioned");
                }
                _checkedLock = true;
            }
            int filled = 0;
            while (filled < buffer.Length)
            {
                byte[] random = _chip.Random();
                int take = buffer.Length - filled;
                if (take > random.Length) take = random.Length;
                System.Array.Copy(random, 0, buffer, filled, take);
                filled += take;
            }
        }
    }
}
