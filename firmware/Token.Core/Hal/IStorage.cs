namespace ProvenanceDevice.Token.Hal
{
    /// <summary>
    /// Non-volatile storage of named records (internal flash on the ESP32, a folder in the emulator).
    /// A write may be torn by a power cut; the counter and log code above it must stay consistent anyway.
    /// </summary>
    public interface IStorage
    {
        /// <summary>Returns the record's bytes, or null when it does not exist.</summary>
        byte[] Read(string name);

        /// <summary>Replaces the record. Not atomic: a power cut may leave it partly written.</summary>
        void Write(string name, byte[] data);

        /// <summary>Removes the record if it exists.</summary>
        void Delete(string name);
    }
}
