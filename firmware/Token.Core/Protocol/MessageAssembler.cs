namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Collects the chunks of one message (PROTOCOL.md, "Messages and chunking"). The token uses it for requests
    /// (answering <see cref="MessageType.Continue"/> after each <see cref="Accepted"/> chunk); the host uses it for
    /// replies. Every chunk after the first must carry the same sequence number and type, and the whole message
    /// must fit its limit; any violation drops the partial message and reports an <see cref="ErrorCode"/>.
    /// </summary>
    public sealed class MessageAssembler
    {
        /// <summary>Add result: the chunk was stored and more chunks are expected.</summary>
        public const int Accepted = 0;
        /// <summary>Add result: the message is complete; read <see cref="Type"/>, <see cref="Sequence"/>, <see cref="Message"/>.</summary>
        public const int Complete = 1;
        /// <summary>Add result: the chunk was refused and any partial message dropped; read <see cref="LastError"/>.</summary>
        public const int Rejected = 2;

        /// <summary>Largest request message the token accepts (PROTOCOL.md).</summary>
        public const int MaxRequestLength = 8192;

        /// <summary>Largest reply message a host should accept: a full LOG page or an attestation chain fits.</summary>
        public const int MaxReplyLength = 16384;

        private byte[] _buffer = new byte[Frame.MaxPayload];
        private int _used;
        private bool _inProgress;

        /// <summary>Type of the message being assembled or just completed.</summary>
        public byte Type;

        /// <summary>Sequence number of the message being assembled or just completed.</summary>
        public byte Sequence;

        /// <summary>The completed message (set when <see cref="Add"/> returns <see cref="Complete"/>).</summary>
        public byte[] Message;

        /// <summary><see cref="ErrorCode"/> of the last rejected chunk.</summary>
        public int LastError;

        /// <summary>Human-readable reason for the last rejection.</summary>
        public string LastReason;

        /// <summary>True while chunks of a message have arrived but its last chunk has not.</summary>
        public bool InProgress
        {
            get { return _inProgress; }
        }

        /// <summary>Bytes collected so far for the message in progress.</summary>
        public int Length
        {
            get { return _used; }
        }

        /// <summary>Drops any partial message.</summary>
        public void Reset()
        {
            _used = 0;
            _inProgress = false;
            if (_buffer.Length > Frame.MaxPayload) _buffer = new byte[Frame.MaxPayload];
        }

        /// <summary>
        /// Adds one chunk. <paramref name="maxLength"/> bounds the whole message; it is checked as chunks arrive,
        /// so an over-long message is refused before it is buffered.
        /// </summary>
        public int Add(Frame frame, int maxLength)
        {
            if (frame == null) throw new System.ArgumentNullException("frame");
            Message = null;
            if (_inProgress)
            {
                if (frame.Sequence != Sequence)
                {
                    return Reject(ErrorCode.SequenceError, "chunk with sequence " + frame.Sequence.ToString()
                        + " inside message " + Sequence.ToString());
                }
                if (frame.Type != Type)
                {
                    return Reject(ErrorCode.WrongState, "chunk of type 0x" + frame.Type.ToString("X2")
                        + " inside message of type 0x" + Type.ToString("X2"));
                }
            }
            else
            {
                Type = frame.Type;
                Sequence = frame.Sequence;
                _used = 0;
            }

            int payloadLength = frame.Payload.Length;
            if (payloadLength > maxLength - _used)
            {
                return Reject(ErrorCode.MessageTooLong, "message longer than " + maxLength.ToString() + " bytes");
            }
            if (frame.HasMore && payloadLength == 0)
            {
                return Reject(ErrorCode.MalformedFrame, "empty chunk marked MORE");
            }
            Append(frame.Payload);

            if (frame.HasMore)
            {
                _inProgress = true;
                return Accepted;
            }

            byte[] message = new byte[_used];
            System.Array.Copy(_buffer, message, _used);
            Message = message;
            Reset();
            return Complete;
        }

        private void Append(byte[] payload)
        {
            if (_used + payload.Length > _buffer.Length)
            {
                int size = _buffer.Length * 2;
                while (size < _used + payload.Length) size *= 2;
                byte[] bigger = new byte[size];
                System.Array.Copy(_buffer, bigger, _used);
                _buffer = bigger;
            }
            System.Array.Copy(payload, 0, _buffer, _used, payload.Length);
            _used += payload.Length;
        }

        private int Reject(int error, string reason)
        {
            LastError = error;
            LastReason = reason;
            Reset();
            return Rejected;
        }
    }
}
