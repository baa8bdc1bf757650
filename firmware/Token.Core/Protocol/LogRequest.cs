namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Payload of the LOG request: first entry index (4 bytes) and how many entries (1 byte, 1..16).</summary>
    public sealed class LogRequest
    {
        /// <summary>Most entries one LOG request may ask for.</summary>
        public const int MaxEntries = 16;

        /// <summary>Index of the first entry wanted.</summary>
        public long StartIndex;
        /// <summary>Entries wanted, 1..16.</summary>
        public int Count;

        /// <summary>The 5-byte request payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(5);
            writer.WriteUInt32(StartIndex);
            writer.WriteByte(Count);
            return writer.ToArray();
        }

        /// <summary>Parses and checks the request (strict: exactly 5 bytes, count 1..16).</summary>
        public static LogRequest Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            LogRequest request = new LogRequest();
            request.StartIndex = reader.ReadUInt32("start index");
            request.Count = reader.ReadByte("count");
            reader.ExpectEnd("LOG request");
            if (request.Count < 1 || request.Count > MaxEntries)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "count at offset 4 is " + request.Count.ToString() + ", expected 1..16");
            }
            return request;
        }
    }
}
