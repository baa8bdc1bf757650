namespace ProvenanceDevice.Token.Hal
{
    /// <summary>Random bytes: the ATECC608B's RNG when present, the ESP32's hardware RNG, or the OS in the emulator.</summary>
    public interface IEntropy
    {
        void Fill(byte[] buffer);
    }
}
