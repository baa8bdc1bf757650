namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// The BATCH request and reply (PROTOCOL.md "BATCH", revision 3), 4 bytes each: signatures N (2, 1..1000) and
    /// seconds S (2, 10..3600). The request asks one press to authorise exactly N SIGNs of this host session within
    /// S seconds; the reply states what the press granted.
    /// </summary>
    public sealed class BatchPayload
    {
        /// <summary>Size of the payload.</summary>
        public const int EncodedLength = 4;
        /// <summary>Largest N, as for CONFIG sessions.</summary>
        public const int MaxSignatures = ConfigPayload.MaxSessionSignatures;
        /// <summary>Shortest window.</summary>
        public const int MinSeconds = 10;
        /// <summary>Longest window (one hour): a forgotten batch does not stay authorised for the day.</summary>
        public const int MaxSeconds = 3600;

        /// <summary>N: signatures the press authorises.</summary>
        public int Signatures;
        /// <summary>S: seconds from the press after which the unused rest lapses.</summary>
        public int Seconds;

        /// <summary>The 4-byte payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(EncodedLength);
            writer.WriteUInt16(Signatures);
            writer.WriteUInt16(Seconds);
            return writer.ToArray();
        }

        /// <summary>Parses and range-checks the 4 bytes; throws <see cref="ProtocolException"/> (BadPayload) naming the field.</summary>
        public static BatchPayload Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            BatchPayload batch = new BatchPayload();
            batch.Signatures = reader.ReadUInt16("signatures");
            batch.Seconds = reader.ReadUInt16("seconds");
            reader.ExpectEnd("BATCH");
            if (batch.Signatures < 1 || batch.Signatures > MaxSignatures)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "signatures at offset 0 is " + batch.Signatures.ToString() + ", expected 1..1000");
            }
            if (batch.Seconds < MinSeconds || batch.Seconds > MaxSeconds)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "seconds at offset 2 is " + batch.Seconds.ToString() + ", expected 10..3600");
            }
            return batch;
        }
    }
}
