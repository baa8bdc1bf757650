namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Turns a byte stream into frames. Bytes are pushed one at a time; garbage before a frame is skipped at the
    /// next 0x00 delimiter; an over-long run is dropped without buffering it.
    /// </summary>
    public sealed class FrameDecoder
    {
        /// <summary>Push result: the byte was consumed, nothing complete yet.</summary>
        public const int NeedMore = 0;
        /// <summary>Push result: <see cref="LastFrame"/> holds a valid frame.</summary>
        public const int FrameReady = 1;
        /// <summary>Push result: a delimited frame was rejected; <see cref="LastError"/> says why.</summary>
        public const int FrameRejected = 2;

        public static readonly int MaxEncodedLength = Cobs.MaxEncodedLength(Frame.MaxBodyLength);

        private readonly byte[] _buffer = new byte[MaxEncodedLength];
        private int _used;
        private bool _overflow;

        public Frame LastFrame;

        /// <summary>An <see cref="ErrorCode"/> for the last rejected frame.</summary>
        public int LastError;

        /// <summary>Sequence number of the last rejected frame when its header could be read, else 0.</summary>
        public byte LastRejectedSequence;

        public int Push(byte b)
        {
            if (b != 0)
            {
                if (_used < _buffer.Length)
                {
                    _buffer[_used++] = b;
                }
                else
                {
                    _overflow = true;
                }
                return NeedMore;
            }

            int used = _used;
            bool overflow = _overflow;
            _used = 0;
            _overflow = false;
            LastFrame = null;
            LastRejectedSequence = 0;
            if (used == 0 && !overflow) return NeedMore; // idle delimiters between frames
            if (overflow) return Reject(ErrorCode.FrameTooLong);

            byte[] body = Cobs.Decode(_buffer, 0, used);
            if (body == null || body.Length < Frame.HeaderLength + Frame.CrcLength) return Reject(ErrorCode.MalformedFrame);
            LastRejectedSequence = body[3];
            int length = (body[4] << 8) | body[5];
            if (length > Frame.MaxPayload) return Reject(ErrorCode.FrameTooLong);
            if (body.Length != Frame.HeaderLength + length + Frame.CrcLength) return Reject(ErrorCode.MalformedFrame);
            ushort expected = (ushort)((body[Frame.HeaderLength + length] << 8) | body[Frame.HeaderLength + length + 1]);
            if (Crc16.Compute(body, 0, Frame.HeaderLength + length) != expected) return Reject(ErrorCode.BadCrc);
            if (body[0] != Frame.ProtocolVersion) return Reject(ErrorCode.UnsupportedVersion);

            byte[] payload = new byte[length];
            System.Array.Copy(body, Frame.HeaderLength, payload, 0, length);
            LastFrame = new Frame(body[1], body[2], body[3], payload);
            return FrameReady;
        }

        private int Reject(int error)
        {
            LastError = error;
            return FrameRejected;
        }
    }
}
