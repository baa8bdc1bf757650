using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;
using Chip = ProvenanceDevice.Token.Emulator.SecureElement.Atecc608Datasheet;

namespace Token.Core.Tests.SecureElement;

/// <summary>The 1.3 s watchdog runs from the wake pulse through I2C transfers as well as execution; the driver stays inside it.</summary>
public class WatchdogBudgetTests
{
    [Theory]
    [InlineData(100, 36)]   // the table's maximum SHA time
    [InlineData(100, 2)]    // a part faster than the table: nearly all of the session is I2C time
    [InlineData(400, 2)]
    public void ALongSessionIsSplitBeforeTheWatchdogWithI2cTimeCounted(int clockKhz, int shaMs)
    {
        var model = Atecc608Model.CreateFactoryNew();
        model.I2cClockKhz = clockKhz;
        model.SetExecutionMs(Chip.Opcode.Sha, shaMs);
        var chip = new Atecc608(model);
        byte[] data = new byte[64 * 300];   // 302 SHA commands, 71-byte packets: about 2 s of transfers at 100 kHz
        new Random(1300).NextBytes(data);

        byte[] digest = chip.Sha256(data, 0, data.Length);

        Assert.Equal(SHA256.HashData(data), digest);
        Assert.Equal(0, model.WatchdogSleeps);
        Assert.Equal(0, model.WatchdogRefusals);
        Assert.Equal(302, model.Received.Count);                 // no session was repeated
        Assert.True(model.WakePulses > 1, "the session was split");
    }

    [Fact]
    public void TheModelCountsI2cTimeAgainstTheWatchdog()
    {
        var model = Atecc608Model.CreateFactoryNew();
        model.Wake();
        Assert.True(model.Read(new byte[4]));
        byte[] info = ModelPackets.Command(Chip.Opcode.Info, 0, 0, Array.Empty<byte>());
        long before = model.NowUs;

        Assert.True(model.Write(info));

        Assert.Equal((info.Length + 1) * 9 * 10, model.NowUs - before);   // 100 kHz: 10 us a bit, 9 bits a byte
        int transfers = 0;
        while (model.IsAwake)
        {
            model.Write(new byte[] { Chip.WordAddress.Reset });
            transfers++;
        }
        Assert.Equal(1, model.WatchdogSleeps);
        Assert.InRange(transfers, 1300 * 1000 / 180 - 20, 1300 * 1000 / 180 + 20);   // 2 bytes = 180 us each, no delays
    }
}
