namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Splits a message into frames of at most <see cref="Frame.MaxPayload"/> payload bytes (PROTOCOL.md, "Messages
    /// and chunking"): same type and sequence on every chunk, <see cref="Frame.FlagMore"/> on all but the last.
    /// Used by the token for its replies and by the host for its requests.
    /// </summary>
    public static class MessageChunker
    {
        /// <summary>Number of frames a message of <paramref name="length"/> bytes needs (an empty message needs one).</summary>
        public static int ChunkCount(int length)
        {
            if (length < 0) throw new System.ArgumentOutOfRangeException("length");
            if (length == 0) return 1;
            return (length + Frame.MaxPayload - 1) / Frame.MaxPayload;
        }

        /// <summary>Splits <paramref name="message"/> (null means empty) into frames.</summary>
        public static Frame[] Split(byte type, byte sequence, byte[] message)
        {
            if (message == null) message = new byte[0];
            return Split(type, sequence, message, 0, message.Length);
        }

        /// <summary>Splits <paramref name="count"/> bytes of <paramref name="message"/> from <paramref name="offset"/> into frames.</summary>
        public static Frame[] Split(byte type, byte sequence, byte[] message, int offset, int count)
        {
            if (message == null) throw new System.ArgumentNullException("message");
            if (offset < 0 || count < 0 || offset > message.Length - count) throw new System.ArgumentOutOfRangeException("count");
            int chunks = ChunkCount(count);
            Frame[] frames = new Frame[chunks];
            for (int i = 0; i < chunks; i++)
            {
                int start = i * Frame.MaxPayload;
                int size = count - start;
                if (size > Frame.MaxPayload) size = Frame.MaxPayload;
                byte[] payload = new byte[size];
                System.Array.Copy(message, offset + start, payload, 0, size);
                byte flags = i < chunks - 1 ? Frame.FlagMore : (byte)0;
                frames[i] = new Frame(type, flags, sequence, payload);
            }
            return frames;
        }

        /// <summary>Splits a message and encodes each frame for the wire (COBS plus 0x00 delimiter).</summary>
        public static byte[][] Encode(byte type, byte sequence, byte[] message)
        {
            Frame[] frames = Split(type, sequence, message);
            byte[][] wire = new byte[frames.Length][];
            for (int i = 0; i < frames.Length; i++) wire[i] = frames[i].Encode();
            return wire;
        }
    }
}
