using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>
    /// What the status LED does in each <see cref="LedState"/>: a repeating list of on/off durations in
    /// milliseconds, starting with "on". Plain logic so it can be tested off the board.
    /// </summary>
    public static class LedPattern
    {
        /// <summary>The on/off durations for a state; an empty array means steady off, a single entry steady on.</summary>
        public static int[] For(int state)
        {
            switch (state)
            {
                case LedState.Idle: return new int[] { 50, 2950 };          // short heartbeat: powered, waiting
                case LedState.WaitingForPress: return new int[] { 150, 150 }; // fast blink: press the button
                case LedState.Signing: return new int[] { 1000 };            // steady on while the key is used
                case LedState.Error: return new int[] { 100, 100, 100, 100, 100, 700 };
                case LedState.Locked: return new int[] { 1000, 1000 };       // slow blink: PIN locked out
                case LedState.SessionOpen: return new int[] { 50, 150, 50, 1750 }; // double heartbeat: a signing session is open
                default: return new int[0];
            }
        }

        /// <summary>Whether the LED is lit <paramref name="elapsedMs"/> into the pattern.</summary>
        public static bool IsOn(int[] pattern, long elapsedMs)
        {
            if (pattern.Length == 0) return false;
            if (pattern.Length == 1) return true;
            int period = 0;
            for (int i = 0; i < pattern.Length; i++) period += pattern[i];
            long t = elapsedMs % period;
            for (int i = 0; i < pattern.Length; i++)
            {
                if (t < pattern[i]) return i % 2 == 0;
                t -= pattern[i];
            }
            return false;
        }
    }
}
