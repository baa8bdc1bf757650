namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// A command to the secure element failed: <see cref="Status"/> is the chip's status code (see
    /// <see cref="AteccStatus"/>) and <see cref="Command"/> names the command. The token reports it
    /// to the host as <see cref="Protocol.ErrorCode.HardwareError"/>.
    /// </summary>
    public class SecureElementException : System.Exception
    {
        public SecureElementException(int status, string command, string detail)
            : base(BuildMessage(status, command, detail))
        {
            Status = status;
            Command = command;
        }

        /// <summary>The <see cref="AteccStatus"/> code.</summary>
        public int Status { get; }

        /// <summary>The command that failed ("Sign", "GenKey", "Wake", ...).</summary>
        public string Command { get; }

        /// <summary>The token protocol error code this maps to.</summary>
        public int ErrorCode
        {
            get { return Protocol.ErrorCode.HardwareError; }
        }

        /// <summary>True when repeating the wake session may succeed (see <see cref="AteccStatus.IsTransient"/>).</summary>
        public bool IsTransient
        {
            get { return AteccStatus.IsTransient(Status); }
        }

        private static string BuildMessage(int status, string command, string detail)
        {
            string code = status >= 0 ? " (0x" + ((byte)status).ToString("X2") + ")" : string.Empty;
            string message = "ATECC608B " + command + " failed: " + AteccStatus.Name(status) + code;
            if (detail != null && detail.Length > 0) message = message + ": " + detail;
            return message;
        }
    }
}
