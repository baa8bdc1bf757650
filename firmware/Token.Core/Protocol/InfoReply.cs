namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Payload of the INFO reply (PROTOCOL.md, "INFO").</summary>
    public sealed class InfoReply
    {
        /// <summary>Wire protocol version (1).</summary>
        public int ProtocolVersion;
        /// <summary>A signing key exists.</summary>
        public bool HasKey;
        /// <summary>A <see cref="Hal.KeyProtection"/> value.</summary>
        public int KeyProtection;
        /// <summary>The key lives in an ATECC608B.</summary>
        public bool SecureElementPresent;
        /// <summary>Highest counter value ever reserved (0 before the first signature); the next signature gets a larger one.</summary>
        public long Counter;
        /// <summary>Index of the oldest log entry still held.</summary>
        public long LogFirstIndex;
        /// <summary>Number of log entries held (indexes LogFirstIndex .. LogFirstIndex + LogCount - 1).</summary>
        public long LogCount;
        /// <summary>A PIN is set.</summary>
        public bool PinSet;
        /// <summary>The PIN was verified in this connection.</summary>
        public bool PinVerified;
        /// <summary>8 wrong PINs: only INFO and RESET work.</summary>
        public bool Locked;
        /// <summary>Wrong PINs left before the lock.</summary>
        public int PinTriesLeft;
        /// <summary>A signing session lets SIGN go without a press.</summary>
        public bool SessionOpen;
        /// <summary>Signatures the open session still allows without a press (0 when closed or limited by time only).</summary>
        public int SessionSignaturesLeft;
        /// <summary>Seconds the open session stays open (0 when closed or limited by count only).</summary>
        public long SessionSecondsLeft;
        /// <summary>Firmware version string.</summary>
        public string FirmwareVersion;
        /// <summary>Board profile name from boards.json.</summary>
        public string Board;
        /// <summary>Token serial number.</summary>
        public string Serial;
        /// <summary>
        /// The secure element is configured and locked (PROVISION done); false without one. Appended after the
        /// serial, so a reply from older firmware without it decodes as false.
        /// </summary>
        public bool SecureElementProvisioned;

        /// <summary>The reply payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(96);
            writer.WriteByte(ProtocolVersion);
            writer.WriteBool(HasKey);
            writer.WriteByte(KeyProtection);
            writer.WriteBool(SecureElementPresent);
            writer.WriteInt64(Counter);
            writer.WriteUInt32(LogFirstIndex);
            writer.WriteUInt32(LogCount);
            writer.WriteBool(PinSet);
            writer.WriteBool(PinVerified);
            writer.WriteBool(Locked);
            writer.WriteByte(PinTriesLeft);
            writer.WriteBool(SessionOpen);
            writer.WriteUInt16(SessionSignaturesLeft);
            writer.WriteUInt32(SessionSecondsLeft);
            writer.WriteString(FirmwareVersion);
            writer.WriteString(Board);
            writer.WriteString(Serial);
            writer.WriteBool(SecureElementProvisioned);
            return writer.ToArray();
        }

        /// <summary>Parses the payload; trailing bytes (fields of a later firmware) are ignored.</summary>
        public static InfoReply Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            InfoReply info = new InfoReply();
            info.ProtocolVersion = reader.ReadByte("protocol version");
            info.HasKey = reader.ReadBool("key state");
            info.KeyProtection = reader.ReadByte("key protection");
            info.SecureElementPresent = reader.ReadBool("secure element present");
            info.Counter = reader.ReadInt64("counter");
            info.LogFirstIndex = reader.ReadUInt32("log first index");
            info.LogCount = reader.ReadUInt32("log count");
            info.PinSet = reader.ReadBool("PIN set");
            info.PinVerified = reader.ReadBool("PIN verified");
            info.Locked = reader.ReadBool("locked");
            info.PinTriesLeft = reader.ReadByte("PIN tries left");
            info.SessionOpen = reader.ReadBool("session open");
            info.SessionSignaturesLeft = reader.ReadUInt16("session signatures left");
            info.SessionSecondsLeft = reader.ReadUInt32("session seconds left");
            info.FirmwareVersion = reader.ReadString("firmware version");
            info.Board = reader.ReadString("board");
            info.Serial = reader.ReadString("serial");
            if (reader.Remaining > 0) info.SecureElementProvisioned = reader.ReadBool("secure element provisioned");
            return info;
        }
    }
}
