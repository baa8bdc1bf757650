using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.State
{
    /// <summary>
    /// The signature counter: the highest value ever reserved, kept in a <see cref="DurableRecord"/> ("counter").
    /// A value is reserved (written durably) before any signature that uses it exists, so a value that left the
    /// token is never handed out again, whatever step a power cut interrupts. RESET never lowers it.
    /// </summary>
    public sealed class MonotonicCounter
    {
        private readonly DurableRecord _record;
        private long _value;

        /// <summary>Loads the counter (0 when never written).</summary>
        public MonotonicCounter(IStorage storage)
        {
            _record = new DurableRecord(storage, "counter");
            byte[] stored = _record.Read();
            _value = stored != null && stored.Length == 8 ? ReadInt64(stored) : 0;
        }

        /// <summary>The highest value reserved so far (0 before the first signature).</summary>
        public long Value
        {
            get { return _value; }
        }

        /// <summary>Raises the in-memory value after recovery found a larger one in the log; the next reserve persists it.</summary>
        public void RaiseTo(long value)
        {
            if (value > _value) _value = value;
        }

        /// <summary>Persists and returns the next value; on a storage failure nothing is returned and the value stays.</summary>
        public long Reserve()
        {
            return ReserveAtLeast(0);
        }

        /// <summary>
        /// Persists and returns the next value, but no less than <paramref name="minimum"/> (the secure element's own
        /// counter may be ahead); on a storage failure nothing is returned and the value stays.
        /// </summary>
        public long ReserveAtLeast(long minimum)
        {
            long next = _value + 1;
            if (minimum > next) next = minimum;
            byte[] data = new byte[8];
            for (int i = 0; i < 8; i++) data[i] = (byte)(next >> (56 - 8 * i));
            _record.Write(data);
            _value = next;
            return next;
        }

        private static long ReadInt64(byte[] data)
        {
            long value = 0;
            for (int i = 0; i < 8; i++) value = (value << 8) | data[i];
            return value;
        }
    }
}
