namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// A P-256 point in Jacobian coordinates (x = X/Z^2, y = Y/Z^3), coordinates reduced modulo p.
    /// Z = 0 is the point at infinity.
    /// </summary>
    internal sealed class JacobianPoint
    {
        internal readonly uint[] X = new uint[UInt256.Limbs];
        internal readonly uint[] Y = new uint[UInt256.Limbs];
        internal readonly uint[] Z = new uint[UInt256.Limbs];

        internal void CopyFrom(JacobianPoint other)
        {
            UInt256.Copy(other.X, X);
            UInt256.Copy(other.Y, Y);
            UInt256.Copy(other.Z, Z);
        }
    }
}
