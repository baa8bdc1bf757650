namespace ProvenanceDevice.Token.Hal
{
    /// <summary>Time source. The ESP32 has no battery clock, so device time is a claim, not proof.</summary>
    public interface IClock
    {
        /// <summary>Seconds since 1970-01-01T00:00:00Z as the token believes it.</summary>
        long UnixSeconds();

        /// <summary>Milliseconds since boot, monotonic.</summary>
        long UptimeMs();
    }
}
