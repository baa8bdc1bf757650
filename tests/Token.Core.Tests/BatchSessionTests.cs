using System;
using System.Linq;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// PROTOCOL.md "BATCH" (revision 3): one press authorises exactly the N signatures of one batch, for the host session
/// that asked, and nothing else; the session ends when N are used, on a failed SIGN, at disconnect or at its deadline.
/// </summary>
public sealed class BatchSessionTests
{
    private static TokenRig RigWithKey()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        return rig;
    }

    private static TokenReply OpenBatch(TokenRig rig, int signatures, int seconds = 600, TokenLink? link = null) =>
        rig.Request(link, MessageType.Batch, new BatchPayload { Signatures = signatures, Seconds = seconds }.Encode());

    /// <summary>A SIGN bound to the next counter; the button is never pressed for it (a press would be queued, not taken).</summary>
    private static TokenReply SignUnpressed(TokenRig rig, int seed, TokenLink? link = null)
    {
        long next = InfoReply.Decode(rig.Request(link, MessageType.Info).Payload).Counter + 1;
        byte[] toBeSigned = TokenRig.WithBinding([0x84, (byte)seed, 0x6A], rig.Hardware.Serial, next, [0x01, (byte)seed], out int offset);
        return rig.Request(link, MessageType.Sign, new SignRequest { ToBeSigned = toBeSigned, BindingOffset = offset }.Encode());
    }

    [Fact]
    public void OnePressSignsABatchOfFiveAndTheSixthNeedsANewPress()
    {
        TokenRig rig = RigWithKey();
        int waitsBefore = rig.Button.Waits;
        rig.Button.QueuePress(true);
        TokenReply opened = OpenBatch(rig, 5);
        Assert.False(opened.IsError, opened.ToString());
        Assert.Equal(1, opened.WaitingForPress);
        Assert.Equal(5, BatchPayload.Decode(opened.Payload).Signatures);
        Assert.Equal(LedState.SessionOpen, rig.Led.Current);

        for (int i = 0; i < 5; i++)
        {
            TokenReply signed = SignUnpressed(rig, i);
            Assert.False(signed.IsError, $"signature {i + 1}: {signed}");
            Assert.Equal(0, signed.WaitingForPress);
            InfoReply info = rig.InfoFields();
            Assert.Equal(i < 4, info.SessionOpen);
            Assert.Equal(i < 4 ? 4 - i : 0, info.SessionSignaturesLeft);
        }
        Assert.Equal(LedState.Idle, rig.Led.Current);
        Assert.Equal(waitsBefore + 1, rig.Button.Waits);

        // The sixth asks for the button again; unpressed, it signs nothing and uses no counter value.
        long counter = rig.InfoFields().Counter;
        rig.Button.QueuePress(false);
        TokenReply sixth = SignUnpressed(rig, 6);
        Assert.Equal(ErrorCode.PressTimeout, sixth.ErrorCode);
        Assert.Equal(1, sixth.WaitingForPress);
        Assert.Equal(counter, rig.InfoFields().Counter);
        Assert.Equal(5, rig.Key.SignCount);
    }

    [Fact]
    public void ABatchPressAuthorisesSignaturesAndNothingElse()
    {
        TokenRig rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(OpenBatch(rig, 3).IsError);

        // CONFIG set and RESET still ask for their own press, and an unpressed one does nothing.
        rig.Button.QueuePress(false);
        TokenReply config = rig.Request(MessageType.Config, new ConfigPayload { SessionSignatures = 1000, SessionMinutes = 480, PressTimeoutSeconds = 30 }.Encode());
        Assert.Equal(ErrorCode.PressTimeout, config.ErrorCode);
        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, rig.Request(MessageType.Reset).ErrorCode);
        Assert.True(rig.InfoFields().HasKey);
    }

    [Fact]
    public void TheBatchBelongsToTheConnectionThatAskedAndEndsWhenItGoes()
    {
        TokenRig rig = RigWithKey();
        var batchHost = new TokenLink();
        var other = new TokenLink();
        rig.OpenSession(batchHost);
        rig.OpenSession(other);
        rig.Button.QueuePress(true);
        Assert.False(OpenBatch(rig, 5, link: batchHost).IsError);

        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, SignUnpressed(rig, 1, other).ErrorCode);
        Assert.False(SignUnpressed(rig, 2, batchHost).IsError);

        // Unplugged: the rest of the batch is gone for whoever opens the port next.
        rig.Core.EndConnection(batchHost);
        rig.OpenSession(batchHost);
        Assert.False(InfoReply.Decode(rig.Request(batchHost, MessageType.Info).Payload).SessionOpen);
        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, SignUnpressed(rig, 3, batchHost).ErrorCode);
    }

    [Fact]
    public void AFailedSignEndsTheBatch()
    {
        TokenRig rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(OpenBatch(rig, 5).IsError);
        Assert.False(SignUnpressed(rig, 1).IsError);

        // A claim naming the wrong counter is refused, and the batch with it.
        long next = rig.InfoFields().Counter + 1;
        byte[] lying = TokenRig.WithBinding([0x84], rig.Hardware.Serial, next + 7, [0x01], out int offset);
        Assert.Equal(ErrorCode.BindingRefused, rig.Request(MessageType.Sign, new SignRequest { ToBeSigned = lying, BindingOffset = offset }.Encode()).ErrorCode);
        Assert.False(rig.InfoFields().SessionOpen);
        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, SignUnpressed(rig, 2).ErrorCode);
    }

    [Fact]
    public void TheUnusedRestLapsesAtTheDeadline()
    {
        TokenRig rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(OpenBatch(rig, 5, seconds: 60).IsError);
        Assert.Equal(60, rig.InfoFields().SessionSecondsLeft);
        Assert.False(SignUnpressed(rig, 1).IsError);
        rig.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(rig.InfoFields().SessionOpen);
        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, SignUnpressed(rig, 2).ErrorCode);
    }

    [Fact]
    public void AnUnpressedBatchAuthorisesNothingAndEndsTheOldOne()
    {
        TokenRig rig = RigWithKey();
        rig.Button.QueuePress(true);
        Assert.False(OpenBatch(rig, 5).IsError);
        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, OpenBatch(rig, 5).ErrorCode);
        rig.Button.QueuePress(false);
        Assert.Equal(ErrorCode.PressTimeout, SignUnpressed(rig, 1).ErrorCode);
        Assert.Equal(0, rig.Key.SignCount);
    }

    [Theory]
    [InlineData(0, 600)]
    [InlineData(1001, 600)]
    [InlineData(5, 9)]
    [InlineData(5, 3601)]
    public void OutOfRangeBatchesAreRefusedBeforeAnyPress(int signatures, int seconds)
    {
        TokenRig rig = RigWithKey();
        int waits = rig.Button.Waits;
        TokenReply reply = OpenBatch(rig, signatures, seconds);
        Assert.Equal(ErrorCode.BadPayload, reply.ErrorCode);
        Assert.Equal(waits, rig.Button.Waits);
    }

    [Fact]
    public void ABatchNeedsThePinLikeSign()
    {
        TokenRig rig = RigWithKey();
        Assert.False(rig.Pin(PinRequest.Set, "1357").IsError);
        rig.Reconnect();
        rig.Button.QueuePress(true);
        Assert.Equal(ErrorCode.PinRequired, OpenBatch(rig, 5).ErrorCode);
        Assert.Equal(0, rig.Key.SignCount);
    }
}
