using System.IO.Ports;
using nanoFramework.Hardware.Esp32;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>The host link: a hardware UART (8N1) whose TX/RX are routed to the board profile's pins.</summary>
    public sealed class UartTransport : IFrameSink
    {
        private readonly SerialPort _port;

        public UartTransport(string portName, int txPin, int rxPin, int baud)
        {
            if (portName == "COM2")
            {
                Configuration.SetPinFunction(txPin, DeviceFunction.COM2_TX);
                Configuration.SetPinFunction(rxPin, DeviceFunction.COM2_RX);
            }
            else if (portName == "COM1")
            {
                Configuration.SetPinFunction(txPin, DeviceFunction.COM1_TX);
                Configuration.SetPinFunction(rxPin, DeviceFunction.COM1_RX);
            }
            _port = new SerialPort(portName, baud, Parity.None, 8, StopBits.One);
            // At 921600 baud a whole chunk (251 bytes on the wire) lands in 2.7 ms, faster than the interpreter may
            // poll: the driver's buffer holds four chunks, so a CONTINUE-paced request never overruns it.
            _port.ReadBufferSize = 1024;
            _port.ReadTimeout = 50;
            _port.WriteTimeout = 1000;
            _port.Open();
        }

        /// <summary>Sends one encoded frame.</summary>
        public void Send(byte[] wireBytes)
        {
            _port.Write(wireBytes, 0, wireBytes.Length);
        }

        /// <summary>Copies the bytes received so far into the buffer (at most its length); 0 when none arrived.</summary>
        public int Receive(byte[] buffer)
        {
            int available = _port.BytesToRead;
            if (available <= 0) return 0;
            if (available > buffer.Length) available = buffer.Length;
            return _port.Read(buffer, 0, available);
        }
    }
}
