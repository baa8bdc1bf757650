using System;
using System.Device.I2c;
using System.IO;
using System.Threading;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator.SecureElement;

/// <summary>
/// A real ATECC608B on a Linux I2C bus (/dev/i2c-N: a Raspberry Pi header, or a USB-I2C adapter), so
/// the firmware's driver can be exercised against the chip from a PC. The bus should run at 100 kHz:
/// the wake pulse is a write to address 0x00, whose eight zero bits hold SDA low for 80 µs.
/// </summary>
public sealed class LinuxI2cBus : II2cBus, IDisposable
{
    private readonly I2cDevice _device;
    private readonly I2cDevice _wakeTarget;

    public LinuxI2cBus(int busId, int address = 0x60)
    {
        _device = I2cDevice.Create(new I2cConnectionSettings(busId, address));
        _wakeTarget = I2cDevice.Create(new I2cConnectionSettings(busId, 0x00));
    }

    public bool Write(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            _device.Write(data);
            return true;
        }
        catch (IOException)
        {
            return false;  // not acknowledged: asleep or busy
        }
    }

    public bool Read(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        try
        {
            _device.Read(buffer);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Wake()
    {
        try
        {
            _wakeTarget.WriteByte(0x00);
        }
        catch (IOException)
        {
            // Nobody acknowledges address 0x00; the low pulse is what matters.
        }
        Thread.Sleep(2);  // t_WHI = 1.5 ms
    }

    public void DelayMs(int ms) => Thread.Sleep(ms);

    public void Dispose()
    {
        _device.Dispose();
        _wakeTarget.Dispose();
    }
}
