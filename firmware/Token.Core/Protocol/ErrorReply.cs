namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Payload of an <see cref="MessageType.Error"/> reply: the <see cref="ErrorCode"/> (1 byte) then an ASCII reason.
    /// </summary>
    public static class ErrorReply
    {
        /// <summary>Longest reason sent, so an error always fits one frame.</summary>
        public const int MaxReasonLength = Frame.MaxPayload - 1;

        /// <summary>Builds the payload; non-ASCII characters of the reason become '?', and it is cut to fit one frame.</summary>
        public static byte[] Encode(int code, string reason)
        {
            if (reason == null) reason = "";
            int length = reason.Length > MaxReasonLength ? MaxReasonLength : reason.Length;
            byte[] payload = new byte[1 + length];
            payload[0] = (byte)code;
            for (int i = 0; i < length; i++)
            {
                int c = reason[i];
                payload[1 + i] = c >= 0x20 && c < 0x7F ? (byte)c : (byte)'?';
            }
            return payload;
        }

        /// <summary>The error code of an error payload (<see cref="ErrorCode.Internal"/> when the payload is empty).</summary>
        public static int CodeOf(byte[] payload)
        {
            return payload == null || payload.Length == 0 ? ErrorCode.Internal : payload[0];
        }

        /// <summary>The ASCII reason of an error payload.</summary>
        public static string ReasonOf(byte[] payload)
        {
            if (payload == null || payload.Length < 2) return "";
            char[] chars = new char[payload.Length - 1];
            for (int i = 1; i < payload.Length; i++)
            {
                byte b = payload[i];
                chars[i - 1] = b >= 0x20 && b < 0x7F ? (char)b : '?';
            }
            return new string(chars);
        }

        /// <summary>The name of an error code as PROTOCOL.md spells it.</summary>
        public static string NameOf(int code)
        {
            switch (code)
            {
                case ErrorCode.BadCrc: return "BadCrc";
                case ErrorCode.MalformedFrame: return "MalformedFrame";
                case ErrorCode.FrameTooLong: return "FrameTooLong";
                case ErrorCode.UnsupportedVersion: return "UnsupportedVersion";
                case ErrorCode.UnknownCommand: return "UnknownCommand";
                case ErrorCode.WrongState: return "WrongState";
                case ErrorCode.MessageTooLong: return "MessageTooLong";
                case ErrorCode.Locked: return "Locked";
                case ErrorCode.BadPayload: return "BadPayload";
                case ErrorCode.NoKey: return "NoKey";
                case ErrorCode.PressTimeout: return "PressTimeout";
                case ErrorCode.PinRequired: return "PinRequired";
                case ErrorCode.WrongPin: return "WrongPin";
                case ErrorCode.SequenceError: return "SequenceError";
                case ErrorCode.HardwareError: return "HardwareError";
                case ErrorCode.SessionRequired: return "SessionRequired";
                case ErrorCode.BindingRefused: return "BindingRefused";
                case ErrorCode.Internal: return "Internal";
                default: return "Error0x" + code.ToString("X2");
            }
        }
    }
}
