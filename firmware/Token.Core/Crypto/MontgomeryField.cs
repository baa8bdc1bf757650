namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// Arithmetic modulo an odd 256-bit modulus m with 2^255 &lt; m &lt; 2^256 (the P-256 prime p and group order n),
    /// using Montgomery multiplication with R = 2^256 on 8 little-endian 32-bit limbs and 64-bit intermediate products.
    /// Inputs and outputs are fully reduced (&lt; m). The time taken never depends on operand values: carries and
    /// final subtractions are applied through masks. Pow branches only on the exponent, which is always public.
    /// An instance owns scratch buffers, so it is not thread-safe: make one per operation with the copy constructor.
    /// </summary>
    internal sealed class MontgomeryField
    {
        private const int Limbs = UInt256.Limbs;

        private readonly uint[] _modulus;
        private readonly uint _negativeInverse;
        private readonly uint[] _rSquared;
        private readonly uint[] _montgomeryOne;
        private readonly uint[] _modulusMinusTwo;

        private readonly uint[] _product = new uint[Limbs + 2];
        private readonly uint[] _plainOne = new uint[Limbs];
        private readonly uint[] _powerBase = new uint[Limbs];
        private readonly uint[] _powerAccumulator = new uint[Limbs];

        /// <summary>Derives the Montgomery constants for <paramref name="modulus"/> (little-endian limbs).</summary>
        internal MontgomeryField(uint[] modulus)
        {
            if (modulus.Length != Limbs || (modulus[0] & 1) == 0 || (modulus[Limbs - 1] & 0x80000000) == 0)
            {
                throw new System.ArgumentException("modulus must be odd and between 2^255 and 2^256");
            }
            _modulus = new uint[Limbs];
            UInt256.Copy(modulus, _modulus);

            // Newton's iteration for m0^-1 mod 2^32: an odd m0 is its own inverse mod 8, and each step doubles the correct bits.
            uint m0 = modulus[0];
            uint inverse = m0;
            for (int i = 0; i < 4; i++) inverse = unchecked(inverse * (2u - m0 * inverse));
            _negativeInverse = unchecked(0u - inverse);

            // R mod m = 2^256 - m because m > 2^255; doubling it 256 times modulo m gives R^2 mod m.
            _montgomeryOne = new uint[Limbs];
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = 0UL - modulus[i] - borrow;
                _montgomeryOne[i] = (uint)diff;
                borrow = (uint)(diff >> 32) & 1;
            }
            _rSquared = new uint[Limbs];
            UInt256.Copy(_montgomeryOne, _rSquared);
            for (int i = 0; i < 256; i++) Add(_rSquared, _rSquared, _rSquared);

            _modulusMinusTwo = new uint[Limbs];
            UInt256.Copy(modulus, _modulusMinusTwo);
            _modulusMinusTwo[0] -= 2;

            _plainOne[0] = 1;
        }

        /// <summary>Shares the constants of <paramref name="shared"/> with fresh scratch buffers.</summary>
        internal MontgomeryField(MontgomeryField shared)
        {
            _modulus = shared._modulus;
            _negativeInverse = shared._negativeInverse;
            _rSquared = shared._rSquared;
            _montgomeryOne = shared._montgomeryOne;
            _modulusMinusTwo = shared._modulusMinusTwo;
            _plainOne[0] = 1;
        }

        /// <summary>The modulus (do not modify).</summary>
        internal uint[] Modulus
        {
            get { return _modulus; }
        }

        /// <summary>1 in Montgomery form, R mod m (do not modify).</summary>
        internal uint[] One
        {
            get { return _montgomeryOne; }
        }

        /// <summary>0xFFFFFFFF when 0 &lt;= value &lt; m.</summary>
        internal uint IsReducedMask(uint[] value)
        {
            return UInt256.LessThanMask(value, _modulus);
        }

        /// <summary>result = value mod m for any 256-bit value (one conditional subtraction suffices since 2m &gt; 2^256).</summary>
        internal void ReduceOnce(uint[] value, uint[] result)
        {
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = (ulong)value[i] - _modulus[i] - borrow;
                _product[i] = (uint)diff;
                borrow = (uint)(diff >> 32) & 1;
            }
            uint keepOriginal = 0u - borrow;
            for (int i = 0; i < Limbs; i++) result[i] = (value[i] & keepOriginal) | (_product[i] & ~keepOriginal);
        }

        /// <summary>result = a + b mod m.</summary>
        internal void Add(uint[] a, uint[] b, uint[] result)
        {
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong sum = (ulong)a[i] + b[i] + carry;
                result[i] = (uint)sum;
                carry = sum >> 32;
            }
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = (ulong)result[i] - _modulus[i] - borrow;
                _product[i] = (uint)diff;
                borrow = (uint)(diff >> 32) & 1;
            }
            // The sum is at least m when it overflowed 2^256 or when subtracting m did not borrow.
            uint useDifference = 0u - ((uint)carry | (borrow ^ 1));
            for (int i = 0; i < Limbs; i++) result[i] = (_product[i] & useDifference) | (result[i] & ~useDifference);
        }

        /// <summary>result = a - b mod m.</summary>
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
                ulong sum = (ulong)result[i] + (_modulus[i] & addBack) + carry;
                result[i] = (uint)sum;
                carry = sum >> 32;
            }
        }

        /// <summary>
        /// result = a * b * R^-1 mod m (coarsely integrated operand scanning, CIOS). Requires b &lt; m and a &lt; 2^256;
        /// result may alias a or b.
        /// </summary>
        internal void Multiply(uint[] a, uint[] b, uint[] result)
        {
            uint[] t = _product;
            uint[] m = _modulus;
            for (int i = 0; i < Limbs + 2; i++) t[i] = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong bi = b[i];
                ulong carry = 0;
                for (int j = 0; j < Limbs; j++)
                {
                    ulong acc = t[j] + a[j] * bi + carry;
                    t[j] = (uint)acc;
                    carry = acc >> 32;
                }
                ulong top = t[Limbs] + carry;
                t[Limbs] = (uint)top;
                t[Limbs + 1] = (uint)(top >> 32);

                ulong factor = unchecked(t[0] * _negativeInverse);
                carry = (t[0] + factor * m[0]) >> 32;
                for (int j = 1; j < Limbs; j++)
                {
                    ulong acc = t[j] + factor * m[j] + carry;
                    t[j - 1] = (uint)acc;
                    carry = acc >> 32;
                }
                top = t[Limbs] + carry;
                t[Limbs - 1] = (uint)top;
                t[Limbs] = t[Limbs + 1] + (uint)(top >> 32);
            }

            // t < 2m here; subtract m once unless that borrows past the ninth limb.
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = (ulong)t[i] - m[i] - borrow;
                result[i] = (uint)diff;
                borrow = (uint)(diff >> 32) & 1;
            }
            uint useDifference = 0u - (t[Limbs] | (borrow ^ 1));
            for (int i = 0; i < Limbs; i++) result[i] = (result[i] & useDifference) | (t[i] & ~useDifference);
        }

        /// <summary>result = a^2 * R^-1 mod m.</summary>
        internal void Square(uint[] a, uint[] result)
        {
            Multiply(a, a, result);
        }

        /// <summary>result = a * R mod m (into Montgomery form).</summary>
        internal void ToMontgomery(uint[] a, uint[] result)
        {
            Multiply(a, _rSquared, result);
        }

        /// <summary>result = a * R^-1 mod m (out of Montgomery form).</summary>
        internal void FromMontgomery(uint[] a, uint[] result)
        {
            Multiply(a, _plainOne, result);
        }

        /// <summary>
        /// result = a^-1 in Montgomery form, by Fermat's little theorem (a^(m-2)); the exponent is public, so the
        /// time does not depend on a. The inverse of zero comes out as zero.
        /// </summary>
        internal void Invert(uint[] a, uint[] result)
        {
            Power(a, _modulusMinusTwo, result);
        }

        /// <summary>result = a^exponent in Montgomery form, left-to-right square-and-multiply over a public exponent.</summary>
        private void Power(uint[] a, uint[] exponent, uint[] result)
        {
            UInt256.Copy(a, _powerBase);
            UInt256.Copy(_montgomeryOne, _powerAccumulator);
            for (int bit = 255; bit >= 0; bit--)
            {
                Square(_powerAccumulator, _powerAccumulator);
                if (((exponent[bit >> 5] >> (bit & 31)) & 1) != 0)
                {
                    Multiply(_powerAccumulator, _powerBase, _powerAccumulator);
                }
            }
            UInt256.Copy(_powerAccumulator, result);
        }
    }
}
