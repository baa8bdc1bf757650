namespace ProvenanceDevice.Token.Hal
{
    /// <summary>The token's status light.</summary>
    public interface IStatusLed
    {
        void Show(int state);
    }

    /// <summary>LED states (ints, not an enum, so the nanoFramework shell can switch on them cheaply).</summary>
    public static class LedState
    {
        public const int Idle = 0;
        public const int WaitingForPress = 1;
        public const int Signing = 2;
        public const int Error = 3;
        public const int Locked = 4;
        /// <summary>Idle, and a signing session is open: the next SIGNs of this host need no press (BATCH, or CONFIG sessions).</summary>
        public const int SessionOpen = 5;
    }
}
