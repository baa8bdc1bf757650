using System;
using System.Text;
using ProvenanceDevice.Token.Crypto;

namespace Token.Core.Tests.Crypto;

public class Sha256Tests
{
    // FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf" and "SHA2_Additional.pdf").
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void MatchesNistVectors(string message, string expectedHex)
    {
        Assert.Equal(expectedHex, Convert.ToHexStringLower(Sha256.Hash(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void MillionAsMatchesNistVector()
    {
        var sha = new Sha256();
        byte[] chunk = Encoding.ASCII.GetBytes(new string('a', 1000));
        for (int i = 0; i < 1000; i++) sha.Update(chunk, 0, chunk.Length);
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(sha.Final()));
    }

    [Fact]
    public void AgreesWithDotNetForEveryLengthAndSplit()
    {
        var random = new Random(1234);
        for (int length = 0; length < 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            int split = length == 0 ? 0 : random.Next(length);
            var sha = new Sha256();
            sha.Update(data, 0, split);
            sha.Update(data, split, length - split);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), sha.Final());
        }
    }
}
