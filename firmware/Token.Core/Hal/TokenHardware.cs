namespace ProvenanceDevice.Token.Hal
{
    /// <summary>Everything the token core needs from the board it runs on (ESP32 shell, emulator, or a test).</summary>
    public sealed class TokenHardware
    {
        public IStorage Storage;
        public IButton Button;
        public IStatusLed Led;
        public IClock Clock;
        public IEntropy Entropy;

        /// <summary>The signing key slot (software key or secure element).</summary>
        public ITokenKey Key;

        /// <summary>The secure element, when the board has one (null for a software key); needed for PROVISION.</summary>
        public ISecureElement SecureElement;

        /// <summary>Board profile name from boards.json (e.g. "esp32-devkitc", "emulator").</summary>
        public string Board;

        /// <summary>Token serial number, stable across resets (the chip's serial when a secure element is present).</summary>
        public string Serial;

        public string FirmwareVersion;
    }
}
