using System;
using System.Collections.Generic;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.Fakes;

/// <summary>A button the test presses (or not). Each wait consumes one queued answer, else <see cref="AutoPress"/>.</summary>
public sealed class TestButton : IButton
{
    private readonly Queue<bool> _answers = new();

    public bool AutoPress { get; set; }

    public int Waits { get; private set; }

    public int LastTimeoutMs { get; private set; }

    public void QueuePress(bool pressed) => _answers.Enqueue(pressed);

    public bool WaitForPress(int timeoutMs)
    {
        Waits++;
        LastTimeoutMs = timeoutMs;
        return _answers.Count > 0 ? _answers.Dequeue() : AutoPress;
    }
}

public sealed class TestLed : IStatusLed
{
    public List<int> History { get; } = new();

    public int Current => History.Count == 0 ? -1 : History[^1];

    public void Show(int state) => History.Add(state);
}

public sealed class TestClock : IClock
{
    public long Now { get; set; } = 1_790_000_000;

    public long Uptime { get; set; } = 5_000;

    public long UnixSeconds() => Now;

    public long UptimeMs() => Uptime;

    public void Advance(TimeSpan span)
    {
        Now += (long)span.TotalSeconds;
        Uptime += (long)span.TotalMilliseconds;
    }
}

public sealed class TestEntropy : IEntropy
{
    private readonly Random _random = new(99);

    public void Fill(byte[] buffer) => _random.NextBytes(buffer);
}

/// <summary>Collects what the token sends; frames sent after a power cut never reach the wire.</summary>
public sealed class RecordingSink : IFrameSink
{
    private readonly SimulatedFlash? _power;

    public RecordingSink(SimulatedFlash? power = null)
    {
        _power = power;
    }

    public List<byte[]> Sent { get; } = new();

    public void Send(byte[] wireBytes)
    {
        if (_power != null && _power.PoweredOff) return;
        Sent.Add((byte[])wireBytes.Clone());
    }
}
