namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Builds a payload field by field: big-endian integers, raw bytes, length-prefixed UTF-8 strings.</summary>
    public sealed class PayloadWriter
    {
        private byte[] _buffer;
        private int _used;

        /// <summary>Creates a writer with room for <paramref name="capacity"/> bytes (it grows when needed).</summary>
        public PayloadWriter(int capacity)
        {
            _buffer = new byte[capacity < 16 ? 16 : capacity];
        }

        /// <summary>Bytes written so far.</summary>
        public int Length
        {
            get { return _used; }
        }

        /// <summary>Writes the low byte.</summary>
        public void WriteByte(int value)
        {
            Ensure(1);
            _buffer[_used++] = (byte)value;
        }

        /// <summary>Writes 1 or 0.</summary>
        public void WriteBool(bool value)
        {
            WriteByte(value ? 1 : 0);
        }

        /// <summary>Writes 2 bytes, big-endian.</summary>
        public void WriteUInt16(int value)
        {
            Ensure(2);
            _buffer[_used++] = (byte)(value >> 8);
            _buffer[_used++] = (byte)value;
        }

        /// <summary>Writes 4 bytes, big-endian.</summary>
        public void WriteUInt32(long value)
        {
            Ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) _buffer[_used++] = (byte)(value >> shift);
        }

        /// <summary>Writes 8 bytes, big-endian (two's complement for negative values).</summary>
        public void WriteInt64(long value)
        {
            Ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) _buffer[_used++] = (byte)(value >> shift);
        }

        /// <summary>Writes the bytes as they are.</summary>
        public void WriteBytes(byte[] data)
        {
            WriteBytes(data, 0, data.Length);
        }

        /// <summary>Writes count bytes from offset.</summary>
        public void WriteBytes(byte[] data, int offset, int count)
        {
            Ensure(count);
            System.Array.Copy(data, offset, _buffer, _used, count);
            _used += count;
        }

        /// <summary>Writes a 1-byte length then the bytes (at most 255).</summary>
        public void WriteShortBytes(byte[] data)
        {
            if (data == null) data = new byte[0];
            if (data.Length > 255) throw new System.ArgumentException("longer than 255 bytes", "data");
            WriteByte(data.Length);
            WriteBytes(data);
        }

        /// <summary>Writes a 1-byte length then the UTF-8 bytes of the string (at most 255 bytes; null is empty).</summary>
        public void WriteString(string value)
        {
            byte[] utf8 = value == null ? new byte[0] : System.Text.Encoding.UTF8.GetBytes(value);
            WriteShortBytes(utf8);
        }

        /// <summary>Writes a 2-byte big-endian length then the bytes (at most 65535).</summary>
        public void WriteLongBytes(byte[] data)
        {
            if (data == null) data = new byte[0];
            if (data.Length > 0xFFFF) throw new System.ArgumentException("longer than 65535 bytes", "data");
            WriteUInt16(data.Length);
            WriteBytes(data);
        }

        /// <summary>The payload written so far.</summary>
        public byte[] ToArray()
        {
            byte[] result = new byte[_used];
            System.Array.Copy(_buffer, result, _used);
            return result;
        }

        private void Ensure(int extra)
        {
            if (_used + extra <= _buffer.Length) return;
            int size = _buffer.Length * 2;
            while (size < _used + extra) size *= 2;
            byte[] bigger = new byte[size];
            System.Array.Copy(_buffer, bigger, _used);
            _buffer = bigger;
        }
    }
}
