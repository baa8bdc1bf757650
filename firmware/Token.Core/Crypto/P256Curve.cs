namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// The NIST P-256 curve y^2 = x^3 - 3x + b over GF(p) (FIPS 186-4 §D.1.2.3, SEC 2 secp256r1).
    /// An instance is a working context: it owns the field scratch and point temporaries for one operation, so
    /// nothing is allocated inside the scalar multiplication loop. Not thread-safe; make one per operation.
    /// </summary>
    internal sealed class P256Curve
    {
        private const int Limbs = UInt256.Limbs;
        private const int WindowBits = 4;
        private const int TableSize = 1 << WindowBits;
        private const int CombTeeth = 4;
        private const int CombSpacing = 256 / CombTeeth;

        // Curve constants as little-endian 32-bit limbs (FIPS 186-4 §D.1.2.3).
        private static readonly uint[] OrderN = { 0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF };
        private static readonly uint[] CoefficientB = { 0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0, 0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8 };
        private static readonly uint[] BaseX = { 0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81, 0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2 };
        private static readonly uint[] BaseY = { 0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357, 0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2 };

        private static readonly MontgomeryField SharedFieldN;

        // Lim-Lee comb for the base point: entry d (1..15) is the affine point sum over set bits t of d of 2^(64 t) G.
        private static readonly uint[][] CombX = new uint[TableSize][];
        private static readonly uint[][] CombY = new uint[TableSize][];

        /// <summary>Arithmetic modulo p, for coordinates.</summary>
        internal readonly P256PrimeField Fp;

        /// <summary>Arithmetic modulo n, for scalars.</summary>
        internal readonly MontgomeryField Fn;

        private readonly uint[] _t0 = new uint[Limbs];
        private readonly uint[] _t1 = new uint[Limbs];
        private readonly uint[] _t2 = new uint[Limbs];
        private readonly uint[] _t3 = new uint[Limbs];
        private readonly uint[] _t4 = new uint[Limbs];
        private readonly uint[] _t5 = new uint[Limbs];
        private readonly uint[] _t6 = new uint[Limbs];
        private readonly uint[] _t7 = new uint[Limbs];
        private readonly uint[] _t8 = new uint[Limbs];
        private readonly uint[] _t9 = new uint[Limbs];
        private readonly JacobianPoint _accumulator = new JacobianPoint();
        private readonly JacobianPoint _tableEntry = new JacobianPoint();

        static P256Curve()
        {
            SharedFieldN = new MontgomeryField(OrderN);

            P256Curve builder = new P256Curve();
            JacobianPoint[] toothBases = new JacobianPoint[CombTeeth];
            for (int t = 0; t < CombTeeth; t++)
            {
                toothBases[t] = new JacobianPoint();
                if (t == 0)
                {
                    builder.SetAffine(BaseX, BaseY, toothBases[0]);
                    continue;
                }
                toothBases[t].CopyFrom(toothBases[t - 1]);
                for (int i = 0; i < CombSpacing; i++) builder.Double(toothBases[t], toothBases[t]);
            }
            JacobianPoint sum = new JacobianPoint();
            for (int d = 0; d < TableSize; d++)
            {
                CombX[d] = new uint[Limbs];
                CombY[d] = new uint[Limbs];
                if (d == 0) continue;
                builder.SetInfinity(sum);
                for (int t = 0; t < CombTeeth; t++)
                {
                    if (((d >> t) & 1) != 0) builder.Add(sum, toothBases[t], sum);
                }
                builder.ToAffine(sum, CombX[d], CombY[d]);
            }
        }

        internal P256Curve()
        {
            Fp = new P256PrimeField();
            Fn = new MontgomeryField(SharedFieldN);
        }

        /// <summary>The group order n (do not modify).</summary>
        internal static uint[] Order
        {
            get { return OrderN; }
        }

        /// <summary>Loads plain affine coordinates (each &lt; p) into <paramref name="point"/> with Z = 1.</summary>
        internal void SetAffine(uint[] x, uint[] y, JacobianPoint point)
        {
            UInt256.Copy(x, point.X);
            UInt256.Copy(y, point.Y);
            UInt256.Copy(Fp.One, point.Z);
        }

        /// <summary>
        /// True when plain coordinates x, y are both below p and satisfy y^2 = x^3 - 3x + b (SEC 1 §3.2.2.1 steps 2-3).
        /// Public keys are public, so the early return is fine.
        /// </summary>
        internal bool IsOnCurve(uint[] x, uint[] y)
        {
            if ((Fp.IsReducedMask(x) & Fp.IsReducedMask(y)) == 0) return false;
            Fp.Square(y, _t2);
            Fp.Square(x, _t3);
            Fp.Multiply(_t3, x, _t3);
            Fp.Subtract(_t3, x, _t3);
            Fp.Subtract(_t3, x, _t3);
            Fp.Subtract(_t3, x, _t3);
            Fp.Add(_t3, CoefficientB, _t3);
            return UInt256.EqualMask(_t2, _t3) != 0;
        }

        /// <summary>0xFFFFFFFF when <paramref name="point"/> is the point at infinity.</summary>
        internal static uint IsInfinityMask(JacobianPoint point)
        {
            return UInt256.IsZeroMask(point.Z);
        }

        /// <summary>Converts to plain affine coordinates; the point must not be infinity. Constant time (Fermat inversion).</summary>
        internal void ToAffine(JacobianPoint point, uint[] x, uint[] y)
        {
            Fp.Invert(point.Z, _t0);
            Fp.Square(_t0, _t1);
            Fp.Multiply(point.X, _t1, _t2);
            Fp.Multiply(_t1, _t0, _t1);
            Fp.Multiply(point.Y, _t1, y);
            UInt256.Copy(_t2, x);
        }

        /// <summary>
        /// result = 2 * point ("dbl-2001-b" for a = -3, 3M + 5S; Bernstein-Lange Explicit-Formulas Database).
        /// Infinity (Z = 0) doubles to infinity. result may alias point.
        /// </summary>
        internal void Double(JacobianPoint point, JacobianPoint result)
        {
            uint[] delta = _t0, gamma = _t1, beta = _t2, alpha = _t3, u = _t4, z3 = _t5;
            Fp.Square(point.Z, delta);
            Fp.Square(point.Y, gamma);
            Fp.Multiply(point.X, gamma, beta);
            // alpha = 3 (X - delta)(X + delta)
            Fp.Subtract(point.X, delta, u);
            Fp.Add(point.X, delta, alpha);
            Fp.Multiply(u, alpha, u);
            Fp.Add(u, u, alpha);
            Fp.Add(alpha, u, alpha);
            // Z3 = (Y + Z)^2 - gamma - delta
            Fp.Add(point.Y, point.Z, z3);
            Fp.Square(z3, z3);
            Fp.Subtract(z3, gamma, z3);
            Fp.Subtract(z3, delta, z3);
            // X3 = alpha^2 - 8 beta
            Fp.Add(beta, beta, beta);
            Fp.Add(beta, beta, beta);
            Fp.Square(alpha, result.X);
            Fp.Subtract(result.X, beta, result.X);
            Fp.Subtract(result.X, beta, result.X);
            // Y3 = alpha (4 beta - X3) - 8 gamma^2
            Fp.Subtract(beta, result.X, u);
            Fp.Multiply(alpha, u, u);
            Fp.Square(gamma, gamma);
            Fp.Add(gamma, gamma, gamma);
            Fp.Add(gamma, gamma, gamma);
            Fp.Add(gamma, gamma, gamma);
            Fp.Subtract(u, gamma, result.Y);
            UInt256.Copy(z3, result.Z);
        }

        /// <summary>
        /// result = a + b ("add-1998-cmo-2", 12M + 4S). Either input may be infinity: handled with masks, no branch.
        /// result may alias a or b.
        /// When a == b (both finite) the addition formula degenerates, so this falls back to doubling. That branch
        /// depends on the points, but the fixed-window ladder below never reaches it for a scalar below n: there the
        /// accumulator is 16 * (prefix of k) * P and the addend d * P with d &lt; 16, and 16 * prefix = d (mod n)
        /// only for prefix = d = 0, where both are infinity. It is only reached when adding public points in Verify.
        /// </summary>
        internal void Add(JacobianPoint a, JacobianPoint b, JacobianPoint result)
        {
            uint[] z1z1 = _t0, z2z2 = _t1, u1 = _t2, u2 = _t3, s1 = _t4, s2 = _t5, h = _t6, r = _t7, x3 = _t8, y3 = _t9;
            Fp.Square(a.Z, z1z1);
            Fp.Square(b.Z, z2z2);
            Fp.Multiply(a.X, z2z2, u1);
            Fp.Multiply(b.X, z1z1, u2);
            Fp.Multiply(a.Y, b.Z, s1);
            Fp.Multiply(s1, z2z2, s1);
            Fp.Multiply(b.Y, a.Z, s2);
            Fp.Multiply(s2, z1z1, s2);
            Fp.Subtract(u2, u1, h);
            Fp.Subtract(s2, s1, r);

            uint aInfinity = IsInfinityMask(a);
            uint bInfinity = IsInfinityMask(b);
            if ((UInt256.IsZeroMask(h) & UInt256.IsZeroMask(r) & ~aInfinity & ~bInfinity) != 0)
            {
                Double(a, result);
                return;
            }

            uint[] hh = z1z1, hhh = z2z2, v = u2;
            Fp.Square(h, hh);
            Fp.Multiply(h, hh, hhh);
            Fp.Multiply(u1, hh, v);
            // X3 = r^2 - H^3 - 2 V
            Fp.Square(r, x3);
            Fp.Subtract(x3, hhh, x3);
            Fp.Subtract(x3, v, x3);
            Fp.Subtract(x3, v, x3);
            // Y3 = r (V - X3) - S1 H^3
            Fp.Subtract(v, x3, y3);
            Fp.Multiply(r, y3, y3);
            Fp.Multiply(s1, hhh, s1);
            Fp.Subtract(y3, s1, y3);
            // Z3 = Z1 Z2 H
            uint[] z3 = s2;
            Fp.Multiply(a.Z, b.Z, z3);
            Fp.Multiply(z3, h, z3);

            uint takeB = aInfinity;
            uint takeA = bInfinity & ~aInfinity;
            uint takeSum = ~(aInfinity | bInfinity);
            for (int i = 0; i < Limbs; i++)
            {
                result.X[i] = (x3[i] & takeSum) | (b.X[i] & takeB) | (a.X[i] & takeA);
                result.Y[i] = (y3[i] & takeSum) | (b.Y[i] & takeB) | (a.Y[i] & takeA);
                result.Z[i] = (z3[i] & takeSum) | (b.Z[i] & takeB) | (a.Z[i] & takeA);
            }
        }

        /// <summary>The multiples 0*P .. 15*P of <paramref name="point"/> (finite), for the fixed-window multiplication.</summary>
        internal JacobianPoint[] BuildTable(JacobianPoint point)
        {
            JacobianPoint[] table = new JacobianPoint[TableSize];
            for (int i = 0; i < TableSize; i++) table[i] = new JacobianPoint();
            SetInfinity(table[0]);
            table[1].CopyFrom(point);
            Double(point, table[2]);
            for (int i = 3; i < TableSize; i++) Add(table[i - 1], point, table[i]);
            return table;
        }

        /// <summary>
        /// result = scalar * G for the base point G and scalar &lt; n, with the 4-tooth comb: 64 doublings and 64
        /// masked mixed additions for every scalar, each table read touching all 16 entries.
        /// </summary>
        internal void MultiplyBase(uint[] scalar, JacobianPoint result)
        {
            JacobianPoint accumulator = _accumulator;
            SetInfinity(accumulator);
            uint[] entryX = _tableEntry.X, entryY = _tableEntry.Y;
            for (int column = CombSpacing - 1; column >= 0; column--)
            {
                Double(accumulator, accumulator);
                int limb = column >> 5, shift = column & 31;
                uint digit = ((scalar[limb] >> shift) & 1)
                    | (((scalar[limb + 2] >> shift) & 1) << 1)
                    | (((scalar[limb + 4] >> shift) & 1) << 2)
                    | (((scalar[limb + 6] >> shift) & 1) << 3);
                UInt256.Clear(entryX);
                UInt256.Clear(entryY);
                for (int index = 1; index < TableSize; index++)
                {
                    uint mask = UInt256.NonZeroBit((uint)index ^ digit) - 1;
                    uint[] candidateX = CombX[index], candidateY = CombY[index];
                    for (int i = 0; i < Limbs; i++)
                    {
                        entryX[i] |= candidateX[i] & mask;
                        entryY[i] |= candidateY[i] & mask;
                    }
                }
                AddAffine(accumulator, entryX, entryY, UInt256.NonZeroBit(digit) - 1, accumulator);
            }
            result.CopyFrom(accumulator);
        }

        /// <summary>
        /// result = a + (x2, y2) for an affine point ("madd-2004-hmv", 8M + 3S); when addendIsInfinity is all ones the
        /// addend is the point at infinity and a is kept. Infinity on either side is handled with masks.
        /// The doubling fallback for a == (x2, y2) is unreachable from the comb for a scalar below n: after the
        /// doubling at column i the accumulator is A G with A = sum over t of 2^(64 t) times the tooth-t bits above
        /// i, shifted to end at bit 1, and the addend is D G with D the tooth bits at i; the base-2^64 digits of
        /// A - D are each in [-1, 2^64) so A - D = 0 only when both are 0 (both infinity), and A - D = +-n would
        /// need the scalar A + D = n + 2D at the last column, which is not below n.
        /// </summary>
        private void AddAffine(JacobianPoint a, uint[] x2, uint[] y2, uint addendIsInfinity, JacobianPoint result)
        {
            uint[] z1z1 = _t0, u2 = _t1, s2 = _t2, h = _t3, r = _t4, hh = _t5, hhh = _t6, v = _t7, x3 = _t8, y3 = _t9;
            Fp.Square(a.Z, z1z1);
            Fp.Multiply(x2, z1z1, u2);
            Fp.Multiply(y2, a.Z, s2);
            Fp.Multiply(s2, z1z1, s2);
            Fp.Subtract(u2, a.X, h);
            Fp.Subtract(s2, a.Y, r);

            uint aInfinity = IsInfinityMask(a);
            if ((UInt256.IsZeroMask(h) & UInt256.IsZeroMask(r) & ~aInfinity & ~addendIsInfinity) != 0)
            {
                Double(a, result);
                return;
            }

            Fp.Square(h, hh);
            Fp.Multiply(h, hh, hhh);
            Fp.Multiply(a.X, hh, v);
            // X3 = r^2 - H^3 - 2 V
            Fp.Square(r, x3);
            Fp.Subtract(x3, hhh, x3);
            Fp.Subtract(x3, v, x3);
            Fp.Subtract(x3, v, x3);
            // Y3 = r (V - X3) - Y1 H^3
            Fp.Subtract(v, x3, y3);
            Fp.Multiply(r, y3, y3);
            Fp.Multiply(a.Y, hhh, hhh);
            Fp.Subtract(y3, hhh, y3);
            // Z3 = Z1 H
            uint[] z3 = u2;
            Fp.Multiply(a.Z, h, z3);

            uint[] one = Fp.One;
            uint keepA = addendIsInfinity;
            uint takeAddend = aInfinity & ~addendIsInfinity;
            uint takeSum = ~(aInfinity | addendIsInfinity);
            for (int i = 0; i < Limbs; i++)
            {
                result.X[i] = (x3[i] & takeSum) | (x2[i] & takeAddend) | (a.X[i] & keepA);
                result.Y[i] = (y3[i] & takeSum) | (y2[i] & takeAddend) | (a.Y[i] & keepA);
                result.Z[i] = (z3[i] & takeSum) | (one[i] & takeAddend) | (a.Z[i] & keepA);
            }
        }

        /// <summary>
        /// result = scalar * P, where <paramref name="table"/> comes from <see cref="BuildTable"/> and scalar &lt; n.
        /// Fixed 4-bit windows from the top: every window does four doublings, a table read that touches all 16
        /// entries with masks, and one masked addition, so the sequence of operations and memory accesses is the
        /// same for every scalar.
        /// </summary>
        internal void Multiply(uint[] scalar, JacobianPoint[] table, JacobianPoint result)
        {
            JacobianPoint accumulator = _accumulator;
            SetInfinity(accumulator);
            for (int window = 256 / WindowBits - 1; window >= 0; window--)
            {
                for (int i = 0; i < WindowBits; i++) Double(accumulator, accumulator);
                int bitIndex = window * WindowBits;
                uint digit = (scalar[bitIndex >> 5] >> (bitIndex & 31)) & (TableSize - 1);
                SelectEntry(table, digit, _tableEntry);
                Add(accumulator, _tableEntry, accumulator);
            }
            result.CopyFrom(accumulator);
        }

        internal void SetInfinity(JacobianPoint point)
        {
            UInt256.Copy(Fp.One, point.X);
            UInt256.Copy(Fp.One, point.Y);
            UInt256.Clear(point.Z);
        }

        /// <summary>Copies table[digit] into entry, reading every entry so the access pattern does not reveal digit.</summary>
        private static void SelectEntry(JacobianPoint[] table, uint digit, JacobianPoint entry)
        {
            UInt256.Clear(entry.X);
            UInt256.Clear(entry.Y);
            UInt256.Clear(entry.Z);
            for (int index = 0; index < TableSize; index++)
            {
                uint mask = UInt256.NonZeroBit((uint)index ^ digit) - 1;
                JacobianPoint candidate = table[index];
                for (int i = 0; i < Limbs; i++)
                {
                    entry.X[i] |= candidate.X[i] & mask;
                    entry.Y[i] |= candidate.Y[i] & mask;
                    entry.Z[i] |= candidate.Z[i] & mask;
                }
            }
        }
    }
}
