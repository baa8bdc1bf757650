using System;
using System.Collections.Generic;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace Token.Core.Tests.Fakes;

/// <summary>One reply message as the host sees it, after CONTINUE and WAITING_FOR_PRESS frames.</summary>
public sealed class TokenReply
{
    public byte Type { get; init; }
    public byte[] Payload { get; init; } = Array.Empty<byte>();
    public int Continues { get; init; }
    public int WaitingForPress { get; init; }
    /// <summary>False when the token sent nothing final (e.g. power was cut).</summary>
    public bool Received { get; init; }

    public bool IsError => Type == MessageType.Error;

    public int ErrorCode => IsError ? ErrorReply.CodeOf(Payload) : 0;

    public string Reason => IsError ? ErrorReply.ReasonOf(Payload) : "";

    public override string ToString() => IsError
        ? "ERROR " + ErrorReply.NameOf(ErrorCode) + ": " + Reason
        : "0x" + Type.ToString("X2") + " with " + Payload.Length + " bytes";
}

/// <summary>
/// A token on test hardware plus the host's side of the conversation, written with the same message classes
/// (<see cref="MessageChunker"/>, <see cref="MessageAssembler"/>) the host client uses.
/// </summary>
public sealed class TokenRig
{
    private byte _sequence;

    /// <param name="flash">The token's storage (a new one when null).</param>
    /// <param name="key">The software key slot (a new one when null).</param>
    /// <param name="configure">Changes the hardware before the core starts (e.g. puts a secure element in place of <paramref name="key"/>).</param>
    /// <param name="openSession">Open a host session (OPEN_SESSION) at start and after each restart, as the host client does.</param>
    public TokenRig(SimulatedFlash? flash = null, EcdsaTestKey? key = null, Action<TokenHardware>? configure = null, bool openSession = true)
    {
        _openSession = openSession;
        Flash = flash ?? new SimulatedFlash();
        Key = key ?? new EcdsaTestKey();
        Hardware = new TokenHardware
        {
            Storage = Flash,
            Button = Button,
            Led = Led,
            Clock = Clock,
            Entropy = new TestEntropy(),
            Key = Key,
            Board = "emulator",
            Serial = "TEST-0001",
            FirmwareVersion = "0.1.0-test",
        };
        configure?.Invoke(Hardware);
        Sink = new RecordingSink(Flash);
        Core = new TokenCore(Hardware);
        if (_openSession) OpenSession();
    }

    private readonly bool _openSession;

    public SimulatedFlash Flash { get; }
    public EcdsaTestKey Key { get; }
    public TestButton Button { get; } = new();
    public TestLed Led { get; } = new();
    public TestClock Clock { get; } = new();
    public TokenHardware Hardware { get; }
    public RecordingSink Sink { get; }
    public TokenCore Core { get; private set; }

    /// <summary>Power-cycles the token: a new core on the surviving storage, same key slot.</summary>
    public void Restart()
    {
        Flash.PowerOn();
        Core = new TokenCore(Hardware);
        if (_openSession) OpenSession();
    }

    /// <summary>The host closes the port and a new host opens it: the old host session ends, a new one starts.</summary>
    public void Reconnect()
    {
        Core.EndConnection();
        OpenSession();
    }

    /// <summary>Sends OPEN_SESSION on <paramref name="link"/> (the board's UART when null) and checks it succeeded.</summary>
    public TokenReply OpenSession(TokenLink? link = null)
    {
        TokenReply reply = Request(link, MessageType.OpenSession);
        Assert.False(reply.IsError, reply.ToString());
        return reply;
    }

    public TokenReply Request(byte type, byte[]? payload = null) => Request(null, type, payload);

    /// <summary>Sends one request on <paramref name="link"/> (the board's UART when null) and collects the reply.</summary>
    public TokenReply Request(TokenLink? link, byte type, byte[]? payload = null)
    {
        byte sequence = ++_sequence;
        Frame[] chunks = MessageChunker.Split(type, sequence, payload ?? Array.Empty<byte>());
        int continues = 0;
        for (int i = 0; i < chunks.Length; i++)
        {
            List<Frame> answer = Exchange(link, chunks[i].Encode());
            if (i < chunks.Length - 1)
            {
                // The token must acknowledge each chunk before the next is sent (PROTOCOL.md).
                if (answer.Count == 1 && answer[0].Type == MessageType.Continue && answer[0].Sequence == sequence)
                {
                    continues++;
                    continue;
                }
                return Finish(answer, sequence, continues);
            }
            return Finish(answer, sequence, continues);
        }
        throw new InvalidOperationException("unreachable");
    }

    public TokenReply Info() => Request(MessageType.Info);

    public InfoReply InfoFields()
    {
        TokenReply reply = Info();
        Assert.False(reply.IsError, reply.ToString());
        return InfoReply.Decode(reply.Payload);
    }

