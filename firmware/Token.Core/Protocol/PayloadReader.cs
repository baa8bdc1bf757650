namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Reads a payload field by field with bounds checks. A short or inconsistent payload throws
    /// <see cref="ProtocolException"/> with <see cref="ErrorCode.BadPayload"/>, naming the field and its offset.
    /// </summary>
    public sealed class PayloadReader
    {
        private readonly byte[] _data;
        private int _position;

        /// <summary>Reads from the whole of <paramref name="data"/>.</summary>
        public PayloadReader(byte[] data)
        {
            _data = data == null ? new byte[0] : data;
        }

        /// <summary>Offset of the next byte to read.</summary>
        public int Position
        {
            get { return _position; }
        }

        /// <summary>Bytes left to read.</summary>
        public int Remaining
        {
            get { return _data.Length - _position; }
        }

        /// <summary>Reads one byte.</summary>
        public int ReadByte(string field)
        {
            Need(1, field);
            return _data[_position++];
        }

        /// <summary>Reads one byte that must be 0 or 1.</summary>
        public bool ReadBool(string field)
        {
            int at = _position;
            int value = ReadByte(field);
            if (value > 1) throw Bad(field, at, "is " + value.ToString() + ", expected 0 or 1");
            return value == 1;
        }

        /// <summary>Reads 2 bytes, big-endian.</summary>
        public int ReadUInt16(string field)
        {
            Need(2, field);
            int value = (_data[_position] << 8) | _data[_position + 1];
            _position += 2;
            return value;
        }

        /// <summary>Reads 4 bytes, big-endian, unsigned.</summary>
        public long ReadUInt32(string field)
        {
            Need(4, field);
            long value = 0;
            for (int i = 0; i < 4; i++) value = (value << 8) | _data[_position++];
            return value;
        }

        /// <summary>Reads 8 bytes, big-endian, signed.</summary>
        public long ReadInt64(string field)
        {
            Need(8, field);
            long value = 0;
            for (int i = 0; i < 8; i++) value = (value << 8) | _data[_position++];
            return value;
        }

        /// <summary>Reads exactly count bytes.</summary>
        public byte[] ReadBytes(int count, string field)
        {
            if (count < 0) throw Bad(field, _position, "has negative length");
            Need(count, field);
            byte[] result = new byte[count];
            System.Array.Copy(_data, _position, result, 0, count);
            _position += count;
            return result;
        }

        /// <summary>Reads a 1-byte length then that many bytes.</summary>
        public byte[] ReadShortBytes(string field)
        {
            int length = ReadByte(field);
            return ReadBytes(length, field);
        }

        /// <summary>Reads a 2-byte big-endian length then that many bytes.</summary>
        public byte[] ReadLongBytes(string field)
        {
            int length = ReadUInt16(field);
            return ReadBytes(length, field);
        }

        /// <summary>Reads a 1-byte length then that many UTF-8 bytes.</summary>
        public string ReadString(string field)
        {
            byte[] utf8 = ReadShortBytes(field);
            if (utf8.Length == 0) return "";
            return System.Text.Encoding.UTF8.GetString(utf8, 0, utf8.Length);
        }

        /// <summary>Throws unless every byte was read: trailing bytes mean the payload was not what we think.</summary>
        public void ExpectEnd(string what)
        {
            if (_position != _data.Length)
            {
                throw new ProtocolException(ErrorCode.BadPayload, what + ": " + (_data.Length - _position).ToString()
                    + " unexpected trailing bytes at offset " + _position.ToString());
            }
        }

        private void Need(int count, string field)
        {
            if (count > _data.Length - _position)
            {
                throw Bad(field, _position, "needs " + count.ToString() + " bytes, " + (_data.Length - _position).ToString() + " left");
            }
        }

        private static ProtocolException Bad(string field, int offset, string problem)
        {
            return new ProtocolException(ErrorCode.BadPayload, field + " at offset " + offset.ToString() + " " + problem);
        }
    }
}
