using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Random bytes from the ATECC608B's RNG (Random command, 32 bytes at a time). Before the config zone is
    /// locked the chip answers the fixed pattern FF FF 00 00: alone, this class then refuses; with a board
    /// source it uses that source until the chip is provisioned, and afterwards XORs the chip's bytes into the
    /// board's, so the result is at least as unpredictable as the better of the two.
    /// </summary>
    public sealed class SecureElementEntropy : IEntropy
    {
        private readonly Atecc608 _chip;
        private readonly IEntropy _board;
        private bool _checkedLock;

        /// <summary>The chip's RNG alone; <see cref="Fill"/> throws while the chip is unprovisioned.</summary>
        public SecureElementEntropy(Atecc608 chip)
            : this(chip, null)
        {
        }

        /// <summary>The chip's RNG mixed into <paramref name="board"/> (null: the chip alone).</summary>
        public SecureElementEntropy(Atecc608 chip, IEntropy board)
        {
            if (chip == null) throw new System.ArgumentNullException("chip");
            _chip = chip;
            _board = board;
        }

        /// <summary>Fills the buffer with random bytes.</summary>
        public void Fill(byte[] buffer)
        {
            if (buffer == null) throw new System.ArgumentNullException("buffer");
            if (_board != null) _board.Fill(buffer);
            if (!_checkedLock)
            {
                if (!_chip.IsConfigLocked())
                {
                    if (_board != null) return;
                    throw new System.InvalidOperationException("secure element config zone is unlocked; its RNG answers a fixed pattern until provisioned");
                }
                // Locking is irreversible, so one positive check is enough.
                _checkedLock = true;
            }
            int filled = 0;
            while (filled < buffer.Length)
            {
                byte[] random = _chip.Random();
                int take = buffer.Length - filled;
                if (take > random.Length) take = random.Length;
                for (int i = 0; i < take; i++)
                {
                    buffer[filled + i] = _board != null ? (byte)(buffer[filled + i] ^ random[i]) : random[i];
                }
                filled += take;
            }
        }
    }
}
