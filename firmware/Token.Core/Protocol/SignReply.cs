namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Payload of the SIGN reply (PROTOCOL.md, "SIGN"): signature, counter, log entry hash, time, previous hash.</summary>
    public sealed class SignReply
    {
        /// <summary>Size of the payload (144 bytes).</summary>
        public const int EncodedLength = 64 + 8 + 32 + 8 + 32;

        /// <summary>ECDSA P-256 signature over SHA-256 of the to-be-signed bytes, r || s (32 bytes each).</summary>
        public byte[] Signature;
        /// <summary>The counter value this signature consumed.</summary>
        public long Counter;
        /// <summary>Hash of the log entry recording this signature.</summary>
        public byte[] EntryHash;
        /// <summary>Token time of the entry, Unix seconds.</summary>
        public long Time;
        /// <summary>Hash of the log entry before it (zeros for the first).</summary>
        public byte[] PreviousHash;

        /// <summary>The reply payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(EncodedLength);
            writer.WriteBytes(Signature);
            writer.WriteInt64(Counter);
            writer.WriteBytes(EntryHash);
            writer.WriteInt64(Time);
            writer.WriteBytes(PreviousHash);
            return writer.ToArray();
        }

        /// <summary>Parses the payload; trailing bytes are ignored.</summary>
        public static SignReply Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            SignReply reply = new SignReply();
            reply.Signature = reader.ReadBytes(64, "signature");
            reply.Counter = reader.ReadInt64("counter");
            reply.EntryHash = reader.ReadBytes(32, "entry hash");
            reply.Time = reader.ReadInt64("time");
            reply.PreviousHash = reader.ReadBytes(32, "previous hash");
            return reply;
        }
    }
}
