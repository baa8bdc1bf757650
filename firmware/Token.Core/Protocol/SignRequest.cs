namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Payload of the SIGN request (PROTOCOL.md, "SIGN"). Protocol 2: the magic FF 50 44 02, the binding offset (2),
    /// then the to-be-signed bytes. A payload that does not start with the magic is a protocol 1 request: all of it
    /// is the to-be-signed bytes, with no binding.
    /// </summary>
    public sealed class SignRequest
    {
        /// <summary>Bytes before the to-be-signed bytes in a protocol 2 request.</summary>
        public const int HeaderLength = 6;

        /// <summary>True for a protocol 2 request (format byte present).</summary>
        public bool Versioned;
        /// <summary>Offset of the counter binding field in <see cref="ToBeSigned"/>, or <see cref="CounterBinding.NoBinding"/>.</summary>
        public int BindingOffset = CounterBinding.NoBinding;
        /// <summary>The bytes the token hashes and signs.</summary>
        public byte[] ToBeSigned;

        /// <summary>True when the host names where the counter binding is.</summary>
        public bool Bound
        {
            get { return BindingOffset != CounterBinding.NoBinding && BindingOffset != CounterBinding.PairedWithNext; }
        }

        /// <summary>True when the press for this (unbound) SIGN also covers the next bound SIGN (an identity signature, then its claim).</summary>
        public bool PairedWithNext
        {
            get { return BindingOffset == CounterBinding.PairedWithNext; }
        }

        /// <summary>The protocol 2 request payload.</summary>
        public byte[] Encode()
        {
            if (ToBeSigned == null) throw new System.InvalidOperationException("no to-be-signed bytes");
            byte[] payload = new byte[HeaderLength + ToBeSigned.Length];
            System.Array.Copy(CounterBinding.SignMagic(), payload, 4);
            payload[4] = (byte)(BindingOffset >> 8);
            payload[5] = (byte)BindingOffset;
            System.Array.Copy(ToBeSigned, 0, payload, HeaderLength, ToBeSigned.Length);
            return payload;
        }

        /// <summary>Parses a SIGN payload of either protocol; throws <see cref="ProtocolException"/> (BadPayload) when malformed.</summary>
        public static SignRequest Decode(byte[] payload)
        {
            SignRequest request = new SignRequest();
            if (!CounterBinding.MatchesAt(payload, 0, CounterBinding.SignMagic()))
            {
                request.ToBeSigned = payload;
                return request;
            }
            if (payload.Length <= HeaderLength)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "SIGN: no to-be-signed bytes after the binding offset at offset 4");
            }
            request.Versioned = true;
            request.BindingOffset = (payload[4] << 8) | payload[5];
            request.ToBeSigned = new byte[payload.Length - HeaderLength];
            System.Array.Copy(payload, HeaderLength, request.ToBeSigned, 0, request.ToBeSigned.Length);
            if (request.Bound && request.BindingOffset >= request.ToBeSigned.Length)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "SIGN: binding offset at offset 4 lies beyond the to-be-signed bytes");
            }
            return request;
        }
    }
}
