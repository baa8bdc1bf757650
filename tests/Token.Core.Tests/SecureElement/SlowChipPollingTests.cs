using System;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

/// <summary>
/// The driver polls a busy chip for up to 2.5 s, as CryptoAuthLib does, not just for the 608A table's time: a 608B that
/// takes longer must still sign, once.
/// </summary>
public class SlowChipPollingTests
{
    private readonly Atecc608Model _model = Atecc608Model.CreateFactoryNew();
    private readonly SlowCommandBus _bus;
    private readonly Atecc608 _chip;

    public SlowChipPollingTests()
    {
        _bus = new SlowCommandBus(_model);
        _chip = new Atecc608(_bus);
    }

    [Fact]
    public void ASignSlowerThanThe608ATableSignsOnceAndAdvancesTheCounterOnce()
    {
        _chip.Provision();
        var key = new SecureElementKey(_chip);
        key.Generate();
        int before = _model.CounterValue(0);
        byte[] digest = SHA256.HashData("a scan of a drawing"u8);

        _bus.Delay(AteccOpcode.Sign, 400);   // the table says 115 ms
        long start = _model.NowMs;
        byte[] signature = key.SignDigest(digest);

        Assert.True(_model.NowMs - start >= 400, "the answer was held back 400 ms");
        Assert.Equal(before + 1, _model.CounterValue(0));
        Assert.Equal(before + 1, key.LastSignatureCounter);
        Assert.Equal(1, _bus.HeldBack);
        byte[] point = key.GetPublicKey();
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        Assert.True(verifier.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void AChipThatNeverAnswersFailsAfterTwoAndAHalfSecondsPerAttempt()
    {
        _bus.Delay(AteccOpcode.Info, int.MaxValue);
        long start = _model.NowMs;

        var error = Assert.Throws<SecureElementException>(() => _chip.Info());

        Assert.Equal(AteccStatus.NoResponse, error.Status);
        Assert.Contains("2500 ms", error.Message);
        long elapsed = _model.NowMs - start;
        // 2.5 s of waits per attempt, plus the I2C time of the ~1250 polls (word address 0x00, count byte) the model counts.
        Assert.InRange(elapsed, Atecc608.MaxAttempts * Atecc608.PollingMaxMs, Atecc608.MaxAttempts * (Atecc608.PollingMaxMs + 300));
    }

    /// <summary>Holds back the answer to one opcode for extra milliseconds of model time (NACKing the polls meanwhile).</summary>
    private sealed class SlowCommandBus : II2cBus
    {
        private readonly Atecc608Model _model;
        private int _opcode = -1;
        private int _extraMs;
        private long _answerNotBeforeMs = -1;

        public SlowCommandBus(Atecc608Model model) => _model = model;

        /// <summary>How many answers were held back.</summary>
        public int HeldBack { get; private set; }

        public void Delay(int opcode, int extraMs)
        {
            _opcode = opcode;
            _extraMs = extraMs;
        }

        public bool Write(byte[] data)
        {
            // [word address 0x03][count][opcode][param1][param2 x2][data][CRC x2]
            if (data.Length > 2 && data[0] == 0x03 && data[2] == _opcode)
            {
                _answerNotBeforeMs = _extraMs == int.MaxValue ? long.MaxValue : _model.NowMs + _extraMs;
                HeldBack++;
            }
            return _model.Write(data);
        }

        public bool Read(byte[] buffer)
        {
            if (_answerNotBeforeMs >= 0)
            {
                if (_model.NowMs < _answerNotBeforeMs) return false;
                _answerNotBeforeMs = -1;
            }
            return _model.Read(buffer);
        }

        public void Wake()
        {
            _answerNotBeforeMs = -1;   // the hold is on a command's answer, not on the wake response
            _model.Wake();
        }

        public void DelayMs(int ms) => _model.DelayMs(ms);
    }
}
