using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;
using Chip = ProvenanceDevice.Token.Emulator.SecureElement.Atecc608Datasheet;

namespace Token.Core.Tests.SecureElement;

/// <summary>
/// The external-message Sign as CryptoAuthLib issues it (calib_sign: Random, Nonce pass-through into the 608's message
/// digest buffer, Sign external), and the sequences the chip refuses, seen on the wire and through the driver.
/// </summary>
public class SignSequenceTests
{
    private readonly Atecc608Model _model = Atecc608Model.CreateFactoryNew();
    private readonly Atecc608 _chip;
    private readonly SecureElementKey _key;

    public SignSequenceTests()
    {
        _chip = new Atecc608(_model);
        _chip.Provision();
        _key = new SecureElementKey(_chip);
        _key.Generate();
        _model.Received.Clear();
    }

    [Fact]
    public void TheTokenSignsWithCryptoAuthLibsSequence()
    {
        byte[] digest = SHA256.HashData("a scan of a drawing"u8);

        byte[] signature = _key.SignDigest(digest);

        var sent = _model.Received.Select(c => (c.Opcode, c.Mode, c.Param2, c.DataLength, c.Status)).ToArray();
        Assert.Equal(new[]
        {
            (Chip.Opcode.Random, 0x00, 0, 0, Chip.Status.Success),
            (Chip.Opcode.Nonce, Chip.Mode.NoncePassThrough | Chip.Mode.NonceTargetMessageDigestBuffer, 0, 32, Chip.Status.Success),
            (Chip.Opcode.Sign, Chip.Mode.SignExternal | Chip.Mode.SignFromMessageDigestBuffer, 0, 0, Chip.Status.Success),
            (Chip.Opcode.Counter, 0x00, 0, 0, Chip.Status.Success),
        }, sent);
        Assert.True(Verifies(digest, signature));
    }

    [Fact]
    public void ASignWithoutANonceIsRefusedByTheChipAndTypedByTheDriver()
    {
        int before = _model.CounterValue(0);

        var error = Assert.Throws<SecureElementException>(() => _chip.Execute(AteccCommand.SignDigest(0, true)));

        Assert.Equal(Chip.Status.ExecutionError, _model.Received.Last().Status);   // the chip's 0x0F on the wire
        Assert.Equal(AteccStatus.ExecutionError, error.Status);                     // the driver's typed error
        Assert.Equal("Sign", error.Command);
        Assert.False(error.IsTransient);
        Assert.Equal(ProvenanceDevice.Token.Protocol.ErrorCode.HardwareError, error.ErrorCode);
        Assert.Single(_model.Received);                                             // refused at once, not retried
        Assert.Equal(before, _model.CounterValue(0));
    }

    [Fact]
    public void TheChipRefusesOnTheWireASignWhoseNonceWentToTheOtherBuffer()
    {
        byte[] answer = RawSession(
            ModelPackets.Command(Chip.Opcode.Nonce, Chip.Mode.NoncePassThrough, 0, new byte[32]),                          // TempKey
            ModelPackets.Command(Chip.Opcode.Sign, Chip.Mode.SignExternal | Chip.Mode.SignFromMessageDigestBuffer, 0, Array.Empty<byte>()));

        Assert.Equal(ModelPackets.Status(Chip.Status.ExecutionError), answer);
    }

    [Fact]
    public void ANonceSignsOnceOnly()
    {
        byte[] digest = new byte[32];
        digest[0] = 7;

        var error = Assert.Throws<SecureElementException>(() => _chip.ExecuteSequence(new[]
        {
            AteccCommand.NonceLoad(digest, true),
            AteccCommand.SignDigest(0, true),
            AteccCommand.SignDigest(0, true),
        }));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal(new[] { Chip.Status.Success, Chip.Status.Success, Chip.Status.ExecutionError }, _model.Received.Select(c => c.Status));
    }

    [Fact]
    public void TheNonceSurvivesIdleButNotSleepOrTheWatchdog()
    {
        _chip.Execute(AteccCommand.NonceLoad(new byte[32], true));   // the driver idles after the session
        _chip.Execute(AteccCommand.SignDigest(0, true));

        _chip.Execute(AteccCommand.NonceLoad(new byte[32], true));
        _model.Wake();
        _model.DelayMs(Atecc608Model.WatchdogMs);                     // the watchdog sends the chip to sleep
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.Execute(AteccCommand.SignDigest(0, true))).Status);

        _chip.Execute(AteccCommand.NonceLoad(new byte[32], true));
        _model.Wake();                                                 // an idle chip takes nothing but a wake pulse
        Assert.True(_model.Read(new byte[4]));
        _chip.Sleep();
        Assert.Equal(AteccStatus.ExecutionError, Assert.Throws<SecureElementException>(() => _chip.Execute(AteccCommand.SignDigest(0, true))).Status);
    }

    private bool Verifies(byte[] digest, byte[] signature)
    {
        byte[] point = _key.GetPublicKey();
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        return verifier.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Wakes the model, sends the packets one by one (waiting each one's maximum time) and returns the last answer.</summary>
    private byte[] RawSession(params byte[][] packets)
    {
        _model.Wake();
        Assert.True(_model.Read(new byte[4]));
        byte[] answer = Array.Empty<byte>();
        foreach (byte[] packet in packets)
        {
            Assert.True(_model.Write(packet));
            _model.DelayMs(Chip.MaxExecutionMs(packet[2]));
            byte[] count = new byte[1];
            Assert.True(_model.Write(new byte[] { Chip.WordAddress.Reset }));
            Assert.True(_model.Read(count));
            answer = new byte[count[0]];
            answer[0] = count[0];
            byte[] rest = new byte[count[0] - 1];
            Assert.True(_model.Read(rest));
            rest.CopyTo(answer, 1);
        }
        _model.Write(new byte[] { Chip.WordAddress.Idle });
        return answer;
    }
}
