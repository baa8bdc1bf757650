namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// One signature log entry (firmware/Token.Core/README.md, "Counter and log"): the counter value a signature used,
    /// the token's time, the SHA-256 of the signed bytes, and the hash of the entry before it.
    /// Hash = SHA-256(counter (8, big-endian) || time (8, big-endian) || digest (32) || previous hash (32)).
    /// </summary>
    public sealed class LogEntry
    {
        /// <summary>Bytes of one encoded entry: counter, time, digest, previous hash, hash.</summary>
        public const int EncodedLength = 8 + 8 + 32 + 32 + 32;

        /// <summary>Counter value the signature was made with.</summary>
        public long Counter;

        /// <summary>Token time in Unix seconds (a claim: the ESP32 has no battery clock).</summary>
        public long Time;

        /// <summary>SHA-256 of the to-be-signed bytes.</summary>
        public byte[] Digest;

        /// <summary>Hash of the previous entry; 32 zero bytes for the first entry after the log was created or reset.</summary>
        public byte[] PreviousHash;

        /// <summary>This entry's hash.</summary>
        public byte[] Hash;

        /// <summary>Builds an entry and computes its hash.</summary>
        public static LogEntry Create(long counter, long time, byte[] digest, byte[] previousHash)
        {
            LogEntry entry = new LogEntry();
            entry.Counter = counter;
            entry.Time = time;
            entry.Digest = digest;
            entry.PreviousHash = previousHash;
            entry.Hash = ComputeHash(counter, time, digest, previousHash);
            return entry;
        }

        /// <summary>SHA-256(counter || time || digest || previous hash).</summary>
        public static byte[] ComputeHash(long counter, long time, byte[] digest, byte[] previousHash)
        {
            if (digest == null || digest.Length != 32) throw new System.ArgumentException("digest must be 32 bytes", "digest");
            if (previousHash == null || previousHash.Length != 32) throw new System.ArgumentException("previous hash must be 32 bytes", "previousHash");
            PayloadWriter writer = new PayloadWriter(80);
            writer.WriteInt64(counter);
            writer.WriteInt64(time);
            writer.WriteBytes(digest);
            writer.WriteBytes(previousHash);
            return Crypto.Sha256.Hash(writer.ToArray());
        }

        /// <summary>True when <see cref="Hash"/> matches the entry's fields.</summary>
        public bool HashIsValid()
        {
            byte[] expected = ComputeHash(Counter, Time, Digest, PreviousHash);
            return Bytes.Equal(expected, Hash);
        }

        /// <summary>Writes the 112-byte encoding.</summary>
        public void WriteTo(PayloadWriter writer)
        {
            writer.WriteInt64(Counter);
            writer.WriteInt64(Time);
            writer.WriteBytes(Digest);
            writer.WriteBytes(PreviousHash);
            writer.WriteBytes(Hash);
        }

        /// <summary>The 112-byte encoding.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(EncodedLength);
            WriteTo(writer);
            return writer.ToArray();
        }

        /// <summary>Reads one 112-byte entry.</summary>
        public static LogEntry ReadFrom(PayloadReader reader)
        {
            LogEntry entry = new LogEntry();
            entry.Counter = reader.ReadInt64("entry counter");
            entry.Time = reader.ReadInt64("entry time");
            entry.Digest = reader.ReadBytes(32, "entry digest");
            entry.PreviousHash = reader.ReadBytes(32, "entry previous hash");
            entry.Hash = reader.ReadBytes(32, "entry hash");
            return entry;
        }
    }
}
