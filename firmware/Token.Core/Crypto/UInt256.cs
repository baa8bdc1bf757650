namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// Helpers for 256-bit integers held as 8 little-endian 32-bit limbs (limb 0 least significant).
    /// Comparisons return masks (0xFFFFFFFF for true, 0 for false) and never branch on the values, so they are
    /// safe on secrets.
    /// </summary>
    internal static class UInt256
    {
        internal const int Limbs = 8;
        internal const int ByteLength = 32;

        /// <summary>Reads 32 big-endian bytes starting at <paramref name="offset"/>.</summary>
        internal static void FromBigEndian(byte[] source, int offset, uint[] destination)
        {
            for (int i = 0; i < Limbs; i++)
            {
                int at = offset + ByteLength - 4 - i * 4;
                destination[i] = ((uint)source[at] << 24) | ((uint)source[at + 1] << 16) | ((uint)source[at + 2] << 8) | source[at + 3];
            }
        }

        /// <summary>Writes 32 big-endian bytes starting at <paramref name="offset"/>.</summary>
        internal static void ToBigEndian(uint[] source, byte[] destination, int offset)
        {
            for (int i = 0; i < Limbs; i++)
            {
                int at = offset + ByteLength - 4 - i * 4;
                uint limb = source[i];
                destination[at] = (byte)(limb >> 24);
                destination[at + 1] = (byte)(limb >> 16);
                destination[at + 2] = (byte)(limb >> 8);
                destination[at + 3] = (byte)limb;
            }
        }

        internal static void Copy(uint[] source, uint[] destination)
        {
            for (int i = 0; i < Limbs; i++) destination[i] = source[i];
        }

        internal static void Clear(uint[] value)
        {
            for (int i = 0; i < Limbs; i++) value[i] = 0;
        }

        internal static void SetSmall(uint[] value, uint small)
        {
            value[0] = small;
            for (int i = 1; i < Limbs; i++) value[i] = 0;
        }

        /// <summary>0xFFFFFFFF when <paramref name="value"/> is zero, else 0.</summary>
        internal static uint IsZeroMask(uint[] value)
        {
            uint any = 0;
            for (int i = 0; i < Limbs; i++) any |= value[i];
            return NonZeroBit(any) - 1;
        }

        /// <summary>0xFFFFFFFF when <paramref name="a"/> equals <paramref name="b"/>, else 0.</summary>
        internal static uint EqualMask(uint[] a, uint[] b)
        {
            uint diff = 0;
            for (int i = 0; i < Limbs; i++) diff |= a[i] ^ b[i];
            return NonZeroBit(diff) - 1;
        }

        /// <summary>0xFFFFFFFF when <paramref name="a"/> &lt; <paramref name="b"/>, else 0 (the borrow of a - b).</summary>
        internal static uint LessThanMask(uint[] a, uint[] b)
        {
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong diff = (ulong)a[i] - b[i] - borrow;
                borrow = (uint)(diff >> 32) & 1;
            }
            return 0u - borrow;
        }

        /// <summary>result = mask ? a : b, limb by limb; result may alias either input.</summary>
        internal static void Select(uint mask, uint[] a, uint[] b, uint[] result)
        {
            for (int i = 0; i < Limbs; i++) result[i] = (a[i] & mask) | (b[i] & ~mask);
        }

        /// <summary>1 when <paramref name="value"/> is non-zero, else 0, without branching.</summary>
        internal static uint NonZeroBit(uint value)
        {
            return (value | (0u - value)) >> 31;
        }
    }
}
