using System;
using System.Device.I2c;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>
    /// The ATECC608B's I2C address on an ESP32 I2C controller, at 100 kHz. The wake pulse (SDA low for at
    /// least t_WLO = 60 us) is made by addressing 0x00: at 100 kHz the eight zero address bits hold SDA low
    /// for 80 us. Nobody acknowledges that address, which is expected. Then t_WHI = 1.5 ms passes before the
    /// chip is spoken to.
    /// </summary>
    public sealed class EspI2cBus : II2cBus
    {
        private const int WakeHighMs = 2;

        private readonly I2cDevice _device;
        private readonly I2cDevice _wakeTarget;

        public EspI2cBus(int busId, int sdaPin, int sclPin, int address)
        {
            if (busId == 1)
            {
                Configuration.SetPinFunction(sdaPin, DeviceFunction.I2C1_DATA);
                Configuration.SetPinFunction(sclPin, DeviceFunction.I2C1_CLOCK);
            }
            _device = I2cDevice.Create(new I2cConnectionSettings(busId, address, I2cBusSpeed.StandardMode));
            _wakeTarget = I2cDevice.Create(new I2cConnectionSettings(busId, 0x00, I2cBusSpeed.StandardMode));
        }

        public bool Write(byte[] data)
        {
            I2cTransferResult result = _device.Write(new SpanByte(data));
            return result.Status == I2cTransferStatus.FullTransfer;
        }

        public bool Read(byte[] buffer)
        {
            I2cTransferResult result = _device.Read(new SpanByte(buffer));
            return result.Status == I2cTransferStatus.FullTransfer && result.BytesTransferred == buffer.Length;
        }

        public void Wake()
        {
            _wakeTarget.Write(new SpanByte(new byte[] { 0x00 }));
            Thread.Sleep(WakeHighMs);
        }

        public void DelayMs(int ms)
        {
            Thread.Sleep(ms);
        }
    }
}
