using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace ProvenanceDevice.Token.State
{
    /// <summary>
    /// Hash-chained log of every signature, a ring of <see cref="Capacity"/> records "log.&lt;index mod capacity&gt;".
    /// Each record is index (8) || entry (112) || first 8 bytes of SHA-256(index || entry), so a torn record is
    /// recognised and dropped. A "logmeta" <see cref="DurableRecord"/> (first index, next index) is written on
    /// clear and every <see cref="MetaInterval"/> appends; boot scans forward from it. See README "Counter and log".
    /// </summary>
    public sealed class SignatureLog
    {
        public const int DefaultCapacity = 1024;
        public const int MetaInterval = 32;
        private const int RecordLength = 8 + LogEntry.EncodedLength + 8;

        private readonly IStorage _storage;
        private readonly DurableRecord _meta;
        private readonly int _capacity;
        private long _first;
        private long _next;
        private byte[] _lastHash = new byte[32];
        private LogEntry _lastEntry;

        /// <summary>Opens the log and recovers its end after a power cut.</summary>
        public SignatureLog(IStorage storage, int capacity)
        {
            // Recovery scans forward from the lagging meta record, so the ring must outlast that lag.
            if (capacity < 2 * MetaInterval) throw new System.ArgumentOutOfRangeException("capacity");
            _storage = storage;
            _capacity = capacity;
            _meta = new DurableRecord(storage, "logmeta");
            Recover();
        }

        public int Capacity
        {
            get { return _capacity; }
        }

        /// <summary>Index of the oldest entry held.</summary>
        public long FirstIndex
        {
            get { return _first; }
        }

        /// <summary>Index the next entry will get.</summary>
        public long NextIndex
        {
            get { return _next; }
        }

        public long Count
        {
            get { return _next - _first; }
        }

        /// <summary>The newest entry, or null when the log is empty.</summary>
        public LogEntry LastEntry
        {
            get { return _lastEntry; }
        }

        /// <summary>Appends an entry chained to the previous one; returns it once it is durably stored.</summary>
        public LogEntry Append(long counter, long time, byte[] digest)
        {
            LogEntry entry = LogEntry.Create(counter, time, digest, _lastHash);
            Storage.Write(_storage, RecordName(_next), EncodeRecord(_next, entry));
            _next++;
            // Writing slot (next - 1) overwrote entry (next - 1 - capacity); the window keeps capacity - 1 entries
            // so that the slot being written (or torn) is never inside it.
            if (_first < _next - (_capacity - 1)) _first = _next - (_capacity - 1);
            _lastHash = entry.Hash;
            _lastEntry = entry;
            if (_next % MetaInterval == 0) WriteMeta();
            return entry;
        }

        /// <summary>The entry at <paramref name="index"/>, or null when it is outside the log or unreadable.</summary>
        public LogEntry Read(long index)
        {
            if (index < _first || index >= _next) return null;
            return ReadRecord(index);
        }

        /// <summary>Empties the log (RESET). The next entry starts a new chain with a zero previous hash.</summary>
        public void Clear()
        {
            long first = _next;
            WriteMeta(first, _next);
            _first = first;
            _lastHash = new byte[32];
            _lastEntry = null;
        }

        private void Recover()
        {
            byte[] meta = _meta.Read();
            long first = 0;
            long next = 0;
            if (meta != null && meta.Length == 16)
            {
                PayloadReader reader = new PayloadReader(meta);
                first = reader.ReadInt64("log first");
                next = reader.ReadInt64("log next");
            }
            // The meta record lags by fewer than MetaInterval appends: scan forward for entries written since.
            LogEntry last = null;
            for (int scanned = 0; scanned < _capacity; scanned++)
            {
                LogEntry entry = ReadRecord(next);
                if (entry == null) break;
                last = entry;
                next++;
            }
            if (first < next - (_capacity - 1)) first = next - (_capacity - 1);
            if (last == null && next > first) last = ReadRecord(next - 1);
            _first = first;
            _next = next;
            _lastEntry = next > first ? last : null;
            _lastHash = _lastEntry != null ? _lastEntry.Hash : new byte[32];
        }

        private void WriteMeta()
        {
            WriteMeta(_first, _next);
        }

        private void WriteMeta(long first, long next)
        {
            PayloadWriter writer = new PayloadWriter(16);
            writer.WriteInt64(first);
            writer.WriteInt64(next);
            _meta.Write(writer.ToArray());
        }

        private string RecordName(long index)
        {
            return "log." + (index % _capacity).ToString();
        }

        private static byte[] EncodeRecord(long index, LogEntry entry)
        {
            PayloadWriter writer = new PayloadWriter(RecordLength);
            writer.WriteInt64(index);
            entry.WriteTo(writer);
            byte[] body = writer.ToArray();
            byte[] check = Crypto.Sha256.Hash(body);
            writer.WriteBytes(check, 0, 8);
            return writer.ToArray();
        }

        private LogEntry ReadRecord(long index)
        {
            byte[] raw = Storage.Read(_storage, RecordName(index));
            if (raw == null || raw.Length != RecordLength) return null;
            Crypto.Sha256 sha = new Crypto.Sha256();
            sha.Update(raw, 0, RecordLength - 8);
            byte[] check = sha.Final();
            for (int i = 0; i < 8; i++)
            {
                if (raw[RecordLength - 8 + i] != check[i]) return null;
            }
            PayloadReader reader = new PayloadReader(raw);
            if (reader.ReadInt64("index") != index) return null;
            LogEntry entry = LogEntry.ReadFrom(reader);
            return entry.HashIsValid() ? entry : null;
        }
    }
}
