using System;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>
    /// The ESP32 has no battery clock: UTC time is whatever the runtime holds (1970 after a cold boot
    /// unless something set it), so the token's time is a claim. Uptime comes from the tick counter.
    /// </summary>
    public sealed class EspClock : IClock
    {
        private static readonly DateTime Epoch = new DateTime(1970, 1, 1, 0, 0, 0);

        public long UnixSeconds()
        {
            return (DateTime.UtcNow.Ticks - Epoch.Ticks) / TimeSpan.TicksPerSecond;
        }

        public long UptimeMs()
        {
            return Environment.TickCount64;
        }
    }
}
