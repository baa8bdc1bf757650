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

        /// <summary>Bytes before the tail in a revision 3 (hashed prefix) request: magic, offset, midstate, prefix length.</summary>
        public const int HashedHeaderLength = 42;

        /// <summary>Longest prefix a revision 3 request may declare (16 MiB; a claim's Sig_structure is a few kB).</summary>
        public const long MaxPrefixLength = 16L * 1024 * 1024;

        /// <summary>
        /// Revision 3: the host hashed the first <see cref="PrefixLength"/> bytes (whole 64-byte blocks) and sends the
        /// SHA-256 chaining value after them; <see cref="ToBeSigned"/> then holds only the tail, in which
        /// <see cref="BindingOffset"/> counts. Null for the other forms.
        /// </summary>
        public byte[] Midstate;
        /// <summary>Bytes hashed by the host before the tail (revision 3), else 0.</summary>
        public long PrefixLength;

        /// <summary>True for a revision 3 request (the token sees only the tail).</summary>
        public bool Hashed
        {
            get { return Midstate != null; }
        }

        /// <summary>The revision 3 magic: FF "PD" 03.</summary>
        public static byte[] HashedMagic()
        {
            return new byte[] { 0xFF, 0x50, 0x44, 0x03 };
        }

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

        /// <summary>The protocol 2 request payload, or the revision 3 one when <see cref="Midstate"/> is set.</summary>
        public byte[] Encode()
        {
            if (ToBeSigned == null) throw new System.InvalidOperationException("no to-be-signed bytes");
            if (Hashed)
            {
                byte[] hashed = new byte[HashedHeaderLength + ToBeSigned.Length];
                System.Array.Copy(HashedMagic(), hashed, 4);
                hashed[4] = (byte)(BindingOffset >> 8);
                hashed[5] = (byte)BindingOffset;
                System.Array.Copy(Midstate, 0, hashed, 6, Crypto.Sha256.MidstateLength);
                hashed[38] = (byte)(PrefixLength >> 24);
                hashed[39] = (byte)(PrefixLength >> 16);
                hashed[40] = (byte)(PrefixLength >> 8);
                hashed[41] = (byte)PrefixLength;
                System.Array.Copy(ToBeSigned, 0, hashed, HashedHeaderLength, ToBeSigned.Length);
                return hashed;
            }
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
            if (CounterBinding.MatchesAt(payload, 0, HashedMagic())) return DecodeHashed(payload);
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

        private static SignRequest DecodeHashed(byte[] payload)
        {
            if (payload.Length <= HashedHeaderLength)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "SIGN (revision 3): no tail after the prefix length at offset 38");
            }
            SignRequest request = new SignRequest();
            request.Versioned = true;
            request.BindingOffset = (payload[4] << 8) | payload[5];
            request.Midstate = new byte[Crypto.Sha256.MidstateLength];
            System.Array.Copy(payload, 6, request.Midstate, 0, Crypto.Sha256.MidstateLength);
            request.PrefixLength = ((long)payload[38] << 24) | ((long)payload[39] << 16) | ((long)payload[40] << 8) | payload[41];
            if (request.PrefixLength == 0 || request.PrefixLength % 64 != 0 || request.PrefixLength > MaxPrefixLength)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "SIGN (revision 3): prefix length at offset 38 is " + request.PrefixLength.ToString()
                    + ", expected a non-zero multiple of 64 up to 16 MiB");
            }
            request.ToBeSigned = new byte[payload.Length - HashedHeaderLength];
            System.Array.Copy(payload, HashedHeaderLength, request.ToBeSigned, 0, request.ToBeSigned.Length);
            if (request.Bound && request.BindingOffset >= request.ToBeSigned.Length)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "SIGN (revision 3): binding offset at offset 4 lies beyond the tail");
            }
            return request;
        }
    }
}
