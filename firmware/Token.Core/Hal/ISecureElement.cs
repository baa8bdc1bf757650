namespace ProvenanceDevice.Token.Hal
{
    /// <summary>
    /// Optional: the secure element a board carries (<see cref="TokenHardware.SecureElement"/>; null on boards with
    /// a software key). The core uses it for PROVISION, for INFO's provisioning state, and to keep the token's
    /// signature counter at or above the chip's own monotonic counter.
    /// </summary>
    public interface ISecureElement
    {
        /// <summary>The chip's serial number as hex digits.</summary>
        string ReadSerialNumberHex();

        /// <summary>True when the configuration zone is locked.</summary>
        bool IsConfigLocked();

        /// <summary>True when the data and OTP zones are locked.</summary>
        bool IsDataLocked();

        /// <summary>True when both zones are locked with the token's configuration: the chip is ready for a key.</summary>
        bool IsProvisioned();

        /// <summary>Writes the token's configuration and locks the chip, irreversibly; safe to repeat after an interruption.</summary>
        void Provision();

        /// <summary>The chip's monotonic counter that every signature advances.</summary>
        long ReadSignatureCounter();
    }
}
