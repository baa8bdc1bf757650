namespace ProvenanceDevice.Token.Hal
{
    /// <summary>
    /// Optional: an <see cref="ITokenKey"/> that can describe and vouch for itself implements this too
    /// (the secure-element key returns the chip's certificate chain). ATTEST uses it when present.
    /// </summary>
    public interface IKeyAttestation
    {
        /// <summary>What protects the key, in words, e.g. "ATECC608B slot 0, private key never readable".</summary>
        string Describe();

        /// <summary>Concatenated DER certificates (device first), or an empty array when there is none.</summary>
        byte[] GetCertificateChain();
    }
}
