namespace ProvenanceDevice.Token.Crypto
{
    /// <summary>
    /// ECDSA over NIST P-256 with SHA-256 digests (FIPS 186-4 §6, SEC 1 §4.1), with deterministic nonces
    /// (RFC 6979 §3.2). Keys and signatures use fixed-width big-endian encodings: private key 32 bytes,
    /// public key 65 bytes 0x04 || X || Y, signature r || s in 64 bytes (IEEE P1363). Signatures are returned
    /// exactly as RFC 6979 produces them (s is not normalised to the low half).
    /// </summary>
    /// <example>
    /// <code>
    /// byte[] publicKey = EcdsaP256.DerivePublicKey(privateKey);
    /// byte[] signature = EcdsaP256.Sign(privateKey, Sha256.Hash(message));
    /// bool ok = EcdsaP256.Verify(publicKey, Sha256.Hash(message), signature);
    /// </code>
    /// </example>
    public static class EcdsaP256
    {
        /// <summary>Length of a private scalar in bytes.</summary>
        public const int PrivateKeyLength = 32;

        /// <summary>Length of an uncompressed public key (0x04 || X || Y) in bytes.</summary>
        public const int PublicKeyLength = 65;

        /// <summary>Length of a raw r || s signature in bytes.</summary>
        public const int SignatureLength = 64;

        /// <summary>Length of the SHA-256 digest that is signed.</summary>
        public const int DigestLength = 32;

        private const byte UncompressedPointTag = 0x04;

        /// <summary>True when <paramref name="privateKey"/> is 32 bytes encoding a scalar d with 1 &lt;= d &lt; n.</summary>
        public static bool IsValidPrivateKey(byte[] privateKey)
        {
            if (privateKey == null || privateKey.Length != PrivateKeyLength) return false;
            uint[] d = new uint[UInt256.Limbs];
            UInt256.FromBigEndian(privateKey, 0, d);
            bool valid = ScalarInRangeMask(d) != 0;
            UInt256.Clear(d);
            return valid;
        }

        /// <summary>True when <paramref name="publicKey"/> is an uncompressed point on P-256 (SEC 1 §3.2.2.1; never infinity).</summary>
        public static bool IsValidPublicKey(byte[] publicKey)
        {
            P256Curve curve = new P256Curve();
            uint[] x = new uint[UInt256.Limbs];
            uint[] y = new uint[UInt256.Limbs];
            return DecodePublicKey(curve, publicKey, x, y);
        }

        /// <summary>Computes the public key Q = d * G of a private key, as 65 bytes 0x04 || X || Y.</summary>
        /// <exception cref="System.ArgumentException">The key is not 32 bytes or d is 0 or not below n.</exception>
        public static byte[] DerivePublicKey(byte[] privateKey)
        {
            uint[] d = ReadPrivateKey(privateKey);
            P256Curve curve = new P256Curve();
            JacobianPoint q = new JacobianPoint();
            curve.MultiplyBase(d, q);
            UInt256.Clear(d);
            uint[] x = new uint[UInt256.Limbs];
            uint[] y = new uint[UInt256.Limbs];
            curve.ToAffine(q, x, y);
            byte[] encoded = new byte[PublicKeyLength];
            encoded[0] = UncompressedPointTag;
            UInt256.ToBigEndian(x, encoded, 1);
            UInt256.ToBigEndian(y, encoded, 1 + UInt256.ByteLength);
            return encoded;
        }

        /// <summary>
        /// Signs a 32-byte digest with the RFC 6979 deterministic nonce; returns r || s (64 bytes).
        /// The scalar multiplication and the modular inversions take the same time for every key and nonce.
        /// </summary>
        /// <exception cref="System.ArgumentException">The key is invalid or the digest is not 32 bytes.</exception>
        public static byte[] Sign(byte[] privateKey, byte[] digest)
        {
            CheckDigest(digest);
            uint[] d = ReadPrivateKey(privateKey);
            P256Curve curve = new P256Curve();
            MontgomeryField fn = curve.Fn;

            // e = bits2int(H) mod n, which is also bits2octets(h1) for the nonce (RFC 6979 §2.3.4).
            uint[] e = new uint[UInt256.Limbs];
            UInt256.FromBigEndian(digest, 0, e);
            fn.ReduceOnce(e, e);
            byte[] reducedDigest = new byte[DigestLength];
            UInt256.ToBigEndian(e, reducedDigest, 0);
            byte[] keyOctets = new byte[PrivateKeyLength];
            UInt256.ToBigEndian(d, keyOctets, 0);

            Rfc6979Nonce nonce = new Rfc6979Nonce(keyOctets, reducedDigest);
            System.Array.Clear(keyOctets, 0, keyOctets.Length);
            byte[] candidate = new byte[PrivateKeyLength];
            uint[] k = new uint[UInt256.Limbs];
            uint[] r = new uint[UInt256.Limbs];
            uint[] s = new uint[UInt256.Limbs];
            uint[] x = new uint[UInt256.Limbs];
            uint[] y = new uint[UInt256.Limbs];
            uint[] t = new uint[UInt256.Limbs];
            JacobianPoint kG = new JacobianPoint();
            try
            {
                while (true)
                {
                    nonce.Next(candidate);
                    UInt256.FromBigEndian(candidate, 0, k);
                    // A candidate outside [1, n-1] (probability about 2^-32) is skipped, as RFC 6979 §3.2 step h.3 says.
                    if (ScalarInRangeMask(k) == 0) continue;

                    // r = x(k * G) mod n (FIPS 186-4 §6.4); x < p < 2n, so one conditional subtraction reduces it.
                    curve.MultiplyBase(k, kG);
                    curve.ToAffine(kG, x, y);
                    fn.ReduceOnce(x, r);
                    if (UInt256.IsZeroMask(r) != 0) continue;

                    // s = k^-1 (e + r d) mod n. Montgomery products: (rR) * d * R^-1 = r d, (k^-1 R) * sum * R^-1 = k^-1 sum.
                    fn.ToMontgomery(r, t);
                    fn.Multiply(t, d, t);
                    fn.Add(e, t, t);
                    fn.ToMontgomery(k, s);
                    fn.Invert(s, s);
                    fn.Multiply(s, t, s);
                    if (UInt256.IsZeroMask(s) != 0) continue;

                    byte[] signature = new byte[SignatureLength];
                    UInt256.ToBigEndian(r, signature, 0);
                    UInt256.ToBigEndian(s, signature, UInt256.ByteLength);
                    return signature;
                }
            }
            finally
            {
                nonce.Clear();
                System.Array.Clear(candidate, 0, candidate.Length);
                UInt256.Clear(k);
                UInt256.Clear(d);
                UInt256.Clear(t);
                UInt256.Clear(s);
            }
        }

