namespace ProvenanceDevice.Token.Esp32
{
    /// <summary>
    /// Pins and ports of one supported board. The values come from the board's entry in boards.json at the repository
    /// root: BoardProfiles.g.cs is generated from it by generate-board-profiles.py (a test fails while they disagree);
    /// the firmware is built for one profile, named in <see cref="BuildFor"/>.
    /// </summary>
    public sealed class BoardProfile
    {
        public string Name;

        /// <summary>UART the host talks to: "COM2" on its own pins (COM1 carries the nanoFramework debugger on ESP32).</summary>
        public string UartPort;
        public int UartTxPin;
        public int UartRxPin;
        public int UartBaud;

        public int I2cBus;
        public int I2cSdaPin;
        public int I2cSclPin;

        /// <summary>7-bit I2C address of the ATECC608B (0x60 unless reconfigured).</summary>
        public int SecureElementAddress;

        /// <summary>True when this board is built with an ATECC608B; false means the development-mode software key.</summary>
        public bool SecureElement;

        public int ButtonPin;
        public bool ButtonActiveLow;
        public int LedPin;
        public bool LedActiveHigh;

        /// <summary>The boards.json name this firmware image is built for: change it to build for another board.</summary>
        public const string BuildFor = "esp32-devkitc";

        /// <summary>The profile this firmware image is built for (<see cref="BuildFor"/>, from the generated BoardProfiles.g.cs).</summary>
        public static BoardProfile Current
        {
            get { return BoardProfiles.ByName(BuildFor); }
        }
    }
}
