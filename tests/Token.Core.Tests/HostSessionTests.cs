using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// PROTOCOL.md "Host sessions": the PIN verification and the signing session belong to the host session that made
/// them, on its own wire; the core enforces it, whatever the host does.
/// </summary>
public sealed class HostSessionTests
{
    private static byte[] Bytes(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    private static TokenRig RigWithKeyAndPin(string pin)
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        Assert.False(rig.Pin(PinRequest.Set, pin).IsError);
        return rig;
    }

    [Fact]
    public void ASecondConnectionCannotSignOnTheFirstOnesPin()
    {
        var rig = RigWithKeyAndPin("2468");
        var watch = new TokenLink();
        var intruder = new TokenLink();
        rig.OpenSession(watch);
        Assert.False(rig.Request(watch, MessageType.Pin, new PinRequest { SubCommand = PinRequest.Verify, Pin = "2468"u8.ToArray() }.Encode()).IsError);
        rig.OpenSession(intruder);

        rig.Button.AutoPress = true;
        TokenReply refused = rig.Request(intruder, MessageType.Sign, Bytes(10, 1));
        Assert.Equal(ErrorCode.PinRequired, refused.ErrorCode);
        Assert.False(InfoReply.Decode(rig.Request(intruder, MessageType.Info).Payload).PinVerified);
        Assert.Equal(0, rig.Key.SignCount);

        // The connection that entered the PIN still signs.
        Assert.False(rig.Request(watch, MessageType.Sign, Bytes(10, 2)).IsError);
        Assert.True(InfoReply.Decode(rig.Request(watch, MessageType.Info).Payload).PinVerified);
    }

    [Fact]
    public void ASecondConnectionCannotRideTheFirstOnesSigningSession()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        rig.Button.QueuePress(true);
        Assert.False(rig.Request(MessageType.Config, new ConfigPayload { SessionSignatures = 100, SessionMinutes = 10, PressTimeoutSeconds = 20 }.Encode()).IsError);
        var watch = new TokenLink();
        var intruder = new TokenLink();
        rig.OpenSession(watch);
        rig.OpenSession(intruder);
        rig.Button.QueuePress(true);
        Assert.False(rig.Request(watch, MessageType.Sign, Bytes(10, 1)).IsError);
        Assert.True(InfoReply.Decode(rig.Request(watch, MessageType.Info).Payload).SessionOpen);

        // Nobody presses: the intruder's signature needs its own press and gets none.
        TokenReply refused = rig.Request(intruder, MessageType.Sign, Bytes(10, 2));
        Assert.Equal(ErrorCode.PressTimeout, refused.ErrorCode);
        Assert.Equal(1, refused.WaitingForPress);
        Assert.False(InfoReply.Decode(rig.Request(intruder, MessageType.Info).Payload).SessionOpen);

        TokenReply inSession = rig.Request(watch, MessageType.Sign, Bytes(10, 3));
        Assert.False(inSession.IsError, inSession.ToString());
        Assert.Equal(0, inSession.WaitingForPress);
    }

    [Fact]
    public void ANewHostOnTheSameWireStartsLocked()
    {
        var rig = RigWithKeyAndPin("2468");
        rig.Button.QueuePress(true);
        rig.Request(MessageType.Config, new ConfigPayload { SessionSignatures = 100, PressTimeoutSeconds = 20 }.Encode());
        rig.SignPressed(Bytes(10, 1));
        Assert.True(rig.InfoFields().SessionOpen);

        // The next program opens the UART and opens its session without the old one closing the port.
        rig.OpenSession();

        InfoReply info = rig.InfoFields();
        Assert.False(info.PinVerified);
        Assert.False(info.SessionOpen);
        Assert.Equal(ErrorCode.PinRequired, rig.Request(MessageType.Sign, Bytes(10, 2)).ErrorCode);
    }

    [Fact]
    public void AHostThatOpensNoSessionGetsInfoAndAClearRefusal()
    {
        var rig = new TokenRig(openSession: false);
        Assert.False(rig.Info().IsError);

        TokenReply refused = rig.Request(MessageType.PublicKey);

        Assert.Equal(ErrorCode.SessionRequired, refused.ErrorCode);
        Assert.Contains("OPEN_SESSION", refused.Reason, StringComparison.Ordinal);
        Assert.Equal("SessionRequired", ErrorReply.NameOf(refused.ErrorCode));
    }

    [Fact]
    public void ChangingThePinEndsEveryOtherConnectionsVerification()
    {
        var rig = RigWithKeyAndPin("2468");
        var other = new TokenLink();
        rig.OpenSession(other);
        Assert.False(rig.Request(other, MessageType.Pin, new PinRequest { SubCommand = PinRequest.Verify, Pin = "2468"u8.ToArray() }.Encode()).IsError);

        Assert.False(rig.Pin(PinRequest.Change, "2468", "1357").IsError);

        rig.Button.AutoPress = true;
        Assert.Equal(ErrorCode.PinRequired, rig.Request(other, MessageType.Sign, Bytes(10, 1)).ErrorCode);
    }

    [Fact]
    public void ChunksOfTwoConnectionsWithTheSameSequenceNeverMix()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        var first = new TokenLink();
        var second = new TokenLink();
        rig.OpenSession(first);
        rig.OpenSession(second);
        byte[] mine = Bytes(400, 1);
        byte[] theirs = Bytes(400, 2);
        Frame[] a = MessageChunker.Split(MessageType.Sign, 9, mine);
        Frame[] b = MessageChunker.Split(MessageType.Sign, 9, theirs);
        rig.Button.AutoPress = true;

        Assert.Equal(MessageType.Continue, rig.Exchange(first, a[0].Encode()).Single().Type);
        Assert.Equal(MessageType.Continue, rig.Exchange(second, b[0].Encode()).Single().Type);
        Frame reply = rig.Exchange(first, a[1].Encode()).Last();
        Assert.Equal(MessageType.Sign | MessageType.ReplyBit, reply.Type);
        rig.Exchange(second, b[1].Encode());

        var log = rig.ReadWholeLog();
        Assert.Equal(2, log.Count);
        Assert.Equal(SHA256.HashData(mine), log[0].Digest);
        Assert.Equal(SHA256.HashData(theirs), log[1].Digest);
    }
}
