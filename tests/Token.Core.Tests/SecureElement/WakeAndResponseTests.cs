using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;
using Chip = ProvenanceDevice.Token.Emulator.SecureElement.Atecc608Datasheet;

namespace Token.Core.Tests.SecureElement;

/// <summary>The wake answer, and reading an answer from its start (word address 0x00), as CryptoAuthLib does.</summary>
public class WakeAndResponseTests
{
    private readonly Atecc608Model _model = Atecc608Model.CreateFactoryNew();

    [Fact]
    public void AFailedSelfTestOnWakeIsReportedAsSuchNotAsNoise()
    {
        _model.FailSelfTest();

        var error = Assert.Throws<SecureElementException>(() => new Atecc608(_model).Info());

        Assert.Equal(AteccStatus.SelfTestError, error.Status);
        Assert.Equal("Wake", error.Command);
        Assert.False(error.IsTransient);
        Assert.Equal(Atecc608.WakeAttempts, _model.WakePulses);   // pulsed again like calib_wakeup_i2c, but one session only
        Assert.Empty(_model.Received);
    }

    [Theory]
    [InlineData("040740C2")]   // status 0x07 with its CRC, as the model sends it
    [InlineData("0407C440")]   // CryptoAuthLib's hal_check_wake pattern
    public void BothSelfTestWakeAnswersAreRecognised(string hex)
    {
        var bus = new FixedWakeBus(Convert.FromHexString(hex));

        var error = Assert.Throws<SecureElementException>(() => new Atecc608(bus).Info());

        Assert.Equal(AteccStatus.SelfTestError, error.Status);
    }

    [Fact]
    public void AnAnswerWhoseFirstReadWasLostIsReadAgainFromItsCountByte()
    {
        var chip = new Atecc608(_model);
        chip.Provision();
        var key = new SecureElementKey(chip);
        key.Generate();
        int before = _model.CounterValue(0);
        var bus = new LostReadBus(_model, Chip.Opcode.Sign);
        var driver = new SecureElementKey(new Atecc608(bus));

        byte[] signature = driver.SignDigest(new byte[32]);

        Assert.Equal(64, signature.Length);
        Assert.True(bus.LostReads == 1, "the count byte of the Sign answer was read by the chip's pointer but lost on the host");
        Assert.Equal(before + 1, _model.CounterValue(0));                  // the Sign ran once: no repeated session
        Assert.Single(_model.Received, c => c.Opcode == Chip.Opcode.Sign);
    }

    /// <summary>Answers every wake with fixed bytes.</summary>
    private sealed class FixedWakeBus : II2cBus
    {
        private readonly byte[] _wake;

        public FixedWakeBus(byte[] wake) => _wake = wake;

        public bool Write(byte[] data) => true;

        public bool Read(byte[] buffer)
        {
            if (buffer.Length != 4) return false;
            _wake.CopyTo(buffer, 0);
            return true;
        }

        public void Wake()
        {
        }

        public void DelayMs(int ms)
        {
        }
    }

    /// <summary>
    /// After a command with the given opcode, the first successful 1-byte read reaches the chip (its I/O pointer moves on)
    /// but reports failure to the host, as when the controller times out on the acknowledge.
    /// </summary>
    private sealed class LostReadBus : II2cBus
    {
        private readonly Atecc608Model _model;
        private readonly int _opcode;
        private bool _armed;

        public LostReadBus(Atecc608Model model, int opcode)
        {
            _model = model;
            _opcode = opcode;
        }

        public int LostReads { get; private set; }

        public bool Write(byte[] data)
        {
            if (data.Length > 2 && data[0] == Chip.WordAddress.Command && data[2] == _opcode) _armed = true;
            return _model.Write(data);
        }

        public bool Read(byte[] buffer)
        {
            bool read = _model.Read(buffer);
            if (read && _armed && buffer.Length == 1)
            {
                _armed = false;
                LostReads++;
                return false;
            }
            return read;
        }

        public void Wake() => _model.Wake();

        public void DelayMs(int ms) => _model.DelayMs(ms);
    }
}
