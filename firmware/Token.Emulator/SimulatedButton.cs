using System.Threading;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>
/// The emulator's user-presence button: pressed by <see cref="Press"/> (the emulator calls it when Enter is typed on
/// its console), or pressed automatically for unattended runs and tests.
/// </summary>
public sealed class SimulatedButton : IButton
{
    private readonly SemaphoreSlim _presses = new(0, 1);

    /// <summary>Creates a button; with <paramref name="autoPress"/> every wait succeeds at once.</summary>
    public SimulatedButton(bool autoPress)
    {
        AutoPress = autoPress;
    }

    /// <summary>True when every wait for a press succeeds immediately.</summary>
    public bool AutoPress { get; }

    /// <summary>Number of waits that ended with a press (for the emulator's log and tests).</summary>
    public int PressCount => _pressCount;

    private int _pressCount;

    /// <summary>Presses the button. A press counts for the current or the next wait; repeated presses do not queue up.</summary>
    public void Press()
    {
        try
        {
            _presses.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already pressed and not yet consumed: a second press before the token looks is the same press.
        }
    }

    /// <inheritdoc/>
    public bool WaitForPress(int timeoutMs)
    {
        bool pressed = AutoPress || _presses.Wait(timeoutMs);
        if (pressed) Interlocked.Increment(ref _pressCount);
        return pressed;
    }
}
