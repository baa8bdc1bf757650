namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Payload of the PIN reply: PIN set (1), verified in this connection (1), tries left (1), locked (1).</summary>
    public sealed class PinReply
    {
        /// <summary>A PIN is set.</summary>
        public bool PinSet;
        /// <summary>The PIN was verified in this connection.</summary>
        public bool Verified;
        /// <summary>Wrong PINs left before the lock.</summary>
        public int TriesLeft;
        /// <summary>The token is locked until RESET.</summary>
        public bool Locked;

        /// <summary>The 4-byte reply payload.</summary>
        public byte[] Encode()
        {
            return new byte[] { (byte)(PinSet ? 1 : 0), (byte)(Verified ? 1 : 0), (byte)TriesLeft, (byte)(Locked ? 1 : 0) };
        }

        /// <summary>Parses the payload; throws ProtocolException (BadPayload) when short.</summary>
        public static PinReply Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            PinReply reply = new PinReply();
            reply.PinSet = reader.ReadBool("PIN set");
            reply.Verified = reader.ReadBool("verified");
            reply.TriesLeft = reader.ReadByte("tries left");
            reply.Locked = reader.ReadBool("locked");
            return reply;
        }
    }
}
