namespace ProvenanceDevice.Token.Hal
{
    /// <summary>The token's user-presence button.</summary>
    public interface IButton
    {
        /// <summary>Waits up to <paramref name="timeoutMs"/> for a press; true when pressed.</summary>
        bool WaitForPress(int timeoutMs);
    }
}
