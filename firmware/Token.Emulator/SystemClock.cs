using System;
using System.Diagnostics;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>The host's clock (the emulator, unlike the ESP32, knows the time).</summary>
public sealed class SystemClock : IClock
{
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    /// <inheritdoc/>
    public long UnixSeconds() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <inheritdoc/>
    public long UptimeMs() => _sinceStart.ElapsedMilliseconds;
}
