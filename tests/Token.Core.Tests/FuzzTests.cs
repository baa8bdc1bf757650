using System;
using System.Collections.Generic;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// 100,000 hostile frames (valid requests, mutations of them with and without a fixed-up CRC, random bytes,
/// truncated and over-long runs) against a token whose button is always pressed: every input is answered with
/// well-formed frames or silence, never an exception, and no reply ever carries a private key.
/// </summary>
public class FuzzTests
{
    private const int FrameCount = 100_000;
    private static readonly string[] Pins = { "1234", "0000", "correct horse" };

    [Fact]
    public void HostileFramesNeverBreakTheTokenOrLeakTheKey()
    {
        var random = new Random(20261124);
        var rig = new TokenRig();
        rig.Button.AutoPress = true;
        rig.GenerateKeyPressed();
        var replyAssembler = new MessageAssembler();
        var outcomes = new int[4]; // silence, error, continue/waiting only, success reply

        for (int i = 0; i < FrameCount; i++)
        {
            byte[] wire = NextInput(random, (byte)i);
            int before = rig.Sink.Sent.Count;
            rig.Core.Receive(wire, 0, wire.Length, rig.Sink);

            int outcome = 0;
            for (int r = before; r < rig.Sink.Sent.Count; r++)
            {
                byte[] sent = rig.Sink.Sent[r];
                foreach (byte[] scalar in rig.Key.PrivateScalarsEverGenerated)
                {
                    Assert.False(sent.AsSpan().IndexOf(scalar) >= 0, "reply wire bytes contain a private key (input " + i + ")");
                }
                Frame frame = DecodeSingle(sent, i);
                foreach (byte[] scalar in rig.Key.PrivateScalarsEverGenerated)
                {
                    Assert.False(frame.Payload.AsSpan().IndexOf(scalar) >= 0, "reply payload contains a private key (input " + i + ")");
                }
                outcome = Math.Max(outcome, Classify(frame, replyAssembler, i));
            }
            outcomes[outcome]++;
            // Keep replies from piling up in memory.
            if (rig.Sink.Sent.Count > 1000) rig.Sink.Sent.Clear();
        }

        // The mix must exercise every kind of answer, or the fuzzer is not reaching the commands.
        Assert.All(outcomes, count => Assert.True(count > 100, "outcome counts: " + string.Join(",", outcomes)));
        Assert.True(rig.Key.SignCount > 1000, "only " + rig.Key.SignCount + " signatures made");
    }

    private static Frame DecodeSingle(byte[] wire, int input)
    {
        var decoder = new FrameDecoder();
        bool early = false;
        for (int i = 0; i < wire.Length - 1; i++) early |= decoder.Push(wire[i]) != FrameDecoder.NeedMore;
        bool ready = decoder.Push(wire[^1]) == FrameDecoder.FrameReady;
        if (early || !ready) Assert.Fail("token sent an undecodable frame (input " + input + ")");
        return decoder.LastFrame;
    }

    private static int Classify(Frame frame, MessageAssembler replies, int input)
    {
        switch (frame.Type)
        {
            case MessageType.Error:
                Assert.True(frame.Payload.Length >= 1, "empty ERROR payload (input " + input + ")");
                return 1;
            case MessageType.Continue:
            case MessageType.WaitingForPress:
                return 2;
        }
        Assert.True(frame.Type >= (MessageType.Info | MessageType.ReplyBit) && frame.Type <= (MessageType.OpenSession | MessageType.ReplyBit),
            "unexpected reply type 0x" + frame.Type.ToString("X2") + " (input " + input + ")");
        int result = replies.Add(frame, MessageAssembler.MaxReplyLength);
        Assert.NotEqual(MessageAssembler.Rejected, result);
        if (result == MessageAssembler.Complete) ParseReply(replies.Type, replies.Message);
        return 3;
    }

    // A success reply must parse with the host's decoders.
    private static void ParseReply(byte type, byte[] payload)
    {
        switch (type & ~MessageType.ReplyBit)
        {
            case MessageType.Info: InfoReply.Decode(payload); break;
            case MessageType.GenerateKey:
            case MessageType.PublicKey: Assert.Equal(65, payload.Length); break;
            case MessageType.OpenSession: Assert.Equal(4, payload.Length); break;
            case MessageType.Sign: Assert.Equal(SignReply.EncodedLength, payload.Length); break;
            case MessageType.Log: LogReply.Decode(payload); break;
            case MessageType.Pin: PinReply.Decode(payload); break;
            case MessageType.Attest: AttestReply.Decode(payload); break;
            case MessageType.Config: ConfigPayload.Decode(payload); break;
            case MessageType.Reset: Assert.Empty(payload); break;
        }
    }

