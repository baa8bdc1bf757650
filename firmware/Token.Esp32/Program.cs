using System.Device.Gpio;
using System.Diagnostics;
using System.Threading;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Esp32.Hal;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;

namespace ProvenanceDevice.Token.Esp32
{
    /// <summary>
    /// Firmware entry point: wires the board's hardware into a <see cref="TokenHardware"/>, starts the
    /// token core, then forwards every byte the host sends to it. Replies go out through the UART.
    /// </summary>
    public static class Program
    {
        public const string FirmwareVersion = "0.1.0";

        private const string StorageFolder = "I:\\token";

        public static void Main()
        {
            BoardProfile board = BoardProfile.Current;
            GpioController gpio = new GpioController();
            TokenHardware hardware = new TokenHardware();
            hardware.Board = board.Name;
            hardware.FirmwareVersion = FirmwareVersion;
            hardware.Storage = new FlashStorage(StorageFolder);
            hardware.Button = new GpioButton(gpio, board.ButtonPin, board.ButtonActiveLow);
            hardware.Led = new GpioLed(gpio, board.LedPin, board.LedActiveHigh);
            hardware.Clock = new EspClock();

            if (board.SecureElement)
            {
                Atecc608 chip = new Atecc608(new EspI2cBus(board.I2cBus, board.I2cSdaPin, board.I2cSclPin, board.SecureElementAddress));
                try
                {
                    // A new board's chip stays blank until the owner sends PROVISION (prov device provision) and
                    // presses the button: locking it is irreversible, so it is never done behind their back.
                    hardware.Serial = chip.ReadSerialNumberHex();
                }
                catch (SecureElementException e)
                {
                    // A board built for a secure element never falls back to a software key: stop and show the error.
                    Debug.WriteLine(e.Message);
                    hardware.Led.Show(LedState.Error);
                    Thread.Sleep(Timeout.Infinite);
                }
                hardware.SecureElement = chip;
                hardware.Key = new SecureElementKey(chip);
                hardware.Entropy = new SecureElementEntropy(chip, new EspEntropy());
            }
            else
            {
                Debug.WriteLine("No secure element on this board: development mode, software key.");
                hardware.Entropy = new EspEntropy();
                hardware.Key = new SoftwareKey(hardware.Storage, hardware.Entropy);
                hardware.Serial = DevelopmentSerial(hardware.Storage, hardware.Entropy);
            }

            TokenCore core = new TokenCore(hardware);
            UartTransport uart = new UartTransport(board.UartPort, board.UartTxPin, board.UartRxPin, board.UartBaud);
            byte[] buffer = new byte[256];
            while (true)
            {
                int count = uart.Receive(buffer);
                if (count > 0)
                {
                    core.Receive(buffer, 0, count, uart);
                }
                else
                {
                    Thread.Sleep(2);
                }
            }
        }

        /// <summary>A board without a secure element has no chip serial: a random one is made on first boot and kept.</summary>
        private static string DevelopmentSerial(IStorage storage, IEntropy entropy)
        {
            const string Record = "serial";
            byte[] serial = storage.Read(Record);
            if (serial == null || serial.Length != 9)
            {
                serial = new byte[9];
                entropy.Fill(serial);
                storage.Write(Record, serial);
            }
            const string Digits = "0123456789ABCDEF";
            char[] chars = new char[serial.Length * 2];
            for (int i = 0; i < serial.Length; i++)
            {
                chars[2 * i] = Digits[serial[i] >> 4];
                chars[(2 * i) + 1] = Digits[serial[i] & 0x0F];
            }
            return "DEV-" + new string(chars);
        }
    }
}
