namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Status codes of the ATECC608B's 4-byte status packet (count 0x04, status, CRC), plus negative
    /// codes this driver uses for failures the chip cannot report itself (no acknowledge, corrupt response).
    /// </summary>
    public static class AteccStatus
    {
        public const int Success = 0x00;
        public const int Miscompare = 0x01;
        public const int ParseError = 0x03;
        public const int EccFault = 0x05;
        public const int SelfTestError = 0x07;
        public const int HealthTestError = 0x08;
        public const int ExecutionError = 0x0F;
        public const int AfterWake = 0x11;
        public const int WatchdogAboutToExpire = 0xEE;
        public const int CommunicationError = 0xFF;

        /// <summary>The chip did not acknowledge, or did not answer within the command's maximum execution time.</summary>
        public const int NoResponse = -1;

        /// <summary>The response's CRC did not match its bytes (noise on the bus).</summary>
        public const int ResponseCrcError = -2;

        /// <summary>The response had an impossible count byte or an unexpected length.</summary>
        public const int MalformedResponse = -3;

        /// <summary>The chip's locked configuration is not the one this firmware needs.</summary>
        public const int WrongConfiguration = -4;

        /// <summary>A readable name for a status code, for error messages and logs.</summary>
        public static string Name(int status)
        {
            switch (status)
            {
                case Success: return "success";
                case Miscompare: return "checkmac/verify miscompare";
                case ParseError: return "parse error (bad opcode, mode, parameter or length)";
                case EccFault: return "ECC fault";
                case SelfTestError: return "self-test error";
                case HealthTestError: return "RNG health test error";
                case ExecutionError: return "execution error (command not allowed in this state or configuration)";
                case AfterWake: return "awake, before first command";
                case WatchdogAboutToExpire: return "watchdog about to expire";
                case CommunicationError: return "CRC or communication error (the chip rejected the packet)";
                case NoResponse: return "no response";
                case ResponseCrcError: return "response CRC mismatch";
                case MalformedResponse: return "malformed response";
                case WrongConfiguration: return "wrong configuration";
                default: return "unknown status 0x" + ((byte)status).ToString("X2");
            }
        }

        /// <summary>
        /// True for failures of the wire or the wake state, after which the whole wake session may be
        /// repeated: the chip either never ran the command or its answer was lost.
        /// </summary>
        public static bool IsTransient(int status)
        {
            return status == CommunicationError || status == AfterWake || status == WatchdogAboutToExpire
                || status == NoResponse || status == ResponseCrcError || status == MalformedResponse;
        }
    }
}
