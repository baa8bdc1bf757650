using System;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

/// <summary>Runs only with a real ATECC608B: set ATECC608_I2C_BUS to the Linux bus number (e.g. 1 for /dev/i2c-1).</summary>
public sealed class RequiresAteccFactAttribute : FactAttribute
{
    public RequiresAteccFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ATECC608_I2C_BUS") == null)
        {
            Skip = "no ATECC608B: set ATECC608_I2C_BUS to run against a real chip";
        }
    }
}

/// <summary>Read-only checks against a real chip (nothing here writes or locks it).</summary>
[Trait("Category", "RequiresHardware")]
public class RealChipTests
{
    [RequiresAteccFact]
    public void RealChipAnswersInfoSerialShaAndCounter()
    {
        using var bus = new LinuxI2cBus(int.Parse(Environment.GetEnvironmentVariable("ATECC608_I2C_BUS")!, System.Globalization.CultureInfo.InvariantCulture));
        var chip = new Atecc608(bus);

        Assert.Equal(0x60, chip.Info()[2]);
        Assert.Matches("^0123[0-9A-F]{14}$", chip.ReadSerialNumberHex());
        byte[] data = new byte[150];
        new Random(1).NextBytes(data);
        Assert.Equal(SHA256.HashData(data), chip.Sha256(data, 0, data.Length));
        int counter = chip.ReadCounter(1);
        Assert.InRange(counter, 0, Atecc608Model.CounterMax);
    }
}
