using System;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// One press for the artist's CAWG identity signature and the claim signature after it (PROTOCOL.md, "Identity and
/// claim under one press"): a SIGN with binding offset FFFE lets its press cover the next SIGN of the host session,
/// only if that one is a bound claim, and only within a minute.
/// </summary>
public class PairedPressTests
{
    private static readonly byte[] IdentityPayload = [0x84, 0x6A, .. "Signature1"u8, 0x43, 0xA1, 0x01, 0x26, 0x40, 0x58, 0x20, .. new byte[32]];
    private static readonly byte[] ClaimStart = [0x84, 0x6A, .. "Signature1"u8, 0x40, 0x40, 0x59, 0x01, 0x00, 0xA5];

    private static TokenRig RigWithKey()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        return rig;
    }

    private static TokenReply SignPaired(TokenRig rig, byte[] toBeSigned) =>
        rig.Request(MessageType.Sign, new SignRequest { ToBeSigned = toBeSigned, BindingOffset = CounterBinding.PairedWithNext }.Encode());

    private static TokenReply SignClaim(TokenRig rig, long counter)
    {
        byte[] claim = TokenRig.WithBinding(ClaimStart, rig.Hardware.Serial, counter, [0x01], out int offset);
        return rig.SignBound(claim, offset);
    }

    [Fact]
    public void OnePressSignsTheIdentityThenItsClaim()
    {
        var rig = RigWithKey();
        int waitsBefore = rig.Button.Waits;
        rig.Button.QueuePress(true);

        TokenReply identity = SignPaired(rig, IdentityPayload);
        TokenReply claim = SignClaim(rig, 2);

        Assert.False(identity.IsError, identity.ToString());
        Assert.False(claim.IsError, claim.ToString());
        Assert.Equal(1, identity.WaitingForPress);
        Assert.Equal(0, claim.WaitingForPress);
        Assert.Equal(waitsBefore + 1, rig.Button.Waits);
        // Two signatures, two counter values, two log entries.
        Assert.Equal(1, SignReply.Decode(identity.Payload).Counter);
        Assert.Equal(2, SignReply.Decode(claim.Payload).Counter);
        Assert.Equal(2, rig.ReadWholeLog().Count);
    }

    [Fact]
    public void WithoutThePairingTheClaimNeedsItsOwnPress()
    {
        var rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(rig.Request(MessageType.Sign, new SignRequest { ToBeSigned = IdentityPayload, BindingOffset = CounterBinding.NoBinding }.Encode()).IsError);

        Assert.Equal(ErrorCode.PressTimeout, SignClaim(rig, 2).ErrorCode);
    }

    [Fact]
    public void TheCarriedPressCoversOneBoundClaimAndNothingElse()
    {
        var rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(SignPaired(rig, IdentityPayload).IsError);
        // Arbitrary (unbound) bytes do not ride on it, and it is gone after that attempt.
        Assert.Equal(ErrorCode.PressTimeout, rig.Request(MessageType.Sign, "other bytes"u8.ToArray()).ErrorCode);
        Assert.Equal(ErrorCode.PressTimeout, SignClaim(rig, 2).ErrorCode);

        rig.Button.QueuePress(true);
        Assert.False(SignPaired(rig, IdentityPayload).IsError);
        Assert.False(SignClaim(rig, 3).IsError);
        Assert.Equal(ErrorCode.PressTimeout, SignClaim(rig, 4).ErrorCode);
    }

    [Fact]
    public void TheCarriedPressEndsAfterAMinute()
    {
        var rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(SignPaired(rig, IdentityPayload).IsError);
        rig.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(ErrorCode.PressTimeout, SignClaim(rig, 2).ErrorCode);
    }

    [Fact]
    public void APairedSignOfBytesNamingTheCounterFieldIsRefusedBeforeThePress()
    {
        var rig = RigWithKey();
        byte[] naming = TokenRig.WithBinding(ClaimStart, rig.Hardware.Serial, 1, [0x01], out _);

        TokenReply reply = SignPaired(rig, naming);

        Assert.Equal(ErrorCode.BindingRefused, reply.ErrorCode);
        Assert.Equal(0, reply.WaitingForPress);
        Assert.Equal(0, rig.InfoFields().Counter);
    }
}
