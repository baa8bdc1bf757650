namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Payload of the ATTEST reply: key protection (1), serial (string), public key (length byte + 65 bytes, or 0),
    /// description (string), certificate chain (2-byte length + bytes; empty for the software key), attestation (2-byte length + bytes; empty without one).
    /// </summary>
    public sealed class AttestReply
    {
        /// <summary>A <see cref="Hal.KeyProtection"/> value.</summary>
        public int KeyProtection;
        /// <summary>Token serial number.</summary>
        public string Serial;
        /// <summary>0x04 || X || Y, or empty when there is no key.</summary>
        public byte[] PublicKey;
        /// <summary>What protects the key, in words ("software key, not hardware-protected", ...).</summary>
        public string Description;
        /// <summary>Certificate chain the secure element provides (concatenated DER certificates), or empty.</summary>
        public byte[] CertificateChain;
        /// <summary>The chip's <see cref="KeyAttestation"/> over the host's challenge, or empty (no challenge, or no maker certificate).</summary>
        public byte[] Attestation;

        /// <summary>The reply payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(128 + (CertificateChain == null ? 0 : CertificateChain.Length) + (Attestation == null ? 0 : Attestation.Length));
            writer.WriteByte(KeyProtection);
            writer.WriteString(Serial);
            writer.WriteShortBytes(PublicKey);
            writer.WriteString(Description);
            writer.WriteLongBytes(CertificateChain);
            writer.WriteLongBytes(Attestation == null ? new byte[0] : Attestation);
            return writer.ToArray();
        }

        /// <summary>Parses the payload; throws ProtocolException (BadPayload) naming the field that is short.</summary>
        public static AttestReply Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            AttestReply reply = new AttestReply();
            reply.KeyProtection = reader.ReadByte("key protection");
            reply.Serial = reader.ReadString("serial");
            reply.PublicKey = reader.ReadShortBytes("public key");
            reply.Description = reader.ReadString("description");
            reply.CertificateChain = reader.ReadLongBytes("certificate chain");
            // Added with chip attestation: a reply from older firmware ends before it.
            reply.Attestation = reader.Remaining > 0 ? reader.ReadLongBytes("attestation") : new byte[0];
            return reply;
        }
    }
}
