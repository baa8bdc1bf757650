using System;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using ProvenanceDevice.Token.Crypto;

namespace Token.Core.Tests.Crypto;

public class EcdsaP256Tests
{
    // RFC 6979 appendix A.2.5: ECDSA, 256 bits (prime field), curve NIST P-256.
    private const string RfcPrivateKey = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
    private const string RfcUx = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
    private const string RfcUy = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";

    private static readonly byte[] OrderN = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    private static byte[] RfcPublicKey => Convert.FromHexString("04" + RfcUx + RfcUy);

    internal static ECDsa DotNetVerifier(byte[] publicKey)
    {
        Assert.Equal(65, publicKey.Length);
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        });
    }

    private static ECDsa DotNetKey(byte[] privateKey)
    {
        return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey });
    }

    private static byte[] ExportPublicKey(ECDsa key)
    {
        ECParameters parameters = key.ExportParameters(false);
        byte[] encoded = new byte[65];
        encoded[0] = 0x04;
        parameters.Q.X!.CopyTo(encoded, 1);
        parameters.Q.Y!.CopyTo(encoded, 33);
        return encoded;
    }

    [Fact]
    public void Rfc6979PublicKeyMatches()
    {
        byte[] privateKey = Convert.FromHexString(RfcPrivateKey);
        Assert.Equal(RfcPublicKey, EcdsaP256.DerivePublicKey(privateKey));
        using ECDsa dotnet = DotNetKey(privateKey);
        Assert.Equal(RfcPublicKey, ExportPublicKey(dotnet));
    }

    [Theory]
    [InlineData("sample", "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8")]
    [InlineData("test", "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
        "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367", "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083")]
    public void Rfc6979SignaturesMatch(string message, string expectedK, string expectedR, string expectedS)
    {
        byte[] privateKey = Convert.FromHexString(RfcPrivateKey);
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(message));
        byte[] expectedSignature = Convert.FromHexString(expectedR + expectedS);

        // The vector itself is checked independently: .NET accepts (r, s) for U, and r = x(k G) mod n (here x < n).
        using (ECDsa verifier = DotNetVerifier(RfcPublicKey))
        {
            Assert.True(verifier.VerifyHash(digest, expectedSignature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
        using (ECDsa nonceKey = DotNetKey(Convert.FromHexString(expectedK)))
        {
            Assert.Equal(expectedR, Convert.ToHexString(nonceKey.ExportParameters(false).Q.X!));
        }

        var nonce = new Rfc6979Nonce(privateKey, digest);
        byte[] k = new byte[32];
        nonce.Next(k);
        Assert.Equal(expectedK, Convert.ToHexString(k));

        byte[] signature = EcdsaP256.Sign(privateKey, digest);
        Assert.Equal(expectedR + expectedS, Convert.ToHexString(signature));
        Assert.True(EcdsaP256.Verify(RfcPublicKey, digest, signature));
    }

    [Fact]
    public void SignIsDeterministic()
    {
        byte[] privateKey = Convert.FromHexString(RfcPrivateKey);
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("same input, same signature"));
        Assert.Equal(EcdsaP256.Sign(privateKey, digest), EcdsaP256.Sign(privateKey, digest));
    }

    [Fact]
    public void PublicKeysMatchDotNetForRandomPrivateKeys()
    {
        for (int round = 0; round < 1000; round++)
        {
            using ECDsa dotnet = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] privateKey = dotnet.ExportParameters(true).D!;
            Assert.True(ExportPublicKey(dotnet).AsSpan().SequenceEqual(EcdsaP256.DerivePublicKey(privateKey)), "round " + round);
        }
    }

    [Fact]
    public void SignaturesVerifyBothWaysWithDotNet()
    {
        var random = new Random(20261124);
        for (int round = 0; round < 400; round++)
        {
            using ECDsa dotnet = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] privateKey = dotnet.ExportParameters(true).D!;
            byte[] publicKey = ExportPublicKey(dotnet);
            byte[] digest = new byte[32];
            random.NextBytes(digest);

            byte[] ours = EcdsaP256.Sign(privateKey, digest);
            Assert.True(dotnet.VerifyHash(digest, ours, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "round " + round);

            byte[] theirs = dotnet.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            Assert.True(EcdsaP256.Verify(publicKey, digest, theirs), "round " + round);
        }
    }

    [Fact]
    public void DigestsAboveTheOrderAreReducedLikeDotNet()
    {
        using ECDsa dotnet = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] privateKey = dotnet.ExportParameters(true).D!;
        byte[] publicKey = ExportPublicKey(dotnet);
        foreach (string digestHex in new[]
        {
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
            "0000000000000000000000000000000000000000000000000000000000000000",
        })
        {
            byte[] digest = Convert.FromHexString(digestHex);
            byte[] ours = EcdsaP256.Sign(privateKey, digest);
            Assert.True(dotnet.VerifyHash(digest, ours, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), digestHex);
            Assert.True(EcdsaP256.Verify(publicKey, digest, dotnet.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)), digestHex);
        }
    }

    [Fact]
    public void VerifiesWhenBothHalvesOfTheSumAreTheSamePoint()
    {
        // With e = r d (mod n), u1 G = (e / s) G and u2 Q = (r d / s) G coincide, so verification must double
        // rather than add. Build such a valid signature with BigInteger arithmetic and .NET's scalar multiplication.
        BigInteger n = new(OrderN, isUnsigned: true, isBigEndian: true);
        using ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa nonce = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        BigInteger d = new(signer.ExportParameters(true).D, isUnsigned: true, isBigEndian: true);
        BigInteger k = new(nonce.ExportParameters(true).D, isUnsigned: true, isBigEndian: true);
        BigInteger r = new BigInteger(nonce.ExportParameters(false).Q.X, isUnsigned: true, isBigEndian: true) % n;
        BigInteger e = r * d % n;
        BigInteger s = BigInteger.ModPow(k, n - 2, n) * (2 * r * d) % n;

        byte[] digest = ToFixed(e);
        byte[] signature = [.. ToFixed(r), .. ToFixed(s)];
        byte[] publicKey = ExportPublicKey(signer);

        Assert.True(signer.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(EcdsaP256.Verify(publicKey, digest, signature));
        Assert.False(EcdsaP256.Verify(publicKey, digest, [.. ToFixed(r), .. ToFixed((s + 1) % n)]));
    }

    private static byte[] ToFixed(BigInteger value)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] fixedWidth = new byte[32];
        bytes.CopyTo(fixedWidth, 32 - bytes.Length);
        return fixedWidth;
    }

    [Fact]
    public void AnyFlippedBitFailsVerification()
    {
        byte[] privateKey = Convert.FromHexString(RfcPrivateKey);
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("sample"));
        byte[] signature = EcdsaP256.Sign(privateKey, digest);
        byte[] publicKey = RfcPublicKey;
        var random = new Random(42);

        for (int trial = 0; trial < 40; trial++)
        {
            int bit = random.Next(256);
            Assert.False(EcdsaP256.Verify(publicKey, digest, FlipBit(signature, bit)), "r bit " + bit);
            Assert.False(EcdsaP256.Verify(publicKey, digest, FlipBit(signature, 256 + bit)), "s bit " + bit);
            Assert.False(EcdsaP256.Verify(publicKey, FlipBit(digest, bit), signature), "digest bit " + bit);
            Assert.False(EcdsaP256.Verify(FlipBit(publicKey, 8 + random.Next(512)), digest, signature), "public key bit");
        }
        Assert.True(EcdsaP256.Verify(publicKey, digest, signature));
    }

    [Fact]
    public void PointsNotOnTheCurveAreRejected()
    {
        byte[] offCurve = RfcPublicKey;
        offCurve[64] ^= 0x01;
        Assert.False(EcdsaP256.IsValidPublicKey(offCurve));

        byte[] compressedTag = RfcPublicKey;
        compressedTag[0] = 0x02;
        Assert.False(EcdsaP256.IsValidPublicKey(compressedTag));

        Assert.False(EcdsaP256.IsValidPublicKey(new byte[65]));
        byte[] zeroPoint = new byte[65];
        zeroPoint[0] = 0x04;
        Assert.False(EcdsaP256.IsValidPublicKey(zeroPoint));

        // (x + p, y) would satisfy the equation modulo p but is not a canonical encoding; x = p alone is out of range.
        byte[] xEqualsP = RfcPublicKey;
        Convert.FromHexString("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF").CopyTo(xEqualsP, 1);
        Assert.False(EcdsaP256.IsValidPublicKey(xEqualsP));

        Assert.False(EcdsaP256.IsValidPublicKey(RfcPublicKey[..64]));
        Assert.True(EcdsaP256.IsValidPublicKey(RfcPublicKey));

        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("sample"));
        byte[] signature = EcdsaP256.Sign(Convert.FromHexString(RfcPrivateKey), digest);
        Assert.False(EcdsaP256.Verify(offCurve, digest, signature));
        Assert.False(EcdsaP256.Verify(zeroPoint, digest, signature));
    }

    [Fact]
    public void ScalarsOutsideOneToNMinusOneAreRejected()
    {
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes("sample"));
        byte[] signature = EcdsaP256.Sign(Convert.FromHexString(RfcPrivateKey), digest);
        byte[] zero = new byte[32];
        byte[] nPlusR = AddBigEndian(OrderN, signature[..32]);

        foreach (byte[] badR in new[] { zero, OrderN, Repeat(0xFF, 32) })
        {
            Assert.False(EcdsaP256.Verify(RfcPublicKey, digest, [.. badR, .. signature[32..]]));
            Assert.False(EcdsaP256.Verify(RfcPublicKey, digest, [.. signature[..32], .. badR]));
        }
        // r + n is congruent to r but must be refused, not reduced (FIPS 186-4 §6.4.2 step 1).
        if (nPlusR.Length == 32) Assert.False(EcdsaP256.Verify(RfcPublicKey, digest, [.. nPlusR, .. signature[32..]]));
        Assert.False(EcdsaP256.Verify(RfcPublicKey, digest, signature[..63]));

        byte[] nMinusOne = (byte[])OrderN.Clone();
        nMinusOne[31] -= 1;
        Assert.False(EcdsaP256.IsValidPrivateKey(zero));
        Assert.False(EcdsaP256.IsValidPrivateKey(OrderN));
        Assert.False(EcdsaP256.IsValidPrivateKey(Repeat(0xFF, 32)));
        Assert.True(EcdsaP256.IsValidPrivateKey(nMinusOne));
        Assert.Throws<ArgumentException>(() => EcdsaP256.Sign(zero, digest));
        Assert.Throws<ArgumentException>(() => EcdsaP256.Sign(OrderN, digest));
        Assert.Throws<ArgumentException>(() => EcdsaP256.DerivePublicKey(OrderN));
        Assert.Throws<ArgumentException>(() => EcdsaP256.DerivePublicKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => EcdsaP256.Sign(Convert.FromHexString(RfcPrivateKey), new byte[20]));

        // n - 1 is the largest valid key: its public key is -G, which .NET agrees with.
        using ECDsa dotnet = DotNetKey(nMinusOne);
        Assert.Equal(ExportPublicKey(dotnet), EcdsaP256.DerivePublicKey(nMinusOne));
    }

    private static byte[] FlipBit(byte[] data, int bit)
    {
        byte[] copy = (byte[])data.Clone();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static byte[] Repeat(byte value, int count)
    {
        byte[] bytes = new byte[count];
        bytes.AsSpan().Fill(value);
        return bytes;
    }

    /// <summary>a + b as big-endian bytes; one byte longer when it carries out.</summary>
    private static byte[] AddBigEndian(byte[] a, byte[] b)
    {
        byte[] sum = new byte[32];
        int carry = 0;
        for (int i = 31; i >= 0; i--)
        {
            int total = a[i] + b[i] + carry;
            sum[i] = (byte)total;
            carry = total >> 8;
        }
        return carry == 0 ? sum : [(byte)carry, .. sum];
    }
}
