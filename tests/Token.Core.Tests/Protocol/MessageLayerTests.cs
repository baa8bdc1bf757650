using System;
using ProvenanceDevice.Token.Protocol;

namespace Token.Core.Tests.Protocol;

public class MessageLayerTests
{
    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(240, 1)]
    [InlineData(241, 2)]
    [InlineData(5000, 21)]
    [InlineData(8192, 35)]
    public void ChunkerSplitsIntoFramesWithMoreOnAllButLast(int length, int expectedFrames)
    {
        byte[] message = RandomBytes(length, length);
        Frame[] frames = MessageChunker.Split(MessageType.Sign, 77, message);

        Assert.Equal(expectedFrames, frames.Length);
        Assert.Equal(expectedFrames, MessageChunker.ChunkCount(length));
        for (int i = 0; i < frames.Length; i++)
        {
            Assert.Equal(MessageType.Sign, frames[i].Type);
            Assert.Equal(77, frames[i].Sequence);
            Assert.Equal(i < frames.Length - 1, frames[i].HasMore);
            Assert.True(frames[i].Payload.Length <= Frame.MaxPayload);
        }
    }

    [Fact]
    public void AssemblerRebuildsChunkedMessageThroughTheWire()
    {
        byte[] message = RandomBytes(5000, 1);
        var decoder = new FrameDecoder();
        var assembler = new MessageAssembler();
        int result = -1;
        int accepted = 0;
        foreach (byte[] wire in MessageChunker.Encode(MessageType.Sign, 3, message))
        {
            foreach (byte b in wire)
            {
                if (decoder.Push(b) != FrameDecoder.FrameReady) continue;
                result = assembler.Add(decoder.LastFrame, MessageAssembler.MaxRequestLength);
                if (result == MessageAssembler.Accepted) accepted++;
            }
        }

        Assert.Equal(MessageAssembler.Complete, result);
        Assert.Equal(20, accepted);
        Assert.Equal(MessageType.Sign, assembler.Type);
        Assert.Equal(3, assembler.Sequence);
        Assert.Equal(message, assembler.Message);
        Assert.False(assembler.InProgress);
    }

    [Fact]
    public void AssemblerRejectsChunkWithOtherSequenceAndDropsPartialMessage()
    {
        var assembler = new MessageAssembler();
        Frame[] first = MessageChunker.Split(MessageType.Sign, 1, RandomBytes(600, 2));
        Assert.Equal(MessageAssembler.Accepted, assembler.Add(first[0], MessageAssembler.MaxRequestLength));

        Frame stray = MessageChunker.Split(MessageType.Sign, 2, RandomBytes(10, 3))[0];
        Assert.Equal(MessageAssembler.Rejected, assembler.Add(stray, MessageAssembler.MaxRequestLength));
        Assert.Equal(ErrorCode.SequenceError, assembler.LastError);
        Assert.False(assembler.InProgress);

        Assert.Equal(MessageAssembler.Complete, assembler.Add(stray, MessageAssembler.MaxRequestLength));
        Assert.Equal(10, assembler.Message.Length);
    }

    [Fact]
    public void AssemblerRejectsChunkOfAnotherType()
    {
        var assembler = new MessageAssembler();
        Frame[] sign = MessageChunker.Split(MessageType.Sign, 9, RandomBytes(300, 4));
        assembler.Add(sign[0], MessageAssembler.MaxRequestLength);
        var info = new Frame(MessageType.Info, 0, 9, null);

        Assert.Equal(MessageAssembler.Rejected, assembler.Add(info, MessageAssembler.MaxRequestLength));
        Assert.Equal(ErrorCode.WrongState, assembler.LastError);
    }

    [Fact]
    public void AssemblerRefusesOverlongMessageBeforeBufferingIt()
    {
        var assembler = new MessageAssembler();
        Frame[] frames = MessageChunker.Split(MessageType.Sign, 5, RandomBytes(MessageAssembler.MaxRequestLength + 1, 5));
        int result = MessageAssembler.Accepted;
        int index = 0;
        while (result == MessageAssembler.Accepted) result = assembler.Add(frames[index++], MessageAssembler.MaxRequestLength);

        Assert.Equal(MessageAssembler.Rejected, result);
        Assert.Equal(ErrorCode.MessageTooLong, assembler.LastError);
        Assert.Equal(frames.Length, index);
        Assert.Contains("8192", assembler.LastReason);
    }

    [Fact]
    public void ErrorReplyRoundTripsCodeAndReason()
    {
        byte[] payload = ErrorReply.Encode(ErrorCode.WrongPin, "wrong PIN, 3 tries left");
        Assert.Equal(ErrorCode.WrongPin, ErrorReply.CodeOf(payload));
        Assert.Equal("wrong PIN, 3 tries left", ErrorReply.ReasonOf(payload));
        Assert.Equal("WrongPin", ErrorReply.NameOf(ErrorCode.WrongPin));
        Assert.True(ErrorReply.Encode(ErrorCode.Internal, new string('x', 1000)).Length <= Frame.MaxPayload);
    }

    [Fact]
    public void PayloadReaderNamesTheFieldThatRanShort()
    {
        var writer = new PayloadWriter(8);
        writer.WriteUInt16(0xBEEF);
        writer.WriteString("héllo");
        writer.WriteInt64(-2);
        var reader = new PayloadReader(writer.ToArray());
        Assert.Equal(0xBEEF, reader.ReadUInt16("magic"));
        Assert.Equal("héllo", reader.ReadString("name"));
        Assert.Equal(-2L, reader.ReadInt64("counter"));
        reader.ExpectEnd("test");

        var shortReader = new PayloadReader(new byte[] { 5, 1, 2 });
        var error = Assert.Throws<ProtocolException>(() => shortReader.ReadShortBytes("pin"));
        Assert.Equal(ErrorCode.BadPayload, error.Code);
        Assert.Contains("pin at offset 1", error.Message);
    }
}
