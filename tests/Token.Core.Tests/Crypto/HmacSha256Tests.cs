using System;
using System.Text;
using ProvenanceDevice.Token.Crypto;

namespace Token.Core.Tests.Crypto;

public class HmacSha256Tests
{
    private static byte[] Repeat(byte value, int count)
    {
        byte[] bytes = new byte[count];
        bytes.AsSpan().Fill(value);
        return bytes;
    }

    public static TheoryData<string, byte[], byte[], string> Rfc4231Cases()
    {
        byte[] counting = new byte[25];
        for (int i = 0; i < counting.Length; i++) counting[i] = (byte)(i + 1);
        return new TheoryData<string, byte[], byte[], string>
        {
            { "4.2 test case 1", Repeat(0x0b, 20), Encoding.ASCII.GetBytes("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
            { "4.3 test case 2", Encoding.ASCII.GetBytes("Jefe"), Encoding.ASCII.GetBytes("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
            { "4.4 test case 3", Repeat(0xaa, 20), Repeat(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
            { "4.5 test case 4", counting, Repeat(0xcd, 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
            { "4.7 test case 6", Repeat(0xaa, 131), Encoding.ASCII.GetBytes("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
            {
                "4.8 test case 7", Repeat(0xaa, 131),
                Encoding.ASCII.GetBytes("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            },
        };
    }

    [Theory]
    [MemberData(nameof(Rfc4231Cases))]
    public void MatchesRfc4231(string section, byte[] key, byte[] data, string expectedHex)
    {
        Assert.True(expectedHex == Convert.ToHexStringLower(HmacSha256.Compute(key, data)), "RFC 4231 " + section);
    }

    [Fact]
    public void IncrementalUpdatesAndResetAgreeWithDotNet()
    {
        var random = new Random(6979);
        for (int round = 0; round < 200; round++)
        {
            byte[] key = new byte[random.Next(0, 150)];
            byte[] data = new byte[random.Next(0, 300)];
            random.NextBytes(key);
            random.NextBytes(data);
            byte[] expected = System.Security.Cryptography.HMACSHA256.HashData(key, data);

            var mac = new HmacSha256(key);
            int split = data.Length == 0 ? 0 : random.Next(data.Length);
            mac.Update(data, 0, split);
            mac.Update(data, split, data.Length - split);
            Assert.Equal(expected, mac.Final());

            mac.Reset();
            foreach (byte b in data) mac.Update(b);
            Assert.Equal(expected, mac.Final());
        }
    }
}
