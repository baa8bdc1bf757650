namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// One wire frame (firmware/PROTOCOL.md): version, type, flags, sequence, length, payload, CRC-16,
    /// COBS-encoded and terminated by 0x00.
    /// </summary>
    public sealed class Frame
    {
        public const byte ProtocolVersion = 1;
        public const int HeaderLength = 6;
        public const int CrcLength = 2;
        public const int MaxPayload = 240;
        public const int MaxBodyLength = HeaderLength + MaxPayload + CrcLength;

        /// <summary>Flag: more chunks of the same message follow this frame.</summary>
        public const byte FlagMore = 0x01;

        public byte Version;
        public byte Type;
        public byte Flags;
        public byte Sequence;
        public byte[] Payload;

        public Frame(byte type, byte flags, byte sequence, byte[] payload)
        {
            Version = ProtocolVersion;
            Type = type;
            Flags = flags;
            Sequence = sequence;
            Payload = payload == null ? new byte[0] : payload;
        }

        public bool HasMore
        {
            get { return (Flags & FlagMore) != 0; }
        }

        /// <summary>The frame as bytes on the wire: COBS(body) followed by 0x00.</summary>
        public byte[] Encode()
        {
            if (Payload.Length > MaxPayload) throw new System.ArgumentException("payload longer than one frame");
            byte[] body = new byte[HeaderLength + Payload.Length + CrcLength];
            body[0] = Version;
            body[1] = Type;
            body[2] = Flags;
            body[3] = Sequence;
            body[4] = (byte)(Payload.Length >> 8);
            body[5] = (byte)Payload.Length;
            System.Array.Copy(Payload, 0, body, HeaderLength, Payload.Length);
            ushort crc = Crc16.Compute(body, 0, HeaderLength + Payload.Length);
            body[HeaderLength + Payload.Length] = (byte)(crc >> 8);
            body[HeaderLength + Payload.Length + 1] = (byte)crc;
            byte[] encoded = Cobs.Encode(body, 0, body.Length);
            byte[] wire = new byte[encoded.Length + 1];
            System.Array.Copy(encoded, wire, encoded.Length);
            wire[encoded.Length] = 0;
            return wire;
        }
    }
}