    private static byte[] NextInput(Random random, byte sequence)
    {
        Frame valid = ValidFrame(random, sequence);
        switch (random.Next(10))
        {
            case 0:
            case 1:
            case 2:
                return valid.Encode();
            case 3:
            case 4:
                return Encode(MutateBody(random, Body(valid)));
            case 5:
                byte[] flipped = valid.Encode();
                for (int n = random.Next(1, 4); n > 0; n--) flipped[random.Next(flipped.Length - 1)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 6:
                byte[] noise = new byte[random.Next(0, 300)];
                random.NextBytes(noise);
                return Append(noise, 0);
            case 7:
                byte[] whole = valid.Encode();
                byte[] cut = whole[..random.Next(0, whole.Length)];
                return random.Next(2) == 0 ? cut : Append(cut, 0);
            case 8:
                byte[] overlong = new byte[random.Next(251, 700)];
                for (int i = 0; i < overlong.Length; i++) overlong[i] = (byte)random.Next(1, 256);
                return Append(overlong, 0);
            default:
                byte[] body = Body(valid);
                body[^1] ^= (byte)random.Next(1, 256);
                return Encode(body);
        }
    }

    private static Frame ValidFrame(Random random, byte sequence)
    {
        byte[] payload;
        byte type;
        byte flags = 0;
        switch (random.Next(12))
        {
            case 0: type = MessageType.Info; payload = Array.Empty<byte>(); break;
            case 1:
            case 2:
            case 3:
                type = MessageType.Sign;
                payload = new byte[random.Next(1, Frame.MaxPayload + 1)];
                random.NextBytes(payload);
                if (random.Next(8) == 0) flags = Frame.FlagMore;
                break;
            case 4:
            case 5:
                type = MessageType.Pin;
                int sub = random.Next(1, 5);
                payload = new PinRequest
                {
                    SubCommand = sub,
                    Pin = System.Text.Encoding.UTF8.GetBytes(Pins[random.Next(Pins.Length)]),
                    NewPin = System.Text.Encoding.UTF8.GetBytes(Pins[random.Next(Pins.Length)]),
                }.Encode();
                break;
            case 6: type = MessageType.Log; payload = new LogRequest { StartIndex = random.Next(0, 3000), Count = random.Next(1, 17) }.Encode(); break;
            case 7:
                type = MessageType.Config;
                payload = random.Next(2) == 0 ? Array.Empty<byte>()
                    : new ConfigPayload { SessionSignatures = random.Next(0, 5), SessionMinutes = random.Next(0, 3), PressTimeoutSeconds = 30 }.Encode();
                break;
            case 8: type = MessageType.PublicKey; payload = Array.Empty<byte>(); break;
            case 9: type = MessageType.Attest; payload = Array.Empty<byte>(); break;
            case 10: type = MessageType.GenerateKey; payload = Array.Empty<byte>(); break;
            default: type = random.Next(20) == 0 ? MessageType.Reset : MessageType.Info; payload = Array.Empty<byte>(); break;
        }
        return new Frame(type, flags, sequence, payload);
    }

    private static byte[] Body(Frame frame)
    {
        byte[] wire = frame.Encode();
        return Cobs.Decode(wire, 0, wire.Length - 1);
    }

    // Changes header or payload bytes, the length field, or the body size, then fixes the CRC so the change
    // reaches the parser instead of stopping at the CRC check.
    private static byte[] MutateBody(Random random, byte[] body)
    {
        var bytes = new List<byte>(body[..^2]);
        for (int n = random.Next(1, 4); n > 0; n--)
        {
            switch (random.Next(4))
            {
                case 0: bytes[random.Next(bytes.Count)] = (byte)random.Next(256); break;
                case 1: bytes[random.Next(Math.Min(6, bytes.Count))] = (byte)random.Next(256); break;
                case 2: if (bytes.Count > 0) bytes.RemoveAt(random.Next(bytes.Count)); break;
                default: bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256)); break;
            }
        }
        byte[] mutated = new byte[bytes.Count + 2];
        bytes.CopyTo(mutated);
        ushort crc = Crc16.Compute(mutated, 0, bytes.Count);
        mutated[^2] = (byte)(crc >> 8);
        mutated[^1] = (byte)crc;
        return mutated;
    }

    private static byte[] Encode(byte[] body) => Append(Cobs.Encode(body, 0, body.Length), 0);

    private static byte[] Append(byte[] data, byte last)
    {
        byte[] result = new byte[data.Length + 1];
        data.CopyTo(result, 0);
        result[^1] = last;
        return result;
    }
}
