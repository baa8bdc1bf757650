namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Payload of the PROVISION reply (PROTOCOL.md, "PROVISION"): the chip's serial (string), config zone locked
    /// (bool), data zone locked (bool).
    /// </summary>
    public sealed class ProvisionReply
    {
        /// <summary>The secure element's serial number, hex digits.</summary>
        public string Serial;
        /// <summary>The configuration zone is locked.</summary>
        public bool ConfigLocked;
        /// <summary>The data and OTP zones are locked.</summary>
        public bool DataLocked;

        /// <summary>The reply payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(40);
            writer.WriteString(Serial);
            writer.WriteBool(ConfigLocked);
            writer.WriteBool(DataLocked);
            return writer.ToArray();
        }

        /// <summary>Parses the payload; trailing bytes (fields of a later firmware) are ignored.</summary>
        public static ProvisionReply Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            ProvisionReply reply = new ProvisionReply();
            reply.Serial = reader.ReadString("serial");
            reply.ConfigLocked = reader.ReadBool("config zone locked");
            reply.DataLocked = reader.ReadBool("data zone locked");
            return reply;
        }
    }
}
