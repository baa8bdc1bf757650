namespace ProvenanceDevice.Token.Hal
{
    /// <summary>
    /// The token's signing key slot: a software key (development mode) or a key inside the ATECC608B.
    /// The private key never leaves an implementation of this interface.
    /// </summary>
    public interface ITokenKey
    {
        /// <summary><see cref="KeyProtection"/> value.</summary>
        int Protection { get; }

        bool HasKey { get; }

        /// <summary>Generates a new P-256 key pair, replacing any existing one.</summary>
        void Generate();

        /// <summary>The public key as 65 bytes: 0x04 || X || Y.</summary>
        byte[] GetPublicKey();

        /// <summary>ECDSA P-256 over a 32-byte SHA-256 digest; returns r || s, 64 bytes.</summary>
        byte[] SignDigest(byte[] digest);

        /// <summary>Destroys the key.</summary>
        void Destroy();
    }

    public static class KeyProtection
    {
        public const int None = 0;
        public const int Software = 1;
        public const int SecureElement = 2;
    }
}
