namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Error codes carried in an <see cref="MessageType.Error"/> reply.</summary>
    public static class ErrorCode
    {
        public const int BadCrc = 0x01;
        public const int MalformedFrame = 0x02;
        public const int FrameTooLong = 0x03;
        public const int UnsupportedVersion = 0x04;
        public const int UnknownCommand = 0x05;
        public const int WrongState = 0x06;
        public const int MessageTooLong = 0x07;
        public const int Locked = 0x08;
        public const int BadPayload = 0x09;
        public const int NoKey = 0x0A;
        public const int PressTimeout = 0x0B;
        public const int PinRequired = 0x0C;
        public const int WrongPin = 0x0D;
        public const int SequenceError = 0x0E;
        public const int HardwareError = 0x0F;
        /// <summary>No host session on this wire: the host must send OPEN_SESSION first (protocol revision 2).</summary>
        public const int SessionRequired = 0x10;
        /// <summary>SIGN refused: the bytes do not carry this token's serial and next counter where and as often as required (protocol 2).</summary>
        public const int BindingRefused = 0x11;
        public const int Internal = 0x7F;
    }
}
