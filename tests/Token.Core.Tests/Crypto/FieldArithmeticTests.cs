using System;
using System.Collections.Generic;
using System.Numerics;
using ProvenanceDevice.Token.Crypto;

namespace Token.Core.Tests.Crypto;

/// <summary>The limb arithmetic against BigInteger, with the edge values where carries and reductions go wrong.</summary>
public class FieldArithmeticTests
{
    private static readonly BigInteger P = BigInteger.Parse("0FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger R = BigInteger.One << 256;

    private static uint[] ToLimbs(BigInteger value)
    {
        uint[] limbs = new uint[8];
        for (int i = 0; i < 8; i++) limbs[i] = (uint)((value >> (32 * i)) & uint.MaxValue);
        return limbs;
    }

    private static BigInteger FromLimbs(uint[] limbs)
    {
        BigInteger value = BigInteger.Zero;
        for (int i = 7; i >= 0; i--) value = (value << 32) | limbs[i];
        return value;
    }

    private static List<BigInteger> Operands(BigInteger modulus, int randomCount)
    {
        var values = new List<BigInteger>
        {
            0, 1, 2, 3, modulus - 1, modulus - 2, modulus - 3, modulus >> 1, (modulus >> 1) + 1,
            BigInteger.One << 255, (BigInteger.One << 224) - 1, (BigInteger.One << 192), (BigInteger.One << 96) - 1,
            uint.MaxValue, (BigInteger.One << 64) - 1,
        };
        // Limb patterns of all-ones and all-zero words stress the signed carries of the fast reduction.
        for (int mask = 1; mask < 256; mask += 17)
        {
            BigInteger v = 0;
            for (int i = 0; i < 8; i++) if (((mask >> i) & 1) != 0) v |= (BigInteger)uint.MaxValue << (32 * i);
            values.Add(v % modulus);
        }
        var random = new Random(256);
        byte[] bytes = new byte[33];
        for (int i = 0; i < randomCount; i++)
        {
            random.NextBytes(bytes);
            bytes[32] = 0;
            values.Add(new BigInteger(bytes) % modulus);
        }
        return values;
    }

    [Fact]
    public void PrimeFieldMatchesBigInteger()
    {
        var field = new P256PrimeField();
        List<BigInteger> values = Operands(P, 60);
        uint[] result = new uint[8];
        foreach (BigInteger a in values)
        {
            uint[] la = ToLimbs(a);
            field.Square(la, result);
            Assert.Equal(a * a % P, FromLimbs(result));
            foreach (BigInteger b in values)
            {
                uint[] lb = ToLimbs(b);
                field.Multiply(la, lb, result);
                Assert.Equal(a * b % P, FromLimbs(result));
                field.Add(la, lb, result);
                Assert.Equal((a + b) % P, FromLimbs(result));
                field.Subtract(la, lb, result);
                Assert.Equal(((a - b) % P + P) % P, FromLimbs(result));
            }
        }
    }

    [Fact]
    public void PrimeFieldInverts()
    {
        var field = new P256PrimeField();
        uint[] result = new uint[8];
        foreach (BigInteger a in Operands(P, 20))
        {
            field.Invert(ToLimbs(a), result);
            Assert.Equal(a.IsZero ? BigInteger.Zero : BigInteger.ModPow(a, P - 2, P), FromLimbs(result));
            if (!a.IsZero) Assert.Equal(BigInteger.One, FromLimbs(result) * a % P);
        }
    }

    [Fact]
    public void OrderFieldMatchesBigInteger()
    {
        var field = new MontgomeryField(ToLimbs(N));
        BigInteger rInverse = BigInteger.ModPow(R, N - 2, N);
        List<BigInteger> values = Operands(N, 40);
        uint[] result = new uint[8];
        foreach (BigInteger a in values)
        {
            uint[] la = ToLimbs(a);
            field.ToMontgomery(la, result);
            Assert.Equal(a * R % N, FromLimbs(result));
            field.Invert(result, result);
            field.FromMontgomery(result, result);
            Assert.Equal(a.IsZero ? BigInteger.Zero : BigInteger.ModPow(a, N - 2, N), FromLimbs(result));
            foreach (BigInteger b in values)
            {
                uint[] lb = ToLimbs(b);
                field.Multiply(la, lb, result);
                Assert.Equal(a * b * rInverse % N, FromLimbs(result));
                field.Add(la, lb, result);
                Assert.Equal((a + b) % N, FromLimbs(result));
                field.Subtract(la, lb, result);
                Assert.Equal(((a - b) % N + N) % N, FromLimbs(result));
            }
        }
    }

    [Fact]
    public void ReduceOnceTakesAnyTwoHundredFiftySixBitValueBelowTheOrder()
    {
        var field = new MontgomeryField(ToLimbs(N));
        uint[] result = new uint[8];
        foreach (BigInteger value in new[] { BigInteger.Zero, N - 1, N, N + 1, R - 1 })
        {
            field.ReduceOnce(ToLimbs(value), result);
            Assert.Equal(value % N, FromLimbs(result));
        }
    }
}
