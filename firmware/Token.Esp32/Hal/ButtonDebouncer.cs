namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>
    /// Debounce logic for a push button, fed with raw samples and their times. A press is reported once
    /// the contact has read "pressed" for <see cref="StableMs"/> without a bounce, and only after the
    /// button was seen released, so a button held down before the prompt does not count as consent.
    /// Plain logic so it can be tested off the board.
    /// </summary>
    public sealed class ButtonDebouncer
    {
        public const int StableMs = 30;

        private bool _seenReleased;
        private bool _lastRaw;
        private long _lastChangeMs;
        private bool _reported;

        /// <summary>Starts watching for a new press.</summary>
        public void Reset()
        {
            _seenReleased = false;
            _reported = false;
            _lastChangeMs = -1;
        }

        /// <summary>Feeds one sample; true exactly once per accepted press.</summary>
        public bool Sample(bool pressed, long nowMs)
        {
            if (_lastChangeMs < 0 || pressed != _lastRaw)
            {
                _lastRaw = pressed;
                _lastChangeMs = nowMs;
                return false;
            }
            bool stable = nowMs - _lastChangeMs >= StableMs;
            if (!stable) return false;
            if (!pressed)
            {
                _seenReleased = true;
                _reported = false;
                return false;
            }
            if (_seenReleased && !_reported)
            {
                _reported = true;
                return true;
            }
            return false;
        }
    }
}
