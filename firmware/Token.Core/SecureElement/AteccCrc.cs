namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// CRC-16 as the ATECC608B computes it over its I/O packets: polynomial 0x8005, initial value 0,
    /// each byte fed least-significant bit first, no final xor, sent least-significant byte first
    /// (the algorithm of CryptoAuthLib's atCRC). The wake response 04 11 33 43 carries the CRC of 04 11.
    /// </summary>
    public static class AteccCrc
    {
        /// <summary>The CRC register value over <paramref name="count"/> bytes.</summary>
        public static ushort Compute(byte[] data, int offset, int count)
        {
            if (data == null) throw new System.ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset > data.Length - count) throw new System.ArgumentOutOfRangeException("count");
            AteccCrcAccumulator crc = new AteccCrcAccumulator();
            crc.Update(data, offset, count);
            return (ushort)crc.Value;
        }

        /// <summary>Writes the CRC of data[offset..offset+count) little-endian at data[offset+count].</summary>
        public static void Append(byte[] data, int offset, int count)
        {
            ushort crc = Compute(data, offset, count);
            data[offset + count] = (byte)(crc & 0xFF);
            data[offset + count + 1] = (byte)(crc >> 8);
        }

        /// <summary>True when the two bytes after data[offset..offset+count) are its CRC, little-endian.</summary>
        public static bool Check(byte[] data, int offset, int count)
        {
            if (data == null || offset < 0 || count < 0 || offset + count + 2 > data.Length) return false;
            ushort crc = Compute(data, offset, count);
            return data[offset + count] == (byte)(crc & 0xFF) && data[offset + count + 1] == (byte)(crc >> 8);
        }
    }

    /// <summary>Incremental form of <see cref="AteccCrc"/>, for a CRC over many separate pieces (the data-zone lock summary).</summary>
    public sealed class AteccCrcAccumulator
    {
        private const int Polynomial = 0x8005;

        private int _crc;

        /// <summary>The CRC register so far.</summary>
        public int Value
        {
            get { return _crc; }
        }

        public void Update(byte[] data, int offset, int count)
        {
            if (data == null) throw new System.ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset > data.Length - count) throw new System.ArgumentOutOfRangeException("count");
            for (int i = offset; i < offset + count; i++)
            {
                int value = data[i];
                for (int bit = 0; bit < 8; bit++)
                {
                    int dataBit = (value >> bit) & 1;
                    int crcBit = (_crc >> 15) & 1;
                    _crc = (_crc << 1) & 0xFFFF;
                    if (dataBit != crcBit) _crc ^= Polynomial;
                }
            }
        }
    }
}
