namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Payload of the LOG reply: the log's first index (4), its entry count (4), the index of the first returned
    /// entry (4), the number returned (1), then that many 112-byte <see cref="LogEntry"/> encodings.
    /// </summary>
    public sealed class LogReply
    {
        /// <summary>Index of the oldest entry held.</summary>
        public long LogFirstIndex;
        /// <summary>Entries held.</summary>
        public long LogCount;
        /// <summary>Index of Entries[0].</summary>
        public long StartIndex;
        /// <summary>The entries returned, oldest first.</summary>
        public LogEntry[] Entries;

        /// <summary>The reply payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(13 + Entries.Length * LogEntry.EncodedLength);
            writer.WriteUInt32(LogFirstIndex);
            writer.WriteUInt32(LogCount);
            writer.WriteUInt32(StartIndex);
            writer.WriteByte(Entries.Length);
            for (int i = 0; i < Entries.Length; i++) Entries[i].WriteTo(writer);
            return writer.ToArray();
        }

        /// <summary>Parses the payload; throws ProtocolException (BadPayload) naming the field that is short.</summary>
        public static LogReply Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            LogReply reply = new LogReply();
            reply.LogFirstIndex = reader.ReadUInt32("log first index");
            reply.LogCount = reader.ReadUInt32("log count");
            reply.StartIndex = reader.ReadUInt32("start index");
            int count = reader.ReadByte("entry count");
            if (count > LogRequest.MaxEntries)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "entry count at offset 12 is " + count.ToString() + ", at most 16");
            }
            reply.Entries = new LogEntry[count];
            for (int i = 0; i < count; i++) reply.Entries[i] = LogEntry.ReadFrom(reader);
            return reply;
        }
    }
}
