using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;
using ProvenanceDevice.Token.SecureElement;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests.SecureElement;

/// <summary>The token core on the ATECC608B model, driven through the wire protocol: PROVISION, key, signatures, counter.</summary>
public sealed class SecureElementTokenTests
{
    private readonly Atecc608Model _model = Atecc608Model.CreateFactoryNew();
    private readonly Atecc608 _chip;
    private readonly TokenRig _rig;

    public SecureElementTokenTests()
    {
        _chip = new Atecc608(_model);
        _rig = new TokenRig(configure: AttachChip);
    }

    private void AttachChip(TokenHardware hardware)
    {
        hardware.SecureElement = _chip;
        hardware.Key = new SecureElementKey(_chip);
        hardware.Entropy = new SecureElementEntropy(_chip, new TestEntropy());
        hardware.Serial = _chip.ReadSerialNumberHex();
    }

    private ProvisionReply ProvisionPressed()
    {
        _rig.Button.QueuePress(true);
        TokenReply reply = _rig.Request(MessageType.Provision);
        Assert.False(reply.IsError, reply.ToString());
        Assert.Equal(MessageType.Provision | MessageType.ReplyBit, reply.Type);
        Assert.Equal(1, reply.WaitingForPress);
        return ProvisionReply.Decode(reply.Payload);
    }

