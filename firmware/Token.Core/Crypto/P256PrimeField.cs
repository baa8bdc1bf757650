namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// Arithmetic modulo the P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 on 8 little-endian 32-bit limbs,
    /// in plain (not Montgomery) form: a full 512-bit product followed by the fast reduction of FIPS 186-4 §D.2.3,
    /// which needs only additions because of p's special shape. Inputs and outputs are fully reduced (&lt; p).
    /// No operation branches on operand values. Owns scratch buffers, so make one per operation.
    /// </summary>
    internal sealed class P256PrimeField
    {
        private const int Limbs = UInt256.Limbs;

        private static readonly uint[] PrimeP = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF };
        private static readonly uint[] PlainOne = { 1, 0, 0, 0, 0, 0, 0, 0 };

        private readonly uint[] _wide = new uint[2 * Limbs];
        private readonly uint[] _difference = new uint[Limbs];
        private readonly uint[] _chain2 = new uint[Limbs];
        private readonly uint[] _chain3 = new uint[Limbs];
        private readonly uint[] _chain15 = new uint[Limbs];
        private readonly uint[] _chain30 = new uint[Limbs];
        private readonly uint[] _chain32 = new uint[Limbs];
        private readonly uint[] _chainT = new uint[Limbs];

        /// <summary>The prime p (do not modify).</summary>
        internal static uint[] Prime
        {
            get { return PrimeP; }
        }

        /// <summary>The field element 1 (do not modify).</summary>
        internal uint[] One
        {
            get { return PlainOne; }
        }

        /// <summary>0xFFFFFFFF when 0 &lt;= value &lt; p.</summary>
        internal uint IsReducedMask(uint[] value)
        {
            return UInt256.LessThanMask(value, PrimeP);
        }

        /// <summary>result = a + b mod p; result may alias either input.</summary>
        internal void Add(uint[] a, uint[] b, uint[] result)
        {
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong sum = (ulong)a[i] + b[i] + carry;
                result[i] = (uint)sum;
                carry = sum >> 32;
            }
            SubtractPrimeIfNeeded(result, (uint)carry);
        }

        /// <summary>result = a - b mod p; result may alias either input.</summary>
        internal void Subtract(uint[] a, uint[] b, uint[] result)
        {
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = (ulong)a[i] - b[i] - borrow;
                result[i] = (uint)diff;
                borrow = (uint)(diff >> 32) & 1;
            }
            uint addBack = 0u - borrow;
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong sum = (ulong)result[i] + (PrimeP[i] & addBack) + carry;
                result[i] = (uint)sum;
                carry = sum >> 32;
            }
        }

        /// <summary>result = a * b mod p; result may alias either input.</summary>
        internal void Multiply(uint[] a, uint[] b, uint[] result)
        {
            uint[] c = _wide;
            for (int i = 0; i < 2 * Limbs; i++) c[i] = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong bi = b[i];
                ulong carry = 0;
                for (int j = 0; j < Limbs; j++)
                {
                    ulong acc = c[i + j] + a[j] * bi + carry;
                    c[i + j] = (uint)acc;
                    carry = acc >> 32;
                }
                c[i + Limbs] = (uint)carry;
            }
            Reduce(c, result);
        }

        /// <summary>result = a^2 mod p: each cross product once, doubled, plus the squares on the diagonal.</summary>
        internal void Square(uint[] a, uint[] result)
        {
            uint[] c = _wide;
            for (int i = 0; i < 2 * Limbs; i++) c[i] = 0;
            for (int i = 0; i < Limbs - 1; i++)
            {
                ulong ai = a[i];
                ulong carry = 0;
                for (int j = i + 1; j < Limbs; j++)
                {
                    ulong acc = c[i + j] + ai * a[j] + carry;
                    c[i + j] = (uint)acc;
                    carry = acc >> 32;
                }
                c[i + Limbs] = (uint)carry;
            }
            uint shiftedOut = 0;
            for (int i = 0; i < 2 * Limbs; i++)
            {
                uint word = c[i];
                c[i] = (word << 1) | shiftedOut;
                shiftedOut = word >> 31;
            }
            ulong sumCarry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong square = (ulong)a[i] * a[i];
                ulong low = c[2 * i] + (square & 0xFFFFFFFF) + sumCarry;
                c[2 * i] = (uint)low;
                ulong high = c[2 * i + 1] + (square >> 32) + (low >> 32);
                c[2 * i + 1] = (uint)high;
                sumCarry = high >> 32;
            }
            Reduce(c, result);
        }

        /// <summary>
        /// result = a^-1 mod p = a^(p-2) (Fermat), 0 maps to 0. A fixed addition chain (255 squarings, 12
        /// multiplications) over the bits of p - 2: 32 ones, 31 zeros, a one, 96 zeros, 94 ones, 0, 1.
        /// The same operations run for every a. result may alias a.
        /// </summary>
        internal void Invert(uint[] a, uint[] result)
        {
            uint[] x2 = _chain2, x3 = _chain3, x15 = _chain15, x30 = _chain30, x32 = _chain32, t = _chainT;
            // x_k = a^(2^k - 1)
            Square(a, x2);
            Multiply(x2, a, x2);
            Square(x2, x3);
            Multiply(x3, a, x3);
            SquareTimes(x3, 3, t);
            Multiply(t, x3, t);             // x6
            SquareTimes(t, 6, x15);
            Multiply(x15, t, x15);          // x12
            SquareTimes(x15, 3, x15);
            Multiply(x15, x3, x15);         // x15
            SquareTimes(x15, 15, x30);
            Multiply(x30, x15, x30);        // x30
            SquareTimes(x30, 2, x32);
            Multiply(x32, x2, x32);         // x32

            SquareTimes(x32, 32, t);
            Multiply(t, a, t);              // bits 255..192
            SquareTimes(t, 128, t);
            Multiply(t, x32, t);            // bits 191..64
            SquareTimes(t, 32, t);
            Multiply(t, x32, t);            // bits 63..32
            SquareTimes(t, 30, t);
            Multiply(t, x30, t);            // bits 31..2
            SquareTimes(t, 2, t);
            Multiply(t, a, result);         // bits 1..0 = 01
        }

        private void SquareTimes(uint[] a, int count, uint[] result)
        {
            Square(a, result);
            for (int i = 1; i < count; i++) Square(result, result);
        }

        /// <summary>
        /// result = c mod p for a 512-bit c given as 16 words c0..c15 (FIPS 186-4 §D.2.3):
        /// T + 2 S1 + 2 S2 + S3 + S4 - D1 - D2 - D3 - D4, summed per word with signed 64-bit carries.
        /// </summary>
        private void Reduce(uint[] c, uint[] result)
        {
            long c8 = c[8], c9 = c[9], c10 = c[10], c11 = c[11], c12 = c[12], c13 = c[13], c14 = c[14], c15 = c[15];
            long acc = (long)c[0] + c8 + c9 - c11 - c12 - c13 - c14;
            result[0] = (uint)acc;
            acc = (acc >> 32) + c[1] + c9 + c10 - c12 - c13 - c14 - c15;
            result[1] = (uint)acc;
            acc = (acc >> 32) + c[2] + c10 + c11 - c13 - c14 - c15;
            result[2] = (uint)acc;
            acc = (acc >> 32) + c[3] + 2 * (c11 + c12) + c13 - c15 - c8 - c9;
            result[3] = (uint)acc;
            acc = (acc >> 32) + c[4] + 2 * (c12 + c13) + c14 - c9 - c10;
            result[4] = (uint)acc;
            acc = (acc >> 32) + c[5] + 2 * (c13 + c14) + c15 - c10 - c11;
            result[5] = (uint)acc;
            acc = (acc >> 32) + c[6] + 3 * c14 + 2 * c15 + c13 - c8 - c9;
            result[6] = (uint)acc;
            acc = (acc >> 32) + c[7] + 3 * c15 + c8 - c10 - c11 - c12 - c13;
            result[7] = (uint)acc;
            long top = acc >> 32;

            // The value is now result + top * 2^256 with -4 <= top <= 6; 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p).
            // Folding twice always ends with a carry of zero: after the first fold the value is within 2^229 of
            // [0, 2^256), so the second fold's +-1 moves it back inside. Both folds always run.
            top = FoldTop(result, top);
            FoldTop(result, top);
            SubtractPrimeIfNeeded(result, 0);
        }

        /// <summary>Adds top * (2^224 - 2^192 - 2^96 + 1) to the 256-bit value; returns the new carry out of bit 256.</summary>
        private static long FoldTop(uint[] value, long top)
        {
            long acc = (long)value[0] + top;
            value[0] = (uint)acc;
            acc = (acc >> 32) + value[1];
            value[1] = (uint)acc;
            acc = (acc >> 32) + value[2];
            value[2] = (uint)acc;
            acc = (acc >> 32) + value[3] - top;
            value[3] = (uint)acc;
            acc = (acc >> 32) + value[4];
            value[4] = (uint)acc;
            acc = (acc >> 32) + value[5];
            value[5] = (uint)acc;
            acc = (acc >> 32) + value[6] - top;
            value[6] = (uint)acc;
            acc = (acc >> 32) + value[7] + top;
            value[7] = (uint)acc;
            return acc >> 32;
        }

        /// <summary>value = value - p when value + carry * 2^256 &gt;= p (value + carry * 2^256 &lt; 2p).</summary>
        private void SubtractPrimeIfNeeded(uint[] value, uint carry)
        {
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = (ulong)value[i] - PrimeP[i] - borrow;
                _difference[i] = (uint)diff;
                borrow = (uint)(diff >> 32) & 1;
            }
            uint useDifference = 0u - (carry | (borrow ^ 1));
            for (int i = 0; i < Limbs; i++) value[i] = (_difference[i] & useDifference) | (value[i] & ~useDifference);
        }
    }
}
