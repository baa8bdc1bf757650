namespace ProvenanceDevice.Token.Esp32
{
    /// <summary>
    /// Pins and ports of one supported board. The values mirror the board's entry in boards.json at the
    /// repository root (a test checks that they agree); the firmware is built for one profile, chosen in
    /// <see cref="Current"/>.
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

        /// <summary>The profile this firmware image is built for.</summary>
        public static BoardProfile Current
        {
            get { return Esp32DevKitC(); }
        }

        /// <summary>boards.json "esp32-devkitc": ESP32-DevKitC V4 with an ATECC608B breakout and a CP2102 USB-UART module on COM2.</summary>
        public static BoardProfile Esp32DevKitC()
        {
            BoardProfile board = new BoardProfile();
            board.Name = "esp32-devkitc";
            board.UartPort = "COM2";
            board.UartTxPin = 17;
            board.UartRxPin = 16;
            board.UartBaud = 921600;
            board.I2cBus = 1;
            board.I2cSdaPin = 21;
            board.I2cSclPin = 22;
            board.SecureElementAddress = 0x60;
            board.SecureElement = true;
            board.ButtonPin = 0;
            board.ButtonActiveLow = true;
            board.LedPin = 2;
            board.LedActiveHigh = true;
            return board;
        }

        /// <summary>boards.json "esp32-devkit-v1-ch340": DOIT ESP32 DevKit V1 (CH340), no secure element: development mode.</summary>
        public static BoardProfile Esp32DevKitV1Ch340()
        {
            BoardProfile board = Esp32DevKitC();
            board.Name = "esp32-devkit-v1-ch340";
            board.SecureElement = false;
            return board;
        }
    }
}
