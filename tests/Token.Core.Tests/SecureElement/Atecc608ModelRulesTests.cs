using System;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

/// <summary>Zone and lock rules of the chip, as the model enforces them, seen through the driver.</summary>
public class Atecc608ModelRulesTests
{
    private readonly Atecc608Model _model = Atecc608Model.CreateFactoryNew();
    private readonly Atecc608 _chip;

    public Atecc608ModelRulesTests()
    {
        _chip = new Atecc608(_model);
    }

    [Theory]
    [InlineData(0)]    // serial number
    [InlineData(12)]   // SN[8], AES_Enable, I2C_Enable
    [InlineData(84)]   // UserExtra, UserExtraAdd, LockValue, LockConfig
    public void ReadOnlyConfigBytesAreNotWritable(int offset)
    {
        byte[] before = _chip.ReadConfigZone();

        var error = Assert.Throws<SecureElementException>(() => _chip.WriteConfigWord(offset, new byte[] { 0, 0, 0, 0 }));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal(before, _chip.ReadConfigZone());
    }

    [Fact]
    public void WritableConfigBytesChangeUntilTheLock()
    {
        _chip.WriteConfigWord(16, new byte[] { 0xC0, 0x00, 0x00, 0x00 });
        _chip.WriteConfigWord(20, new byte[] { 0xB1, 0x20, 0x00, 0x80 });

        Assert.Equal(new byte[] { 0xB1, 0x20, 0x00, 0x80 }, _chip.ReadConfigZone()[20..24]);
    }

    [Fact]
    public void DataAndOtpAreUnreadableBeforeTheDataLock()
    {
        var slot = Assert.Throws<SecureElementException>(() => _chip.ReadSlotBlock(8, 0));
        var otp = Assert.Throws<SecureElementException>(() => _chip.Execute(AteccCommand.Read(AteccZone.Otp, 0, true)));

        Assert.Equal(AteccStatus.ExecutionError, slot.Status);
        Assert.Equal(AteccStatus.ExecutionError, otp.Status);
    }

    [Fact]
    public void DataLockNeedsTheConfigLockFirst()
    {
        var error = Assert.Throws<SecureElementException>(() => _chip.LockDataZone(0));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.False(_model.IsDataLocked);
    }

    [Fact]
    public void AfterTheDataLockOnlyWholeBlocksOfAlwaysWritableSlotsChange()
    {
        _chip.Provision();

        _chip.WriteSlot(8, 1, 0, new byte[32]);
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.WriteSlot(8, 1, 0, new byte[4])).Status);
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.WriteSlot(9, 0, 0, new byte[32])).Status);
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.WriteSlot(0, 0, 0, new byte[32])).Status);
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.WriteOtpBlock(0, new byte[32])).Status);
    }

    [Fact]
    public void OtpCarriesTheProvisioningTag()
    {
        _chip.Provision();

        byte[] otp = _chip.Execute(AteccCommand.Read(AteccZone.Otp, 0, true));

        Assert.StartsWith("ProvenanceDevice token", System.Text.Encoding.ASCII.GetString(otp));
    }

    [Fact]
    public void PublicKeyOfAnEmptySlotIsAnEccFault()
    {
        _chip.Provision();

        var error = Assert.Throws<SecureElementException>(() => _chip.GetPublicKey(0));

        Assert.Equal(AteccStatus.EccFault, error.Status);
        Assert.Equal("GenKey", error.Command);
    }

    [Fact]
    public void DataSlotsAreNotKeys()
    {
        _chip.Provision();

        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.GenerateKey(8)).Status);
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.SignDigest(8, new byte[32], false)).Status);
    }

    [Fact]
    public void UnknownOpcodeIsAParseError()
    {
        var error = Assert.Throws<SecureElementException>(() => _chip.Execute(new AteccCommand(0x7E, 0, 0, null, 1)));

        Assert.Equal(AteccStatus.ParseError, error.Status);
        Assert.Contains("0x7E", error.Message);
    }

    [Fact]
    public void ShaUpdateWithoutStartIsAnExecutionError()
    {
        var error = Assert.Throws<SecureElementException>(() => _chip.Execute(AteccCommand.ShaBlock(new byte[64])));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
    }

    [Fact]
    public void IdleKeepsTheNonce()
    {
        _chip.Provision();
        byte[] xy = _chip.GenerateKey(0);
        byte[] digest = new byte[32];
        digest[0] = 1;
        _chip.Execute(AteccCommand.NonceLoad(digest, false));

        byte[] signature = _chip.Execute(AteccCommand.SignDigest(0, false));

        using var verifier = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint { X = xy[..32], Y = xy[32..] },
        });
        Assert.True(verifier.VerifyHash(digest, signature, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void SleepForgetsTheNonce()
    {
        _chip.Provision();
        _chip.GenerateKey(0);
        _chip.Execute(AteccCommand.NonceLoad(new byte[32], false));

        // The driver idles after each session, which keeps TempKey; a sleep clears it.
        _model.Wake();
        _model.Write(new byte[] { 0x01 });

        var error = Assert.Throws<SecureElementException>(() => _chip.Execute(AteccCommand.SignDigest(0, false)));
        Assert.Equal(AteccStatus.ExecutionError, error.Status);
    }
}

/// <summary>Driver behaviour on answers the model would not give: replayed from a script.</summary>
public class Atecc608ScriptedAnswerTests
{
    [Fact]
    public void ChipStatusOnTheWireBecomesTheTypedErrorWithoutRetry()
    {
        var bus = new ScriptedBus();
        bus.Enqueue(0x04, 0x0F, 0x23, 0x42);

        var error = Assert.Throws<SecureElementException>(() => new Atecc608(bus).ReadSlotBlock(0, 0));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal("Read", error.Command);
        Assert.Equal(1, bus.CommandsSent);
    }

    [Fact]
    public void ImpossibleCountByteIsRetriedThenReported()
    {
        var bus = new ScriptedBus();
        for (int i = 0; i < Atecc608.MaxAttempts; i++) bus.Enqueue(0x02, 0x00);

        var error = Assert.Throws<SecureElementException>(() => new Atecc608(bus).Random());

        Assert.Equal(AteccStatus.MalformedResponse, error.Status);
        Assert.Equal(Atecc608.MaxAttempts, bus.CommandsSent);
    }

    [Fact]
    public void AnswerAfterAMalformedOneIsAccepted()
    {
        var bus = new ScriptedBus();
        bus.Enqueue(0xFF);
        bus.Enqueue(0x07, 0x00, 0x00, 0x60, 0x02, 0x80, 0x38);

        Assert.Equal(new byte[] { 0x00, 0x00, 0x60, 0x02 }, new Atecc608(bus).Info());
    }
}
