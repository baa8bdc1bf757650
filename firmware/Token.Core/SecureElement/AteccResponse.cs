namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>Parses the chip's response packets: count (itself + data + CRC), data, CRC-16 little-endian.</summary>
    public static class AteccResponse
    {
        /// <summary>Smallest packet: a status packet (count, status, CRC).</summary>
        public const int StatusPacketLength = 4;

        /// <summary>Largest packet this driver accepts: 64 data bytes (GenKey, Sign) plus count and CRC.</summary>
        public const int MaxPacketLength = 64 + 3;

        /// <summary>The wake response: count 4, status 0x11, CRC 33 43.</summary>
        public static readonly byte[] WakeResponse = { 0x04, 0x11, 0x33, 0x43 };

        /// <summary>
        /// True when a 4-byte wake answer says the power-on self test failed: count 4 and status 0x07 with its CRC (40 C2).
        /// CryptoAuthLib's hal_check_wake compares with 04 07 C4 40, which is not the CRC of 04 07; that pattern is taken
        /// too, so whichever of the two a part really sends, the failure is reported as a self-test error, not as noise.
        /// </summary>
        public static bool IsSelfTestFailure(byte[] wakeAnswer)
        {
            if (wakeAnswer == null || wakeAnswer.Length != StatusPacketLength) return false;
            if (wakeAnswer[0] != StatusPacketLength || wakeAnswer[1] != AteccStatus.SelfTestError) return false;
            return AteccCrc.Check(wakeAnswer, 0, 2) || (wakeAnswer[2] == 0xC4 && wakeAnswer[3] == 0x40);
        }

        /// <summary>
        /// Checks the packet and returns its data. A 4-byte packet whose status is not success throws
        /// <see cref="SecureElementException"/> with that status; a wrong count or CRC throws a transient one.
        /// </summary>
        public static byte[] Parse(AteccCommand command, byte[] packet)
        {
            if (command == null) throw new System.ArgumentNullException("command");
            string name = command.Name;
            if (packet == null || packet.Length < StatusPacketLength || packet.Length > MaxPacketLength)
            {
                int length = packet == null ? 0 : packet.Length;
                throw new SecureElementException(AteccStatus.MalformedResponse, name, "packet of " + length.ToString() + " bytes");
            }
            int count = packet[0];
            if (count != packet.Length)
            {
                throw new SecureElementException(AteccStatus.MalformedResponse, name, "count byte " + count.ToString() + " but " + packet.Length.ToString() + " bytes read");
            }
            if (!AteccCrc.Check(packet, 0, count - 2))
            {
                throw new SecureElementException(AteccStatus.ResponseCrcError, name, null);
            }
            int dataLength = count - 3;
            if (dataLength == 1)
            {
                int status = packet[1];
                if (command.ResponseLength == 1 && status == AteccStatus.Success) return new byte[] { 0x00 };
                if (status != AteccStatus.Success) throw new SecureElementException(status, name, null);
            }
            if (dataLength != command.ResponseLength)
            {
                throw new SecureElementException(AteccStatus.MalformedResponse, name, "expected " + command.ResponseLength.ToString() + " data bytes, got " + dataLength.ToString());
            }
            byte[] data = new byte[dataLength];
            System.Array.Copy(packet, 1, data, 0, dataLength);
            return data;
        }
    }
}
