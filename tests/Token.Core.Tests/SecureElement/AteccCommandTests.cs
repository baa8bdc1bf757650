using System;
using System.Linq;
using ProvenanceDevice.Token.Protocol;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

public class AteccCommandTests
{
    [Fact]
    public void InfoPacketIsTheWellKnownByteString()
    {
        Assert.Equal("030730000000035D", Convert.ToHexString(AteccCommand.Info().ToPacket()));
    }

    public static TheoryData<string, string, byte[]> Commands()
    {
        byte[] digest = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        byte[] block = Enumerable.Range(0, 64).Select(i => (byte)(255 - i)).ToArray();
        return new TheoryData<string, string, byte[]>
        {
            // name, expected header "opcode param1 param2lo param2hi", data
            { "read config block 0", "02800000", Array.Empty<byte>() },
            { "read lock word", "02001500", Array.Empty<byte>() },
            { "read slot 8 block 0", "02824000", Array.Empty<byte>() },
            { "read slot 9 block 1 word 2", "0202 4A01", Array.Empty<byte>() },
            { "write config word 16", "12000400", new byte[] { 0xC0, 0, 0, 0 } },
            { "write config block 3", "12801800", new byte[32] },
            { "lock config crc 0x1234", "17003412", Array.Empty<byte>() },
            { "lock data crc 0xBEEF", "1701EFBE", Array.Empty<byte>() },
            { "genkey create slot 0", "40040000", Array.Empty<byte>() },
            { "genkey public slot 0", "40000000", Array.Empty<byte>() },
            { "nonce tempkey", "16030000", digest },
            { "nonce message digest buffer", "16430000", digest },
            { "sign tempkey slot 0", "41800000", Array.Empty<byte>() },
            { "sign message digest buffer slot 0", "41A00000", Array.Empty<byte>() },
            { "random", "1B000000", Array.Empty<byte>() },
            { "counter read 0", "24000000", Array.Empty<byte>() },
            { "counter increment 1", "24010100", Array.Empty<byte>() },
            { "sha start", "47000000", Array.Empty<byte>() },
            { "sha update", "47014000", block },
            { "sha end 3 bytes", "47020300", new byte[] { 1, 2, 3 } },
        };
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void PacketIsWordAddressCountOpcodeParamsDataCrc(string name, string header, byte[] data)
    {
        byte[] packet = Build(name, data).ToPacket();

        Assert.Equal(0x03, packet[0]);
        Assert.Equal(packet.Length - 1, packet[1]);
        Assert.Equal(7 + data.Length, packet[1]);
        Assert.Equal(header.Replace(" ", ""), Convert.ToHexString(packet, 2, 4));
        Assert.Equal(data, packet.Skip(6).Take(data.Length).ToArray());
        int crc = AteccCrcTests.ReferenceCrc(packet.Skip(1).Take(packet.Length - 3).ToArray());
        Assert.Equal((byte)crc, packet[^2]);
        Assert.Equal((byte)(crc >> 8), packet[^1]);
    }

    [Fact]
    public void RejectsDataOfTheWrongSize()
    {
        Assert.Throws<ArgumentException>(() => AteccCommand.Write(AteccZone.Config, 4, new byte[5]));
        Assert.Throws<ArgumentException>(() => AteccCommand.NonceLoad(new byte[31], false));
        Assert.Throws<ArgumentException>(() => AteccCommand.ShaBlock(new byte[63]));
        Assert.Throws<ArgumentException>(() => AteccCommand.ShaFinish(new byte[64]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AteccCommand.Counter(2, false));
    }

    [Theory]
    [InlineData(AteccStatus.Miscompare, false)]
    [InlineData(AteccStatus.ParseError, false)]
    [InlineData(AteccStatus.EccFault, false)]
    [InlineData(AteccStatus.SelfTestError, false)]
    [InlineData(AteccStatus.HealthTestError, false)]
    [InlineData(AteccStatus.ExecutionError, false)]
    [InlineData(AteccStatus.AfterWake, true)]
    [InlineData(AteccStatus.WatchdogAboutToExpire, true)]
    [InlineData(AteccStatus.CommunicationError, true)]
    public void StatusPacketBecomesTypedError(int status, bool transient)
    {
        byte[] packet = { 0x04, (byte)status, 0, 0 };
        AteccCrc.Append(packet, 0, 2);

        var error = Assert.Throws<SecureElementException>(() => AteccResponse.Parse(AteccCommand.SignDigest(0, false), packet));

        Assert.Equal(status, error.Status);
        Assert.Equal("Sign", error.Command);
        Assert.Equal(ErrorCode.HardwareError, error.ErrorCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.Contains("Sign", error.Message);
        Assert.Contains(((byte)status).ToString("X2"), error.Message);
    }

    [Fact]
    public void SuccessStatusIsTheAnswerOfCommandsWithoutData()
    {
        byte[] success = { 0x04, 0x00, 0, 0 };
        AteccCrc.Append(success, 0, 2);
        Assert.Equal(new byte[] { 0 }, AteccResponse.Parse(AteccCommand.ShaBegin(), success));
    }

    [Fact]
    public void DataResponseIsReturnedWithoutCountAndCrc()
    {
        Assert.Equal(new byte[] { 0x00, 0x00, 0x60, 0x02 }, AteccResponse.Parse(AteccCommand.Info(), Convert.FromHexString("07000060028038")));
    }

    [Fact]
    public void CorruptOrMisSizedResponsesAreTransientErrors()
    {
        var badCrc = Assert.Throws<SecureElementException>(() => AteccResponse.Parse(AteccCommand.Info(), Convert.FromHexString("07000060028039")));
        Assert.Equal(AteccStatus.ResponseCrcError, badCrc.Status);
        Assert.True(badCrc.IsTransient);

        var wrongCount = Assert.Throws<SecureElementException>(() => AteccResponse.Parse(AteccCommand.Info(), Convert.FromHexString("08000060028038")));
        Assert.Equal(AteccStatus.MalformedResponse, wrongCount.Status);

        // A valid 4-byte answer where Random expects 32 bytes.
        var wrongLength = Assert.Throws<SecureElementException>(() => AteccResponse.Parse(AteccCommand.Random(), Convert.FromHexString("07000060028038")));
        Assert.Equal(AteccStatus.MalformedResponse, wrongLength.Status);
        Assert.Contains("expected 32", wrongLength.Message);
    }

    private static AteccCommand Build(string name, byte[] data) => name switch
    {
        "read config block 0" => AteccCommand.Read(AteccZone.Config, AteccZone.ConfigAddress(0, 0), true),
        "read lock word" => AteccCommand.Read(AteccZone.Config, AteccZone.ConfigAddress(2, 5), false),
        "read slot 8 block 0" => AteccCommand.Read(AteccZone.Data, AteccZone.DataAddress(8, 0, 0), true),
        "read slot 9 block 1 word 2" => AteccCommand.Read(AteccZone.Data, AteccZone.DataAddress(9, 1, 2), false),
        "write config word 16" => AteccCommand.Write(AteccZone.Config, AteccZone.ConfigAddress(0, 4), data),
        "write config block 3" => AteccCommand.Write(AteccZone.Config, AteccZone.ConfigAddress(3, 0), data),
        "lock config crc 0x1234" => AteccCommand.LockConfig(0x1234),
        "lock data crc 0xBEEF" => AteccCommand.LockData(0xBEEF),
        "genkey create slot 0" => AteccCommand.GenKeyNew(0),
        "genkey public slot 0" => AteccCommand.GenKeyPublicKey(0),
        "nonce tempkey" => AteccCommand.NonceLoad(data, false),
        "nonce message digest buffer" => AteccCommand.NonceLoad(data, true),
        "sign tempkey slot 0" => AteccCommand.SignDigest(0, false),
        "sign message digest buffer slot 0" => AteccCommand.SignDigest(0, true),
        "random" => AteccCommand.Random(),
        "counter read 0" => AteccCommand.Counter(0, false),
        "counter increment 1" => AteccCommand.Counter(1, true),
        "sha start" => AteccCommand.ShaBegin(),
        "sha update" => AteccCommand.ShaBlock(data),
        "sha end 3 bytes" => AteccCommand.ShaFinish(data),
        _ => throw new ArgumentException(name),
    };
}
