namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// The secure element's statement about the signing key, in ATTEST's reply (PROTOCOL.md, ATTEST): the chip's certified key
    /// signed, in Sign's internal mode, a digest the chip itself made of the signing key's public key (GenKey digest mode) over a
    /// TempKey derived from the host's challenge. Everything the host needs to rebuild the signed 55-byte message is here: the
    /// host checks it against the certificates, its own challenge and the token's public key. Fixed size: <see cref="Length"/>.
    /// </summary>
    public sealed class KeyAttestation
    {
        /// <summary>Encoded size.</summary>
        public const int Length = 1 + 1 + 1 + 1 + 9 + 32 + 64 + 2 + 2 + 1 + 64;

        /// <summary>Format of this block: 1.</summary>
        public const int FormatVersion = 1;

        /// <summary>Slot of the certified key that signed.</summary>
        public int AttestingSlot;
        /// <summary>Slot of the attested signing key (GenKey's KeyID).</summary>
        public int SigningSlot;
        /// <summary>The Sign command's mode byte (0x40: internal, serial number included).</summary>
        public int SignMode;
        /// <summary>SN[0:8].</summary>
        public byte[] SerialNumber;
        /// <summary>RandOut of Nonce (random mode, host challenge as NumIn).</summary>
        public byte[] RandOut;
        /// <summary>X || Y the chip computed from the signing slot's private key (GenKey's answer).</summary>
        public byte[] PublicKey;
        /// <summary>SlotConfig and KeyConfig of the signing slot, as the config zone stores them (LSB first).</summary>
        public byte[] SlotConfig;
        public byte[] KeyConfig;
        /// <summary>SlotLocked's bit for the signing slot: true when the slot is locked.</summary>
        public bool SlotLocked;
        /// <summary>r || s by the attesting key.</summary>
        public byte[] Signature;

        /// <summary>The block's bytes.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(Length);
            writer.WriteByte(FormatVersion);
            writer.WriteByte(AttestingSlot);
            writer.WriteByte(SigningSlot);
            writer.WriteByte(SignMode);
            writer.WriteBytes(SerialNumber);
            writer.WriteBytes(RandOut);
            writer.WriteBytes(PublicKey);
            writer.WriteBytes(SlotConfig);
            writer.WriteBytes(KeyConfig);
            writer.WriteBool(SlotLocked);
            writer.WriteBytes(Signature);
            return writer.ToArray();
        }

        /// <summary>Parses the block; ProtocolException (BadPayload) names the field that is wrong.</summary>
        public static KeyAttestation Decode(byte[] data)
        {
            PayloadReader reader = new PayloadReader(data);
            int version = reader.ReadByte("attestation format");
            if (version != FormatVersion) throw new ProtocolException(ErrorCode.BadPayload, "attestation format " + version.ToString() + " is not " + FormatVersion.ToString());
            KeyAttestation a = new KeyAttestation();
            a.AttestingSlot = reader.ReadByte("attesting slot");
            a.SigningSlot = reader.ReadByte("signing slot");
            a.SignMode = reader.ReadByte("sign mode");
            a.SerialNumber = reader.ReadBytes(9, "serial number");
            a.RandOut = reader.ReadBytes(32, "RandOut");
            a.PublicKey = reader.ReadBytes(64, "attested public key");
            a.SlotConfig = reader.ReadBytes(2, "SlotConfig");
            a.KeyConfig = reader.ReadBytes(2, "KeyConfig");
            a.SlotLocked = reader.ReadBool("slot locked");
            a.Signature = reader.ReadBytes(64, "attestation signature");
            reader.ExpectEnd("attestation");
            return a;
        }
    }
}
