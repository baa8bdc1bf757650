namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Consistent Overhead Byte Stuffing: removes every 0x00 so that 0x00 can delimit frames.</summary>
    public static class Cobs
    {
        /// <summary>Largest encoded size of <paramref name="length"/> input bytes (without the delimiter).</summary>
        public static int MaxEncodedLength(int length)
        {
            return length + length / 254 + 1;
        }

        /// <summary>Encodes without the trailing 0x00 delimiter.</summary>
        public static byte[] Encode(byte[] data, int offset, int count)
        {
            byte[] output = new byte[MaxEncodedLength(count)];
            int codeIndex = 0;
            int write = 1;
            byte code = 1;
            for (int i = offset; i < offset + count; i++)
            {
                if (data[i] == 0)
                {
                    output[codeIndex] = code;
                    codeIndex = write++;
                    code = 1;
                }
                else
                {
                    output[write++] = data[i];
                    code++;
                    if (code == 0xFF)
                    {
                        output[codeIndex] = code;
                        codeIndex = write++;
                        code = 1;
                    }
                }
            }
            output[codeIndex] = code;
            byte[] result = new byte[write];
            System.Array.Copy(output, result, write);
            return result;
        }

        /// <summary>Decodes one frame (delimiter already removed); returns null when the encoding is invalid.</summary>
        public static byte[] Decode(byte[] data, int offset, int count)
        {
            byte[] output = new byte[count];
            int read = offset;
            int end = offset + count;
            int write = 0;
            while (read < end)
            {
                int code = data[read++];
                if (code == 0) return null;
                for (int i = 1; i < code; i++)
                {
                    if (read >= end) return null;
                    byte b = data[read++];
                    if (b == 0) return null;
                    output[write++] = b;
                }
                if (code != 0xFF && read < end) output[write++] = 0;
            }
            byte[] result = new byte[write];
            System.Array.Copy(output, result, write);
            return result;
        }
    }
}