    [Fact]
    public void ProvisionLocksTheChipThenTheKeyIsMadeAndSignsInsideIt()
    {
        InfoReply blank = _rig.InfoFields();
        Assert.True(blank.SecureElementPresent);
        Assert.False(blank.SecureElementProvisioned);
        Assert.False(blank.HasKey);
        Assert.Equal(KeyProtection.SecureElement, blank.KeyProtection);
        Assert.Equal(ErrorCode.WrongState, _rig.Request(MessageType.GenerateKey).ErrorCode);

        ProvisionReply provisioned = ProvisionPressed();

        Assert.Equal(Convert.ToHexString(_model.SerialNumber), provisioned.Serial);
        Assert.True(provisioned.ConfigLocked);
        Assert.True(provisioned.DataLocked);
        Assert.True(_model.IsConfigLocked);
        Assert.True(_model.IsDataLocked);
        Assert.True(_rig.InfoFields().SecureElementProvisioned);

        byte[] publicKey = _rig.GenerateKeyPressed();
        Assert.Equal(publicKey, _rig.Request(MessageType.PublicKey).Payload);
        Assert.Equal(publicKey[1..], _chip.GetPublicKey(Atecc608Config.SigningSlot));
        using ECDsa verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        });
        long counter = _rig.InfoFields().Counter;
        for (int i = 1; i <= 3; i++)
        {
            byte[] toBeSigned = RandomNumberGenerator.GetBytes(300 * i);
            SignReply signed = _rig.SignPressed(toBeSigned);

            Assert.True(verifier.VerifyData(toBeSigned, signed.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            Assert.Equal(counter + i, signed.Counter);
            InfoReply info = _rig.InfoFields();
            Assert.Equal(counter + i, info.Counter);
            Assert.True(info.Counter >= _model.CounterValue(0));
        }
        Assert.Equal(3, _model.CounterValue(0));

        // The private key stays in the chip: slot 0 is secret, and every read of it is refused.
        var refused = Assert.Throws<SecureElementException>(() => _chip.ReadSlotBlock(Atecc608Config.SigningSlot, 0));
        Assert.Equal(AteccStatus.ExecutionError, refused.Status);
    }

    [Fact]
    public void ProvisionTwiceIsWrongStateWithoutAskingForThePress()
    {
        ProvisionPressed();
        int waits = _rig.Button.Waits;

        TokenReply again = _rig.Request(MessageType.Provision);

        Assert.Equal(ErrorCode.WrongState, again.ErrorCode);
        Assert.Contains("already provisioned", again.Reason, StringComparison.Ordinal);
        Assert.Equal(0, again.WaitingForPress);
        Assert.Equal(waits, _rig.Button.Waits);
    }

    [Fact]
    public void ProvisionOnABoardWithASoftwareKeyIsWrongState()
    {
        var software = new TokenRig();

        TokenReply reply = software.Request(MessageType.Provision);

        Assert.Equal(ErrorCode.WrongState, reply.ErrorCode);
        Assert.Contains("no secure element", reply.Reason, StringComparison.Ordinal);
        Assert.Equal(0, reply.WaitingForPress);
        InfoReply info = software.InfoFields();
        Assert.False(info.SecureElementPresent);
        Assert.False(info.SecureElementProvisioned);
    }

    [Fact]
    public void ProvisionWithoutAPressLeavesTheChipBlank()
    {
        _rig.Button.QueuePress(false);

        TokenReply reply = _rig.Request(MessageType.Provision);

        Assert.Equal(ErrorCode.PressTimeout, reply.ErrorCode);
        Assert.False(_model.IsConfigLocked);
        Assert.False(_model.IsDataLocked);
        Assert.False(_rig.InfoFields().SecureElementProvisioned);
    }

    [Fact]
    public void ProvisionTakesNoPayload()
    {
        TokenReply reply = _rig.Request(MessageType.Provision, new byte[] { 1 });

        Assert.Equal(ErrorCode.BadPayload, reply.ErrorCode);
        Assert.False(_model.IsConfigLocked);
    }

    [Fact]
    public void TheTokenCounterCatchesUpWithTheChipCounter()
    {
        ProvisionPressed();
        _rig.GenerateKeyPressed();
        Assert.Equal(1, _rig.SignPressed([1, 2, 3]).Counter);
        // Something advanced the chip's counter behind the token's back (a retried Counter command skips values).
        for (int i = 0; i < 5; i++) _chip.IncrementCounter(0);

        SignReply next = _rig.SignPressed([4, 5, 6]);

        Assert.Equal(7, _model.CounterValue(0));
        Assert.Equal(7, next.Counter);
        Assert.Equal(7, _rig.InfoFields().Counter);

        // A token whose flash lost everything still starts at the chip's counter, never below it.
        var fresh = new TokenRig(configure: AttachChip);
        Assert.Equal(7, fresh.InfoFields().Counter);
        Assert.Equal(8, fresh.SignPressed([7]).Counter);
        _rig.Restart();
        Assert.Equal(8, _rig.InfoFields().Counter);
    }

    [Fact]
    public void APowerCutDuringSignNeverLetsTheTokenCounterFallBehindTheChipOrRepeat()
    {
        ProvisionPressed();
        _rig.GenerateKeyPressed();
        _rig.Button.AutoPress = true;
        var released = new System.Collections.Generic.List<long> { _rig.SignPressed([0]).Counter };
        int before = _rig.Flash.Steps;
        _rig.SignPressed([1]);
        int stepsPerSign = _rig.Flash.Steps - before;
        Assert.True(stepsPerSign >= 2, "a SIGN writes the counter and the log entry");
        released.Add(_rig.InfoFields().Counter);

        for (int cutAt = 0; cutAt < stepsPerSign; cutAt++)
        {
            _rig.Flash.CutPowerAfter(cutAt);
            Assert.False(_rig.Request(MessageType.Sign, [2, (byte)cutAt]).Received);
            _rig.Restart();

            InfoReply info = _rig.InfoFields();
            Assert.True(info.Counter >= _model.CounterValue(0), "token counter " + info.Counter + " behind the chip's " + _model.CounterValue(0));
            long next = _rig.SignPressed([3, (byte)cutAt]).Counter;
            Assert.True(next > released.Max(), "counter " + next + " after a cut at step " + cutAt + " repeats or goes back");
            Assert.Equal(_model.CounterValue(0), next);
            released.Add(next);
        }
    }

    [Fact]
    public void AttestNamesTheChipAndItsEmptyCertificateChain()
    {
        ProvisionPressed();
        byte[] publicKey = _rig.GenerateKeyPressed();

        TokenReply reply = _rig.Request(MessageType.Attest);

        Assert.False(reply.IsError, reply.ToString());
        AttestReply attest = AttestReply.Decode(reply.Payload);
        Assert.Equal(KeyProtection.SecureElement, attest.KeyProtection);
        Assert.Equal(Convert.ToHexString(_model.SerialNumber), attest.Serial);
        Assert.Equal(publicKey, attest.PublicKey);
        Assert.Contains("ATECC608B", attest.Description, StringComparison.Ordinal);
        Assert.Empty(attest.CertificateChain);
    }

    [Fact]
    public void ResetBeforeProvisioningWorksAndLeavesTheChipBlank()
    {
        Assert.False(_rig.Pin(PinRequest.Set, "2468").IsError);
        _rig.Button.QueuePress(true);

        TokenReply reply = _rig.Request(MessageType.Reset);

        Assert.False(reply.IsError, reply.ToString());
        Assert.False(_rig.InfoFields().PinSet);
        Assert.False(_model.IsConfigLocked);
    }

    [Fact]
    public void EntropyUsesTheBoardBeforeProvisioningAndMixesInTheChipAfter()
    {
        var zeros = new ZeroEntropy();
        var entropy = new SecureElementEntropy(_chip, zeros);
        byte[] before = new byte[48];

        entropy.Fill(before);
        Assert.All(before, b => Assert.Equal(0, b));

        _chip.Provision();
        byte[] after = new byte[48];
        entropy.Fill(after);
        Assert.Contains(after, b => b != 0);
        Assert.NotEqual(after, new SecureElementEntropy(_chip, zeros).FillNew(48));
    }

    [Fact]
    public void ProvisionReplyMatchesTheExampleInProtocolMd()
    {
        var reply = new ProvisionReply { Serial = "0123A1B2C3D4E5F6EE", ConfigLocked = true, DataLocked = true };

        Assert.Equal("12 30 31 32 33 41 31 42 32 43 33 44 34 45 35 46 36 45 45 01 01", BitConverter.ToString(reply.Encode()).Replace('-', ' '));
        ProvisionReply decoded = ProvisionReply.Decode(reply.Encode());
        Assert.Equal(reply.Serial, decoded.Serial);
        Assert.True(decoded.ConfigLocked && decoded.DataLocked);
    }

    [Fact]
    public void InfoFromFirmwareWithoutTheProvisionedFieldDecodesAsNotProvisioned()
    {
        var info = new InfoReply { ProtocolVersion = 1, SecureElementPresent = true, SecureElementProvisioned = true, FirmwareVersion = "0.1.0", Board = "b", Serial = "s" };
        byte[] current = info.Encode();

        Assert.True(InfoReply.Decode(current).SecureElementProvisioned);
        Assert.False(InfoReply.Decode(current[..^1]).SecureElementProvisioned);
    }

    private sealed class ZeroEntropy : IEntropy
    {
        public void Fill(byte[] buffer) => Array.Clear(buffer);
    }
}

internal static class EntropyExtensions
{
    public static byte[] FillNew(this IEntropy entropy, int length)
    {
        byte[] buffer = new byte[length];
        entropy.Fill(buffer);
        return buffer;
    }
}
