namespace ProvenanceDevice.Token.Hal
{
    /// <summary>The token's outgoing byte stream (UART, pseudo-terminal, TCP, or a test's buffer).</summary>
    public interface IFrameSink
    {
        /// <summary>Sends one encoded frame (COBS bytes plus the 0x00 delimiter).</summary>
        void Send(byte[] wireBytes);
    }
}
