using System;
using System.Linq;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// Protocol 2 counter binding: the token signs a claim only when it names the token's own serial and the counter
/// value this very signature uses, once, where the host says. A stolen token driven by a modified host cannot put
/// any other counter into a signed claim.
/// </summary>
public class CounterBindingTests
{
    private static readonly byte[] ClaimStart = [0x84, 0x6A, .. "Signature1"u8, 0x40, 0x40, 0x59, 0x01, 0x00, 0xA5];

    private static TokenRig RigWithKey()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        return rig;
    }

    [Fact]
    public void TheTokenSignsAClaimThatNamesItsSerialAndTheCounterItUses()
    {
        var rig = RigWithKey();
        for (long expected = 1; expected <= 3; expected++)
        {
            byte[] toBeSigned = TokenRig.WithBinding(ClaimStart, "TEST-0001", expected, "rest of claim"u8.ToArray(), out int offset);
            rig.Button.QueuePress(true);
            TokenReply reply = rig.SignBound(toBeSigned, offset);

            Assert.False(reply.IsError, reply.ToString());
            SignReply signed = SignReply.Decode(reply.Payload);
            Assert.Equal(expected, signed.Counter);
            Assert.True(EcdsaTestKey.Verify(rig.Key.GetPublicKey(), toBeSigned, signed.Signature));
        }
    }

    [Theory]
    [InlineData(1)]   // the counter of an earlier signature: the thief wants it to look older than a revocation
    [InlineData(3)]   // one ahead
    [InlineData(40)]
    public void AModifiedHostThatWritesAnotherCounterIsRefusedAndGetsNoSignature(long forged)
    {
        var rig = RigWithKey();
        rig.SignBoundPressed([1, 2, 3]);
        Assert.Equal(1, rig.InfoFields().Counter);
        int signaturesBefore = rig.Key.SignCount;

        byte[] toBeSigned = TokenRig.WithBinding(ClaimStart, "TEST-0001", forged, [0x01], out int offset);
        rig.Button.AutoPress = true;
        TokenReply reply = rig.SignBound(toBeSigned, offset);

        Assert.Equal(ErrorCode.BindingRefused, reply.ErrorCode);
        Assert.Contains("counter 2", reply.Reason);
        Assert.Equal(signaturesBefore, rig.Key.SignCount);
        Assert.Equal(0, reply.WaitingForPress);
        Assert.Equal(1, rig.InfoFields().Counter);
        Assert.Single(rig.ReadWholeLog());
    }

    [Fact]
    public void AClaimNamingAnotherTokensSerialIsRefused()
    {
        var rig = RigWithKey();
        byte[] toBeSigned = TokenRig.WithBinding(ClaimStart, "TEST-0002", 1, [0x01], out int offset);
        rig.Button.AutoPress = true;

        Assert.Equal(ErrorCode.BindingRefused, rig.SignBound(toBeSigned, offset).ErrorCode);
        Assert.Equal(0, rig.Key.SignCount);
    }

    [Fact]
    public void TheRightCounterHiddenElsewhereBesideAForgedOneIsRefused()
    {
        // The host points the token at a true field inside, say, the title, and puts a forged one where a verifier reads.
        var rig = RigWithKey();
        byte[] decoy = CounterBinding.Encode("TEST-0001", 40);
        byte[] toBeSigned = TokenRig.WithBinding(ClaimStart, "TEST-0001", 1, decoy, out int offset);
        rig.Button.AutoPress = true;

        TokenReply reply = rig.SignBound(toBeSigned, offset);

        Assert.Equal(ErrorCode.BindingRefused, reply.ErrorCode);
        Assert.Contains("2 times", reply.Reason);
        Assert.Equal(0, rig.Key.SignCount);
    }

    [Fact]
    public void AnOffsetThatDoesNotPointAtTheFieldIsRefused()
    {
        var rig = RigWithKey();
        byte[] toBeSigned = TokenRig.WithBinding(ClaimStart, "TEST-0001", 1, [0x01], out int offset);
        rig.Button.AutoPress = true;

        Assert.Equal(ErrorCode.BindingRefused, rig.SignBound(toBeSigned, offset + 1).ErrorCode);
        Assert.Equal(ErrorCode.BadPayload, rig.SignBound(toBeSigned, toBeSigned.Length).ErrorCode);
        Assert.Equal(0, rig.Key.SignCount);
    }

    [Fact]
    public void ASignWithoutBindingCannotCarryACounterField()
    {
        // Leaving out the offset (or speaking protocol 1) must not be a way around the check.
        var rig = RigWithKey();
        byte[] toBeSigned = TokenRig.WithBinding(ClaimStart, "TEST-0001", 7, [0x01], out _);
        rig.Button.AutoPress = true;

        Assert.Equal(ErrorCode.BindingRefused, rig.Request(MessageType.Sign, toBeSigned).ErrorCode);
        Assert.Equal(ErrorCode.BindingRefused, rig.SignBound(toBeSigned, CounterBinding.NoBinding).ErrorCode);
        Assert.Equal(0, rig.Key.SignCount);
    }

    [Fact]
    public void AProtocol1HostStillSignsBytesWithoutACounterField()
    {
        var rig = RigWithKey();
        byte[] toBeSigned = [.. ClaimStart, 1, 2, 3];

        SignReply signed = rig.SignPressed(toBeSigned);

        Assert.Equal(1, signed.Counter);
        Assert.True(EcdsaTestKey.Verify(rig.Key.GetPublicKey(), toBeSigned, signed.Signature));
    }

    [Fact]
    public void InfoReportsProtocol3()
    {
        Assert.Equal(3, new TokenRig().InfoFields().ProtocolVersion);
    }

    [Fact]
    public void TheFieldIsShortestFormCbor()
    {
        byte[] field = CounterBinding.Encode("TK-1", 300);
        byte[] name = [0x78, 0x1A, .. "org.provenancedevice.token"u8];
        Assert.Equal([.. name, 0xA2, 0x66, .. "serial"u8, 0x64, .. "TK-1"u8, 0x67, .. "counter"u8, 0x19, 0x01, 0x2C], field);
        Assert.Equal(name, CounterBinding.FieldNameBytes());
        Assert.Equal(0x17, CounterBinding.Encode("TK-1", 23).Last());
        Assert.Equal([0x1A, 0x00, 0x01, 0x00, 0x00], CounterBinding.Encode("TK-1", 65536).TakeLast(5).ToArray());
    }
}
