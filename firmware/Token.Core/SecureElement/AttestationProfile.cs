namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Where a pre-provisioned ATECC608 (Microchip Trust&amp;GO/TrustFLEX, M5Stack's ID unit, the ESP32-WROOM-32SE's chip) keeps
    /// its maker's certificates, and which key they certify. Trust&amp;GO's slot map (CryptoAuthLib app/tng, tngtls_cert_def_2_device:
    /// comp_cert_dev_loc slot 10, public_key_dev_loc slot 0 is_genkey; tngtls_cert_def_1_signer: slot 12, public key slot 11)
    /// is the default. The certified key (<see cref="AttestingSlot"/>) attests the token's signing key with Sign in internal mode
    /// over the GenKey digest of the signing key's public key (<see cref="Atecc608.AttestKey"/>).
    /// The templates are the maker's certificate definitions; a blank 608B provisioned by the token has no profile.
    /// </summary>
    public sealed class AttestationProfile
    {
        /// <summary>The private key the device certificate certifies (Trust&amp;GO: slot 0, permanent).</summary>
        public int AttestingSlot;

        /// <summary>The compressed device certificate (72 bytes).</summary>
        public int DeviceCertificateSlot = 10;

        /// <summary>The signer's public key in the chip's padded 72-byte form (4 zeros, X, 4 zeros, Y).</summary>
        public int SignerPublicKeySlot = 11;

        /// <summary>The compressed signer certificate (72 bytes).</summary>
        public int SignerCertificateSlot = 12;

        /// <summary>Template of the device certificate (certifies the key in <see cref="AttestingSlot"/>, issued by the signer).</summary>
        public CertificateTemplate DeviceTemplate;

        /// <summary>Template of the signer certificate (issued by the maker's root; its authority key id is in the template).</summary>
        public CertificateTemplate SignerTemplate;
    }
}
