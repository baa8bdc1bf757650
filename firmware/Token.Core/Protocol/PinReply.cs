namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Payload of the PIN reply: PIN set (1), verified in this connection (1), tries left (1), locked (1).</summary>
    public sealed class PinReply
    {
        public bool PinSet;
        public bool Verified;
        public int TriesLeft;
        public bool Locked;

        public byte[] Encode()
        {
            return new byte[] { (byte)(PinSet ? 1 : 0), (byte)(Verified ? 1 : 0), (byte)TriesLeft, (byte)(Locked ? 1 : 0) };
        }

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