        /// <summary>
        /// Verifies r || s over a 32-byte digest with a 65-byte uncompressed public key (FIPS 186-4 §6.4.2).
        /// Returns false for any malformed input: wrong lengths, a point not on the curve, r or s outside [1, n-1].
        /// </summary>
        public static bool Verify(byte[] publicKey, byte[] digest, byte[] signature)
        {
            if (digest == null || digest.Length != DigestLength) return false;
            if (signature == null || signature.Length != SignatureLength) return false;
            P256Curve curve = new P256Curve();
            MontgomeryField fn = curve.Fn;
            uint[] qx = new uint[UInt256.Limbs];
            uint[] qy = new uint[UInt256.Limbs];
            if (!DecodePublicKey(curve, publicKey, qx, qy)) return false;

            uint[] r = new uint[UInt256.Limbs];
            uint[] s = new uint[UInt256.Limbs];
            UInt256.FromBigEndian(signature, 0, r);
            UInt256.FromBigEndian(signature, UInt256.ByteLength, s);
            if ((ScalarInRangeMask(r) & ScalarInRangeMask(s)) == 0) return false;

            uint[] e = new uint[UInt256.Limbs];
            UInt256.FromBigEndian(digest, 0, e);
            fn.ReduceOnce(e, e);

            // w = s^-1 (in Montgomery form), u1 = e w, u2 = r w (plain).
            uint[] w = new uint[UInt256.Limbs];
            uint[] u1 = new uint[UInt256.Limbs];
            uint[] u2 = new uint[UInt256.Limbs];
            fn.ToMontgomery(s, w);
            fn.Invert(w, w);
            fn.Multiply(w, e, u1);
            fn.Multiply(w, r, u2);

            JacobianPoint q = new JacobianPoint();
            curve.SetAffine(qx, qy, q);
            JacobianPoint sum = new JacobianPoint();
            JacobianPoint u2Q = new JacobianPoint();
            curve.MultiplyBase(u1, sum);
            curve.Multiply(u2, curve.BuildTable(q), u2Q);
            curve.Add(sum, u2Q, sum);
            if (P256Curve.IsInfinityMask(sum) != 0) return false;

            uint[] x = new uint[UInt256.Limbs];
            uint[] y = new uint[UInt256.Limbs];
            curve.ToAffine(sum, x, y);
            fn.ReduceOnce(x, x);
            return UInt256.EqualMask(x, r) != 0;
        }

        /// <summary>0xFFFFFFFF when 1 &lt;= scalar &lt; n.</summary>
        private static uint ScalarInRangeMask(uint[] scalar)
        {
            return ~UInt256.IsZeroMask(scalar) & UInt256.LessThanMask(scalar, P256Curve.Order);
        }

        private static uint[] ReadPrivateKey(byte[] privateKey)
        {
            if (privateKey == null) throw new System.ArgumentNullException("privateKey");
            if (privateKey.Length != PrivateKeyLength) throw new System.ArgumentException("P-256 private key must be 32 bytes", "privateKey");
            uint[] d = new uint[UInt256.Limbs];
            UInt256.FromBigEndian(privateKey, 0, d);
            if (ScalarInRangeMask(d) == 0)
            {
                UInt256.Clear(d);
                throw new System.ArgumentException("P-256 private key must be in [1, n-1]", "privateKey");
            }
            return d;
        }

        private static void CheckDigest(byte[] digest)
        {
            if (digest == null) throw new System.ArgumentNullException("digest");
            if (digest.Length != DigestLength) throw new System.ArgumentException("digest must be 32 bytes (SHA-256)", "digest");
        }

        private static bool DecodePublicKey(P256Curve curve, byte[] publicKey, uint[] x, uint[] y)
        {
            if (publicKey == null || publicKey.Length != PublicKeyLength || publicKey[0] != UncompressedPointTag) return false;
            UInt256.FromBigEndian(publicKey, 1, x);
            UInt256.FromBigEndian(publicKey, 1 + UInt256.ByteLength, y);
            return curve.IsOnCurve(x, y);
        }
    }
}
