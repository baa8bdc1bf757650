namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// The token's configuration, as the CONFIG reply and the CONFIG set request carry it (6 bytes):
    /// session signatures N (2), session minutes M (2), press timeout seconds (2). A press on SIGN opens a signing
    /// session that allows N signatures (when N &gt; 0) within M minutes (when M &gt; 0); N = M = 0 means every
    /// signature needs its own press.
    /// </summary>
    public sealed class ConfigPayload
    {
        /// <summary>Size of the payload.</summary>
        public const int EncodedLength = 6;
        /// <summary>Largest N.</summary>
        public const int MaxSessionSignatures = 1000;
        /// <summary>Largest M (8 hours).</summary>
        public const int MaxSessionMinutes = 480;
        /// <summary>Shortest press timeout.</summary>
        public const int MinPressTimeoutSeconds = 5;
        /// <summary>Longest press timeout.</summary>
        public const int MaxPressTimeoutSeconds = 300;
        /// <summary>Press timeout of a fresh or reset token.</summary>
        public const int DefaultPressTimeoutSeconds = 30;

        /// <summary>N: signatures one press allows (0: no count limit).</summary>
        public int SessionSignatures;
        /// <summary>M: minutes a session stays open (0: no time limit).</summary>
        public int SessionMinutes;
        /// <summary>How long the token waits for its button.</summary>
        public int PressTimeoutSeconds = DefaultPressTimeoutSeconds;

        /// <summary>The 6-byte payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(EncodedLength);
            writer.WriteUInt16(SessionSignatures);
            writer.WriteUInt16(SessionMinutes);
            writer.WriteUInt16(PressTimeoutSeconds);
            return writer.ToArray();
        }

        /// <summary>Parses and range-checks the 6 bytes (N 0..1000, M 0..480, timeout 5..300 s).</summary>
        public static ConfigPayload Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            ConfigPayload config = new ConfigPayload();
            config.SessionSignatures = reader.ReadUInt16("session signatures");
            config.SessionMinutes = reader.ReadUInt16("session minutes");
            config.PressTimeoutSeconds = reader.ReadUInt16("press timeout");
            reader.ExpectEnd("CONFIG");
            if (config.SessionSignatures > MaxSessionSignatures) throw OutOfRange("session signatures", 0, config.SessionSignatures, "0..1000");
            if (config.SessionMinutes > MaxSessionMinutes) throw OutOfRange("session minutes", 2, config.SessionMinutes, "0..480");
            if (config.PressTimeoutSeconds < MinPressTimeoutSeconds || config.PressTimeoutSeconds > MaxPressTimeoutSeconds)
            {
                throw OutOfRange("press timeout", 4, config.PressTimeoutSeconds, "5..300");
            }
            return config;
        }

        /// <summary>True when a press may open a signing session.</summary>
        public bool SessionsEnabled
        {
            get { return SessionSignatures > 0 || SessionMinutes > 0; }
        }

        private static ProtocolException OutOfRange(string field, int offset, int value, string range)
        {
            return new ProtocolException(ErrorCode.BadPayload, field + " at offset " + offset.ToString() + " is "
                + value.ToString() + ", expected " + range);
        }
    }
}
