using ProvenanceDevice.Token.Crypto;

namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Rebuilds an X.509 certificate from the 72 bytes a pre-provisioned ATECC608 keeps of it (Microchip's compressed
    /// certificate, CryptoAuthLib lib/atcacert: atcacert_set_comp_cert, atcacert_date_dec_compcert, atcacert_generate_sn,
    /// atcacert_get_key_id), written anew for the nanoFramework subset from that format's description:
    /// <list type="bullet">
    /// <item>bytes 0-63: the signature r || s;</item>
    /// <item>bytes 64-66: issue date and validity, bit-packed: year-2000 (5 bits), month (4), day (5), hour (5), expire
    /// years (5; 0 = no expiry, 9999-12-31 23:59:59); minutes and seconds are zero;</item>
    /// <item>bytes 67-68: signer id; byte 69: template id (high nibble), chain id (low nibble);</item>
    /// <item>byte 70: serial number source (high nibble), format version (low nibble: only 0 is accepted here); byte 71: 0.</item>
    /// </list>
    /// Everything else comes from the <see cref="CertificateTemplate"/> and the chip. Every length is bounded by the template
    /// (at most <see cref="CertificateTemplate.MaxLength"/> bytes plus a 72-byte signature), nothing recurses, and every
    /// refusal is a <see cref="CertificateFormatException"/> naming the element.
    /// </summary>
    public static class CompressedCertificate
    {
        /// <summary>Size of a compressed certificate in its slot.</summary>
        public const int Length = 72;

        /// <summary>
        /// The certificate's DER. <paramref name="subjectPublicKey"/> and <paramref name="issuerPublicKey"/> are 64 bytes
        /// X || Y (the issuer's only when the template has an authority key id); <paramref name="deviceSerial"/> is SN[0:8]
        /// (only when the template has a device-serial element).
        /// </summary>
        public static byte[] Decompress(CertificateTemplate template, byte[] compressed, byte[] subjectPublicKey, byte[] issuerPublicKey, byte[] deviceSerial)
        {
            if (template == null) throw new System.ArgumentNullException("template");
            template.Validate();
            if (compressed == null || compressed.Length != Length) throw new CertificateFormatException("length", "a compressed certificate is " + Length.ToString() + " bytes");
            if (subjectPublicKey == null || subjectPublicKey.Length != 64) throw new CertificateFormatException("public key", "64 bytes X || Y expected");
            int format = compressed[70] & 0x0F;
            if (format != 0) throw new CertificateFormatException("format version", "version " + format.ToString() + " (byte 70) is not supported; only 0");
            if (((compressed[69] >> 4) & 0x0F) != template.TemplateId) throw new CertificateFormatException("template id", "byte 69 names template " + ((compressed[69] >> 4) & 0x0F).ToString() + ", expected " + template.TemplateId.ToString());
            if ((compressed[69] & 0x0F) != template.ChainId) throw new CertificateFormatException("chain id", "byte 69 names chain " + (compressed[69] & 0x0F).ToString() + ", expected " + template.ChainId.ToString());
            if (((compressed[70] >> 4) & 0x0F) != template.SerialSource) throw new CertificateFormatException("serial number source", "byte 70 names source " + ((compressed[70] >> 4) & 0x0F).ToString());
            if (compressed[71] != 0) throw new CertificateFormatException("reserved", "byte 71 must be 0 in format 0");

            byte[] signature = EncodeSignature(compressed);
            int tbsEnd = template.SignatureOffset;
            int total = tbsEnd + signature.Length;
            if (total - 4 > 0xFFFF) throw new CertificateFormatException("length", "certificate too long");
            byte[] der = new byte[total];
            System.Array.Copy(template.Der, der, tbsEnd);
            System.Array.Copy(signature, 0, der, tbsEnd, signature.Length);
            der[2] = (byte)((total - 4) >> 8);
            der[3] = (byte)(total - 4);

            System.Array.Copy(subjectPublicKey, 0, der, template.PublicKeyOffset, 64);

            int year = 2000 + (compressed[64] >> 3);
            int month = ((compressed[64] & 0x07) << 1) | (compressed[65] >> 7);
            int day = (compressed[65] >> 2) & 0x1F;
            int hour = ((compressed[65] & 0x03) << 3) | (compressed[66] >> 5);
            int expireYears = compressed[66] & 0x1F;
            if (month < 1 || month > 12) throw new CertificateFormatException("issue date", "month " + month.ToString());
            if (day < 1 || day > DaysInMonth(year, month)) throw new CertificateFormatException("issue date", "day " + day.ToString());
            if (hour > 23) throw new CertificateFormatException("issue date", "hour " + hour.ToString());
            WriteDate(der, template.IssueDateOffset, template.IssueDateLength, year, month, day, hour, 0, 0, "issue date");
            if (expireYears == 0)
            {
                WriteDate(der, template.ExpireDateOffset, template.ExpireDateLength, 9999, 12, 31, 23, 59, 59, "expire date");
            }
            else
            {
                int expireDay = day;
                if (month == 2 && day == 29 && DaysInMonth(year + expireYears, 2) == 28) expireDay = 28;
                WriteDate(der, template.ExpireDateOffset, template.ExpireDateLength, year + expireYears, month, expireDay, hour, 0, 0, "expire date");
            }

            if (template.SignerIdOffset >= 0)
            {
                WriteHex(der, template.SignerIdOffset, compressed, 67, 2);
            }

            byte[] serial = new byte[template.SerialNumberLength];
            if (template.SerialSource == CertificateTemplate.SerialFromSignerId)
            {
                if (serial.Length != 3) throw new CertificateFormatException("serial number", "a signer-id serial number is 3 bytes");
                serial[0] = 0x40;
                serial[1] = compressed[67];
                serial[2] = compressed[68];
            }
            else
            {
                byte[] message = new byte[67];
                System.Array.Copy(subjectPublicKey, message, 64);
                System.Array.Copy(compressed, 64, message, 64, 3);
                byte[] digest = Sha256.Hash(message);
                System.Array.Copy(digest, serial, serial.Length);
                serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
            }
            System.Array.Copy(serial, 0, der, template.SerialNumberOffset, serial.Length);

            if (template.SubjectKeyIdOffset >= 0)
            {
                System.Array.Copy(KeyId(subjectPublicKey), 0, der, template.SubjectKeyIdOffset, 20);
            }
            if (template.AuthorityKeyIdOffset >= 0)
            {
                if (issuerPublicKey == null || issuerPublicKey.Length != 64) throw new CertificateFormatException("authority key id", "the issuer's 64-byte public key is needed");
                System.Array.Copy(KeyId(issuerPublicKey), 0, der, template.AuthorityKeyIdOffset, 20);
            }
            if (template.DeviceSerialHexOffset >= 0)
            {
                if (deviceSerial == null || deviceSerial.Length != 9) throw new CertificateFormatException("device serial", "the chip's 9-byte serial number is needed");
                WriteHex(der, template.DeviceSerialHexOffset, deviceSerial, 0, 9);
            }
            return der;
        }

        /// <summary>RFC 5280 §4.2.1.2 method 1 as CryptoAuthLib computes it: SHA-1 of 0x04 || X || Y.</summary>
        public static byte[] KeyId(byte[] publicKey64)
        {
            byte[] point = new byte[65];
            point[0] = 0x04;
            System.Array.Copy(publicKey64, 0, point, 1, 64);
            return Sha1.Hash(point);
        }

        /// <summary>The signature as a certificate ends: BIT STRING { 0 unused bits, SEQUENCE { INTEGER r, INTEGER s } } (RFC 5480 §2.2 / RFC 3279 §2.2.3).</summary>
        private static byte[] EncodeSignature(byte[] compressed)
        {
            byte[] r = DerInteger(compressed, 0);
            byte[] s = DerInteger(compressed, 32);
            int sequenceLength = r.Length + s.Length;
            int bitStringLength = 1 + 2 + sequenceLength;
            byte[] result = new byte[2 + bitStringLength];
            result[0] = 0x03;
            result[1] = (byte)bitStringLength;
            result[2] = 0x00;
            result[3] = 0x30;
            result[4] = (byte)sequenceLength;
            System.Array.Copy(r, 0, result, 5, r.Length);
            System.Array.Copy(s, 0, result, 5 + r.Length, s.Length);
            return result;
        }

        private static byte[] DerInteger(byte[] source, int offset)
        {
            int start = offset;
            while (start < offset + 31 && source[start] == 0) start++;
            int length = offset + 32 - start;
            bool pad = (source[start] & 0x80) != 0;
            if (length == 1 && source[start] == 0) throw new CertificateFormatException("signature", "r or s is zero");
            byte[] result = new byte[2 + (pad ? 1 : 0) + length];
            result[0] = 0x02;
            result[1] = (byte)(length + (pad ? 1 : 0));
            System.Array.Copy(source, start, result, 2 + (pad ? 1 : 0), length);
            return result;
        }

        private static void WriteDate(byte[] der, int offset, int length, int year, int month, int day, int hour, int minute, int second, string element)
        {
            int at = offset;
            if (length == 13)
            {
                // UTCTime covers 1950-2049 (RFC 5280 §4.1.2.5.1).
                if (year > 2049) throw new CertificateFormatException(element, "year " + year.ToString() + " does not fit the template's UTCTime");
                at = WriteDigits(der, at, year % 100, 2);
            }
            else
            {
                at = WriteDigits(der, at, year, 4);
            }
            at = WriteDigits(der, at, month, 2);
            at = WriteDigits(der, at, day, 2);
            at = WriteDigits(der, at, hour, 2);
            at = WriteDigits(der, at, minute, 2);
            at = WriteDigits(der, at, second, 2);
            der[at] = (byte)'Z';
        }

        private static int WriteDigits(byte[] der, int at, int value, int digits)
        {
            for (int i = digits - 1; i >= 0; i--)
            {
                der[at + i] = (byte)('0' + (value % 10));
                value /= 10;
            }
            return at + digits;
        }

        private static void WriteHex(byte[] der, int at, byte[] source, int offset, int count)
        {
            const string Digits = "0123456789ABCDEF";
            for (int i = 0; i < count; i++)
            {
                der[at + (2 * i)] = (byte)Digits[source[offset + i] >> 4];
                der[at + (2 * i) + 1] = (byte)Digits[source[offset + i] & 0x0F];
            }
        }

        private static int DaysInMonth(int year, int month)
        {
            if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
            return 31;
        }
    }
}
