namespace ProvenanceDevice.Token.Hal
{
    /// <summary>
    /// Optional, beside <see cref="IKeyAttestation"/>: a key whose chip can attest it (a pre-provisioned ATECC608 whose
    /// maker certified a key that signs a statement about the signing key). ATTEST with a host challenge uses it.
    /// </summary>
    public interface IChipAttestation
    {
        /// <summary>The encoded <see cref="Protocol.KeyAttestation"/> over the 20-byte challenge, or empty when the chip has no maker certificate.</summary>
        byte[] Attest(byte[] challenge);
    }
}
