using System;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

public class AteccCrcTests
{
    [Fact]
    public void WakeResponseEndsWithCrcOfCountAndStatus()
    {
        ushort crc = AteccCrc.Compute(new byte[] { 0x04, 0x11 }, 0, 2);
        Assert.Equal(0x4333, crc);
        Assert.True(AteccCrc.Check(new byte[] { 0x04, 0x11, 0x33, 0x43 }, 0, 2));
    }

    // Packets quoted by Microchip's tools and by other drivers of the chip family.
    [Theory]
    [InlineData("0730000000035D")]    // Info command
    [InlineData("040F2342")]          // execution error status
    [InlineData("07000060028038")]    // ATECC608 Info response
    [InlineData("0700000001002E")]    // ATSHA204 DevRev response
    public void ReferencePacketsCarryValidCrc(string hex)
    {
        byte[] packet = Convert.FromHexString(hex);
        Assert.True(AteccCrc.Check(packet, 0, packet.Length - 2));
    }

    [Fact]
    public void FlippingAnyBitBreaksTheCheck()
    {
        byte[] packet = Convert.FromHexString("0730000000035D");
        for (int bit = 0; bit < packet.Length * 8; bit++)
        {
            byte[] noisy = (byte[])packet.Clone();
            noisy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(AteccCrc.Check(noisy, 0, noisy.Length - 2), "bit " + bit);
        }
    }

    [Fact]
    public void AgreesWithReflectedInputFormulationAndAccumulatesInPieces()
    {
        var random = new Random(608);
        for (int length = 0; length < 300; length += 7)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            int expected = ReferenceCrc(data);
            Assert.Equal(expected, AteccCrc.Compute(data, 0, length));

            var pieces = new AteccCrcAccumulator();
            int split = length / 3;
            pieces.Update(data, 0, split);
            pieces.Update(data, split, length - split);
            Assert.Equal(expected, pieces.Value);
        }
    }

    // The same CRC written the textbook way: reflect each input byte, then an MSB-first CRC-16 with poly 0x8005.
    internal static int ReferenceCrc(byte[] data)
    {
        int crc = 0;
        foreach (byte b in data)
        {
            int reflected = 0;
            for (int i = 0; i < 8; i++)
            {
                if ((b & (1 << i)) != 0) reflected |= 0x80 >> i;
            }
            crc ^= reflected << 8;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }
        return crc;
    }
}
