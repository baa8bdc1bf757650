namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// The counter binding (firmware/PROTOCOL.md, "SIGN", protocol 2): the claim names the token serial and the
    /// counter value of its own signature in one `claim_generator_info` extension field,
    /// <c>"org.provenancedevice.token": {"serial": text, "counter": uint}</c>, encoded as CBOR with the shortest
    /// heads (RFC 8949 §4.2.1). The token builds these bytes itself from its serial and the counter it is about to
    /// use and signs only when they stand at the offset the host names and the field name appears exactly once, so a
    /// counter found in a signed claim is the token's word, not the host's.
    /// </summary>
    public static class CounterBinding
    {
        /// <summary>The extension field's name in `claim_generator_info`.</summary>
        public const string FieldName = "org.provenancedevice.token";

        /// <summary>
        /// The four bytes that start a protocol 2 SIGN request: 0xFF (a CBOR "break", which begins no CBOR item, so
        /// no COSE Sig_structure a protocol 1 host sends), "PD", 0x02.
        /// </summary>
        public static byte[] SignMagic()
        {
            return new byte[] { 0xFF, 0x50, 0x44, 0x02 };
        }

        /// <summary>Binding offset meaning "no counter in these bytes" (e.g. an enrolment challenge).</summary>
        public const int NoBinding = 0xFFFF;

        /// <summary>
        /// Binding offset meaning "no counter in these bytes, and the press for them also covers the next SIGN of this
        /// host session if it is bound" (PROTOCOL.md, "Identity and claim under one press"). Firmware without it refuses
        /// the offset as lying beyond the bytes (BadPayload) before any press, so a host can try it safely.
        /// </summary>
        public const int PairedWithNext = 0xFFFE;

        /// <summary>The field name as a CBOR text string: what must appear exactly once.</summary>
        public static byte[] FieldNameBytes()
        {
            return TextString(FieldName);
        }

        /// <summary>The whole field, name and value, for <paramref name="serial"/> and <paramref name="counter"/>.</summary>
        public static byte[] Encode(string serial, long counter)
        {
            if (serial == null) throw new System.ArgumentNullException("serial");
            if (counter < 0) throw new System.ArgumentOutOfRangeException("counter");
            byte[] name = TextString(FieldName);
            byte[] serialKey = TextString("serial");
            byte[] serialValue = TextString(serial);
            byte[] counterKey = TextString("counter");
            byte[] counterValue = Head(0, counter);
            byte[] field = new byte[name.Length + 1 + serialKey.Length + serialValue.Length + counterKey.Length + counterValue.Length];
            int at = 0;
            at = Append(field, at, name);
            field[at++] = 0xA2;
            at = Append(field, at, serialKey);
            at = Append(field, at, serialValue);
            at = Append(field, at, counterKey);
            Append(field, at, counterValue);
            return field;
        }

        /// <summary>How often <paramref name="pattern"/> occurs in <paramref name="data"/> from <paramref name="start"/> on, overlaps counted.</summary>
        public static int CountOccurrences(byte[] data, int start, byte[] pattern)
        {
            int count = 0;
            for (int i = start; i <= data.Length - pattern.Length; i++)
            {
                if (MatchesAt(data, i, pattern)) count++;
            }
            return count;
        }

        /// <summary>True when <paramref name="data"/> holds <paramref name="pattern"/> at <paramref name="offset"/>.</summary>
        public static bool MatchesAt(byte[] data, int offset, byte[] pattern)
        {
            if (offset < 0 || offset > data.Length - pattern.Length) return false;
            for (int j = 0; j < pattern.Length; j++)
            {
                if (data[offset + j] != pattern[j]) return false;
            }
            return true;
        }

        private static byte[] TextString(string text)
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            byte[] head = Head(3, utf8.Length);
            byte[] result = new byte[head.Length + utf8.Length];
            System.Array.Copy(head, result, head.Length);
            System.Array.Copy(utf8, 0, result, head.Length, utf8.Length);
            return result;
        }

        /// <summary>A CBOR head of major type <paramref name="major"/> with the shortest argument encoding.</summary>
        private static byte[] Head(int major, long value)
        {
            int type = major << 5;
            if (value < 24) return new byte[] { (byte)(type | (int)value) };
            if (value <= 0xFF) return new byte[] { (byte)(type | 24), (byte)value };
            if (value <= 0xFFFF) return new byte[] { (byte)(type | 25), (byte)(value >> 8), (byte)value };
            if (value <= 0xFFFFFFFFL)
            {
                return new byte[] { (byte)(type | 26), (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value };
            }
            byte[] head = new byte[9];
            head[0] = (byte)(type | 27);
            for (int i = 0; i < 8; i++) head[1 + i] = (byte)(value >> (56 - 8 * i));
            return head;
        }

        private static int Append(byte[] target, int at, byte[] source)
        {
            System.Array.Copy(source, 0, target, at, source.Length);
            return at + source.Length;
        }
    }
}
