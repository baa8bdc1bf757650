namespace ProvenanceDevice.Token.Hal
{
    /// <summary>
    /// A key slot that draws its new key from entropy the token hands it (the software key), so GENERATE_KEY can mix
    /// the host's bytes into it. A secure element's key comes from the chip's own random number generator instead.
    /// </summary>
    public interface IEntropyKey
    {
        /// <summary>Generates a new P-256 key pair from <paramref name="entropy"/>, replacing any existing one.</summary>
        void Generate(IEntropy entropy);
    }
}
