namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Where the variable parts of one X.509 certificate sit in its template: the fixed DER of a certificate of that kind
    /// (issuer, subject pattern, extensions) with placeholders that <see cref="CompressedCertificate.Decompress"/> overwrites
    /// from the chip's 72-byte compressed certificate, the chip's public keys and its serial number. This is the role of a
    /// CryptoAuthLib certificate definition (atcacert_def_t in lib/atcacert/atcacert_def.h): template id, chain id, serial
    /// number source, and the offsets of the standard elements. Offsets count from the start of the template; -1 means the
    /// template has no such element (its bytes stay as the template has them, e.g. a signer certificate's authority key
    /// identifier, fixed by the maker's root). Every element lies before the signature, which ends the certificate.
    /// </summary>
    public sealed class CertificateTemplate
    {
        /// <summary>Largest template accepted (a Trust&amp;GO device certificate is about 500 bytes).</summary>
        public const int MaxLength = 1024;

        /// <summary>Serial number sources (atcacert_cert_sn_src_t): 0x40 then the 2-byte signer id.</summary>
        public const int SerialFromSignerId = 0x9;

        /// <summary>Serial number source: SHA-256(public key || encoded dates), top bits set to 01.</summary>
        public const int SerialFromPublicKeyHash = 0xA;

        /// <summary>The template's DER: a whole certificate whose variable bytes are placeholders.</summary>
        public byte[] Der;

        /// <summary>Template id (4 bits) and chain id (4 bits) the compressed certificate must name.</summary>
        public int TemplateId;
        public int ChainId;

        /// <summary><see cref="SerialFromSignerId"/> or <see cref="SerialFromPublicKeyHash"/>.</summary>
        public int SerialSource;

        /// <summary>64 bytes X || Y of the subject public key, inside the BIT STRING after 0x04.</summary>
        public int PublicKeyOffset = -1;

        /// <summary>The signature BIT STRING's tag; everything from here to the end is replaced.</summary>
        public int SignatureOffset = -1;

        /// <summary>notBefore's characters: 13 (UTCTime YYMMDDHHMMSSZ) or 15 (GeneralizedTime).</summary>
        public int IssueDateOffset = -1;
        public int IssueDateLength;

        /// <summary>notAfter's characters: 13 or 15.</summary>
        public int ExpireDateOffset = -1;
        public int ExpireDateLength;

        /// <summary>4 upper-case hex characters of the signer id (e.g. in the signer's common name).</summary>
        public int SignerIdOffset = -1;

        /// <summary>The serial number INTEGER's content bytes.</summary>
        public int SerialNumberOffset = -1;
        public int SerialNumberLength;

        /// <summary>20 bytes: SHA-1 of the issuer's public key, or -1 when the template fixes them.</summary>
        public int AuthorityKeyIdOffset = -1;

        /// <summary>20 bytes: SHA-1 of the subject public key.</summary>
        public int SubjectKeyIdOffset = -1;

        /// <summary>18 upper-case hex characters of the chip's serial number SN[0:8] (a device certificate's common name).</summary>
        public int DeviceSerialHexOffset = -1;

        /// <summary>Throws <see cref="CertificateFormatException"/> naming the first element that does not fit the template.</summary>
        public void Validate()
        {
            if (Der == null || Der.Length < 64 || Der.Length > MaxLength) throw new CertificateFormatException("template", "template length outside 64.." + MaxLength.ToString());
            if (TemplateId < 0 || TemplateId > 15 || ChainId < 0 || ChainId > 15) throw new CertificateFormatException("template", "template or chain id outside 0..15");
            if (SerialSource != SerialFromSignerId && SerialSource != SerialFromPublicKeyHash) throw new CertificateFormatException("template", "unsupported serial number source " + SerialSource.ToString());
            if (SignatureOffset < 4 || SignatureOffset >= Der.Length) throw new CertificateFormatException("signature", "signature offset outside the template");
            if (Der[0] != 0x30 || Der[1] != 0x82) throw new CertificateFormatException("template", "certificate SEQUENCE must have a two-byte length (0x30 0x82)");
            CheckElement("public key", PublicKeyOffset, 64, true);
            CheckElement("issue date", IssueDateOffset, IssueDateLength, true);
            CheckElement("expire date", ExpireDateOffset, ExpireDateLength, true);
            if (IssueDateLength != 13 && IssueDateLength != 15) throw new CertificateFormatException("issue date", "date is 13 or 15 characters");
            if (ExpireDateLength != 13 && ExpireDateLength != 15) throw new CertificateFormatException("expire date", "date is 13 or 15 characters");
            CheckElement("signer id", SignerIdOffset, 4, false);
            CheckElement("serial number", SerialNumberOffset, SerialNumberLength, true);
            if (SerialNumberLength < 1 || SerialNumberLength > 32) throw new CertificateFormatException("serial number", "1..32 bytes");
            CheckElement("authority key id", AuthorityKeyIdOffset, 20, false);
            CheckElement("subject key id", SubjectKeyIdOffset, 20, false);
            CheckElement("device serial", DeviceSerialHexOffset, 18, false);
        }

        private void CheckElement(string name, int offset, int length, bool required)
        {
            if (offset == -1 && !required) return;
            if (offset < 0 || length <= 0 || offset > SignatureOffset - length)
            {
                throw new CertificateFormatException(name, "element outside the to-be-signed part of the template");
            }
        }
    }
}
