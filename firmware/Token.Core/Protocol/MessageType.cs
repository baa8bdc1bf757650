namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Message types (firmware/PROTOCOL.md). Requests are below 0x80; a success reply is request | 0x80.</summary>
    public static class MessageType
    {
        public const byte Info = 0x01;
        public const byte GenerateKey = 0x02;
        public const byte PublicKey = 0x03;
        public const byte Sign = 0x04;
        public const byte Log = 0x05;
        public const byte Pin = 0x06;
        public const byte Attest = 0x07;
        public const byte Config = 0x08;
        public const byte Reset = 0x09;
        /// <summary>Configure and lock the secure element for good (needs a button press).</summary>
        public const byte Provision = 0x0A;
        /// <summary>Starts this host's session on the wire, ending the previous one (protocol revision 2).</summary>
        public const byte OpenSession = 0x0B;
        /// <summary>
        /// One press authorises exactly N signatures for this host session: a signing session for one batch
        /// (protocol revision 3, PROTOCOL.md "BATCH").
        /// </summary>
        public const byte Batch = 0x0C;

        public const byte ReplyBit = 0x80;

        /// <summary>Token to host: a chunk of a multi-frame request arrived; send the next one.</summary>
        public const byte Continue = 0xFC;
        /// <summary>Token to host: waiting for a button press (sent while the request is pending).</summary>
        public const byte WaitingForPress = 0xFD;
        /// <summary>Token to host: the request failed; payload is error code (1 byte) then an ASCII reason.</summary>
        public const byte Error = 0xFF;
    }
}
