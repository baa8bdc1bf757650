namespace ProvenanceDevice.Token.Hal
{
    /// <summary>One I2C device address on the bus (the ATECC608B at 0x60 by default).</summary>
    public interface II2cBus
    {
        /// <summary>Writes bytes; false when the device did not acknowledge.</summary>
        bool Write(byte[] data);

        /// <summary>Reads exactly buffer.Length bytes; false when the device did not acknowledge.</summary>
        bool Read(byte[] buffer);

        /// <summary>Holds SDA low for the wake pulse (t_WLO) then waits t_WHI.</summary>
        void Wake();

        void DelayMs(int ms);
    }
}