    public byte[] GenerateKeyPressed()
    {
        Button.QueuePress(true);
        TokenReply reply = Request(MessageType.GenerateKey);
        Assert.False(reply.IsError, reply.ToString());
        return reply.Payload;
    }

    public SignReply SignPressed(byte[] toBeSigned)
    {
        Button.QueuePress(true);
        TokenReply reply = Request(MessageType.Sign, toBeSigned);
        Assert.False(reply.IsError, reply.ToString());
        return SignReply.Decode(reply.Payload);
    }

    /// <summary>
    /// To-be-signed bytes as a protocol 2 host builds them: <paramref name="before"/>, the counter binding field for
    /// <paramref name="serial"/> and <paramref name="counter"/>, then <paramref name="after"/>; <paramref name="offset"/> is where the field starts.
    /// </summary>
    public static byte[] WithBinding(byte[] before, string serial, long counter, byte[] after, out int offset)
    {
        byte[] field = CounterBinding.Encode(serial, counter);
        offset = before.Length;
        return [.. before, .. field, .. after];
    }

    /// <summary>A protocol 2 SIGN naming the binding at <paramref name="offset"/> (the button is not pressed for it).</summary>
    public TokenReply SignBound(byte[] toBeSigned, int offset) =>
        Request(MessageType.Sign, new SignRequest { ToBeSigned = toBeSigned, BindingOffset = offset }.Encode());

    /// <summary>Signs bytes bound to the counter the token reports next (INFO + 1), as prov does; the button is pressed.</summary>
    public SignReply SignBoundPressed(byte[] before)
    {
        byte[] toBeSigned = WithBinding(before, Hardware.Serial, InfoFields().Counter + 1, [0x01], out int offset);
        Button.QueuePress(true);
        TokenReply reply = SignBound(toBeSigned, offset);
        Assert.False(reply.IsError, reply.ToString());
        return SignReply.Decode(reply.Payload);
    }

    public TokenReply Pin(int subCommand, string pin, string? newPin = null)
    {
        var request = new PinRequest
        {
            SubCommand = subCommand,
            Pin = System.Text.Encoding.UTF8.GetBytes(pin),
            NewPin = newPin == null ? null : System.Text.Encoding.UTF8.GetBytes(newPin),
        };
        return Request(MessageType.Pin, request.Encode());
    }

    public List<LogEntry> ReadWholeLog()
    {
        var entries = new List<LogEntry>();
        InfoReply info = InfoFields();
        long index = info.LogFirstIndex;
        while (true)
        {
            TokenReply reply = Request(MessageType.Log, new LogRequest { StartIndex = index, Count = LogRequest.MaxEntries }.Encode());
            Assert.False(reply.IsError, reply.ToString());
            LogReply page = LogReply.Decode(reply.Payload);
            if (page.Entries.Length == 0) break;
            entries.AddRange(page.Entries);
            index = page.StartIndex + page.Entries.Length;
        }
        return entries;
    }

    /// <summary>Sends raw wire bytes and decodes every frame the token answers with.</summary>
    public List<Frame> Exchange(byte[] wire) => Exchange(null, wire);

    /// <summary>Sends raw wire bytes on <paramref name="link"/> (the board's UART when null) and decodes the answer.</summary>
    public List<Frame> Exchange(TokenLink? link, byte[] wire)
    {
        int before = Sink.Sent.Count;
        if (link is null) Core.Receive(wire, 0, wire.Length, Sink);
        else Core.Receive(link, wire, 0, wire.Length, Sink);
        var frames = new List<Frame>();
        var decoder = new FrameDecoder();
        for (int i = before; i < Sink.Sent.Count; i++)
        {
            int result = FrameDecoder.NeedMore;
            foreach (byte b in Sink.Sent[i]) result = decoder.Push(b);
            Assert.Equal(FrameDecoder.FrameReady, result);
            frames.Add(decoder.LastFrame);
        }
        return frames;
    }

    private static TokenReply Finish(List<Frame> frames, byte sequence, int continues)
    {
        var assembler = new MessageAssembler();
        int waiting = 0;
        foreach (Frame frame in frames)
        {
            Assert.Equal(sequence, frame.Sequence);
            if (frame.Type == MessageType.WaitingForPress)
            {
                waiting++;
                continue;
            }
            int result = assembler.Add(frame, MessageAssembler.MaxReplyLength);
            Assert.NotEqual(MessageAssembler.Rejected, result);
            if (result == MessageAssembler.Complete)
            {
                return new TokenReply
                {
                    Type = assembler.Type,
                    Payload = assembler.Message,
                    Continues = continues,
                    WaitingForPress = waiting,
                    Received = true,
                };
            }
        }
        return new TokenReply { Type = 0, Continues = continues, WaitingForPress = waiting, Received = false };
    }
}
