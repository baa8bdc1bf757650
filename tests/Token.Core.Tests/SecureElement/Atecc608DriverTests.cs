using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

public class Atecc608DriverTests
{
    private readonly Atecc608Model _model = Atecc608Model.CreateFactoryNew();
    private readonly RecordingBus _bus;
    private readonly Atecc608 _chip;

    public Atecc608DriverTests()
    {
        _bus = new RecordingBus(_model);
        _chip = new Atecc608(_bus);
    }

    [Fact]
    public void InfoWakesSendsTheCommandAndLeavesTheChipIdle()
    {
        Assert.Equal(new byte[] { 0x00, 0x00, 0x60, 0x03 }, _chip.Info());

        Assert.Equal(1, _model.WakePulses);
        Assert.Equal("030730000000035D", Convert.ToHexString(_bus.Writes[0]));
        Assert.Equal(new byte[] { 0x02 }, _bus.Writes[^1]);
        Assert.False(_model.IsAwake);
    }

    [Fact]
    public void SerialNumberIsNineBytesFromConfigBytes0To3And8To12()
    {
        string serial = _chip.ReadSerialNumberHex();

        Assert.Equal(Convert.ToHexString(_model.SerialNumber), serial);
        Assert.Matches("^0123[0-9A-F]{12}EE$", serial);
    }

    [Fact]
    public void ConfigZoneReadsWholeAndShowsBothZonesUnlocked()
    {
        byte[] config = _chip.ReadConfigZone();

        Assert.Equal(128, config.Length);
        Assert.Equal(0x55, config[86]);
        Assert.Equal(0x55, config[87]);
        Assert.False(_chip.IsConfigLocked());
        Assert.False(_chip.IsDataLocked());
    }

    [Fact]
    public void RandomBeforeConfigLockIsTheChipsFixedPattern()
    {
        byte[] random = _chip.Random();

        for (int i = 0; i < 32; i += 4)
        {
            Assert.Equal(new byte[] { 0xFF, 0xFF, 0x00, 0x00 }, random.Skip(i).Take(4).ToArray());
        }
        Assert.Throws<InvalidOperationException>(() => new SecureElementEntropy(_chip).Fill(new byte[16]));
    }

    [Fact]
    public void IgnoredWakePulseIsRepeated()
    {
        _model.IgnoreNextWake();

        Assert.Equal(new byte[] { 0x00, 0x00, 0x60, 0x03 }, _chip.Info());
        Assert.Equal(2, _model.WakePulses);
    }

    [Fact]
    public void CorruptResponseCrcRepeatsTheSession()
    {
        _model.CorruptNextResponseCrc();

        int value = _chip.IncrementCounter(1);

        // The first increment ran but its answer was lost; the repeat skips a value, never reuses one.
        Assert.Equal(2, value);
        Assert.Equal(2, _model.CounterValue(1));
        Assert.Equal(2, _model.WakePulses);
    }

    [Fact]
    public void CommandCorruptedOnTheWireIsRejectedByTheChipAndResent()
    {
        _bus.CorruptNextCommands(2);

        Assert.Equal(new byte[] { 0x00, 0x00, 0x60, 0x03 }, _chip.Info());
        Assert.Equal(3, _model.WakePulses);
        Assert.Equal(1, _model.CommandsExecuted);
    }

    [Fact]
    public void BusyChipIsPolledUntilItAnswers()
    {
        _model.AnswerBusy(5);

        Assert.Equal(32, _chip.Sha256(new byte[10], 0, 10).Length);
        Assert.Equal(1, _model.WakePulses);
    }

    [Fact]
    public void ChipThatStaysBusyFailsAsNoResponseAfterAllAttempts()
    {
        _model.AnswerBusy(100_000);

        var error = Assert.Throws<SecureElementException>(() => _chip.Info());

        Assert.Equal(AteccStatus.NoResponse, error.Status);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void MissingChipFailsOnWake()
    {
        var bus = new EmptyBus();

        var error = Assert.Throws<SecureElementException>(() => new Atecc608(bus).Info());

        Assert.Equal(AteccStatus.NoResponse, error.Status);
        Assert.Equal("Wake", error.Command);
        Assert.Equal(Atecc608.MaxAttempts * Atecc608.WakeAttempts, bus.WakePulses);
    }

    [Fact]
    public void ChipRefusalIsReportedAtOnceWithoutRetry()
    {
        var error = Assert.Throws<SecureElementException>(() => _chip.ReadSlotBlock(8, 0));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal("Read", error.Command);
        Assert.Equal(1, _model.WakePulses);
        Assert.False(_model.IsAwake);
    }

    [Fact]
    public void WatchdogAboutToExpireIsAnsweredByTheModel()
    {
        _model.Wake();
        byte[] wake = new byte[4];
        Assert.True(_model.Read(wake));
        _model.DelayMs(Atecc608Model.WatchdogMs - 5);

        Assert.True(_model.Write(AteccCommand.Random().ToPacket()));
        byte[] status = new byte[4];
        Assert.True(_model.Read(status));

        Assert.Equal(new byte[] { 0x04, 0xEE }, status.Take(2).ToArray());
        Assert.True(AteccCrc.Check(status, 0, 2));
    }

    [Fact]
    public void WatchdogPutsTheChipToSleep()
    {
        _model.Wake();
        _model.DelayMs(Atecc608Model.WatchdogMs);

        Assert.False(_model.IsAwake);
        Assert.False(_model.Write(AteccCommand.Info().ToPacket()));
    }

    [Fact]
    public void PacketWithWrongCountOrCrcGetsStatusFF()
    {
        _model.Wake();
        Assert.True(_model.Read(new byte[4]));
        byte[] packet = AteccCommand.Info().ToPacket();
        packet[^1] ^= 0x80;

        Assert.True(_model.Write(packet));
        byte[] status = new byte[4];
        Assert.True(_model.Read(status));

        Assert.Equal(0xFF, status[1]);
        Assert.True(AteccCrc.Check(status, 0, 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(20_000)]
    public void ChipShaMatchesSha256EvenPastTheWatchdog(int length)
    {
        byte[] data = new byte[length + 3];
        new Random(length).NextBytes(data);

        byte[] digest = _chip.Sha256(data, 3, length);

        Assert.Equal(SHA256.HashData(data.AsSpan(3, length)), digest);
    }

    [Fact]
    public void CountersAreMonotonic()
    {
        Assert.Equal(0, _chip.ReadCounter(0));
        Assert.Equal(1, _chip.IncrementCounter(0));
        Assert.Equal(2, _chip.IncrementCounter(0));
        Assert.Equal(2, _chip.ReadCounter(0));
        Assert.Equal(0, _chip.ReadCounter(1));
    }
}
