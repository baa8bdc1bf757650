using System;
using System.Text;
using ProvenanceDevice.Token.Protocol;

namespace Token.Core.Tests.Protocol;

public class FrameCodecTests
{
    [Fact]
    public void Crc16MatchesCcittFalseCheckValue()
    {
        byte[] check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0x29B1, Crc16.Compute(check, 0, check.Length));
    }

    [Fact]
    public void CobsRoundTripsAndNeverEmitsZero()
    {
        var random = new Random(7);
        for (int length = 0; length < 600; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            for (int i = 0; i < length; i += 3) data[i] = 0;
            byte[] encoded = Cobs.Encode(data, 0, data.Length);
            Assert.DoesNotContain((byte)0, encoded);
            Assert.True(encoded.Length <= Cobs.MaxEncodedLength(length));
            Assert.Equal(data, Cobs.Decode(encoded, 0, encoded.Length));
        }
    }

    [Fact]
    public void DecoderSkipsGarbageAndReadsFrame()
    {
        var frame = new Frame(MessageType.Info, 0, 42, new byte[] { 1, 0, 2, 0, 0, 3 });
        var decoder = new FrameDecoder();
        byte[] garbage = { 0x55, 0x12, 0x00 };
        foreach (byte b in garbage) decoder.Push(b);
        int result = FrameDecoder.NeedMore;
        foreach (byte b in frame.Encode()) result = decoder.Push(b);
        Assert.Equal(FrameDecoder.FrameReady, result);
        Assert.Equal(42, decoder.LastFrame.Sequence);
        Assert.Equal(frame.Payload, decoder.LastFrame.Payload);
    }

    [Fact]
    public void DecoderRejectsCorruptedFrameWithBadCrc()
    {
        byte[] wire = new Frame(MessageType.Sign, 0, 9, new byte[] { 10, 20, 30, 40 }).Encode();
        wire[wire.Length - 4] ^= 0x01;
        var decoder = new FrameDecoder();
        int result = FrameDecoder.NeedMore;
        foreach (byte b in wire) result = decoder.Push(b);
        Assert.Equal(FrameDecoder.FrameRejected, result);
        Assert.Equal(ErrorCode.BadCrc, decoder.LastError);
    }

    [Fact]
    public void DecoderDropsOverlongRunThenRecovers()
    {
        var decoder = new FrameDecoder();
        int result = FrameDecoder.NeedMore;
        for (int i = 0; i < 5000; i++) result = decoder.Push(0x41);
        Assert.Equal(FrameDecoder.NeedMore, result);
        Assert.Equal(FrameDecoder.FrameRejected, decoder.Push(0));
        Assert.Equal(ErrorCode.FrameTooLong, decoder.LastError);
        foreach (byte b in new Frame(MessageType.Info, 0, 1, null).Encode()) result = decoder.Push(b);
        Assert.Equal(FrameDecoder.FrameReady, result);
    }
}
