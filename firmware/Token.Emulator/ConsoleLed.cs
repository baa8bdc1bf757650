using System;
using System.IO;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>
/// The emulator's status light, shown as text. The "waiting for press" state is always printed when a person has to
/// press Enter; other state changes only when verbose.
/// </summary>
public sealed class ConsoleLed : IStatusLed
{
    private readonly TextWriter _output;
    private readonly bool _verbose;
    private readonly bool _announcePressPrompt;
    private int _state = -1;

    /// <summary>Writes to <paramref name="output"/> (stderr in the emulator).</summary>
    /// <param name="output">Where state changes are written.</param>
    /// <param name="verbose">Print every state change.</param>
    /// <param name="announcePressPrompt">Print a prompt when the token waits for its button (when a person presses it).</param>
    public ConsoleLed(TextWriter output, bool verbose, bool announcePressPrompt)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _verbose = verbose;
        _announcePressPrompt = announcePressPrompt;
    }

    /// <summary>The last state shown.</summary>
    public int State => _state;

    /// <inheritdoc/>
    public void Show(int state)
    {
        if (state == _state) return;
        _state = state;
        if (state == LedState.WaitingForPress && _announcePressPrompt)
        {
            _output.WriteLine("led: waiting for the button: press Enter to press it");
        }
        else if (_verbose)
        {
            _output.WriteLine("led: " + NameOf(state));
        }
    }

    /// <summary>The state's name as the board's LED pattern means it.</summary>
    public static string NameOf(int state) => state switch
    {
        LedState.Idle => "idle",
        LedState.WaitingForPress => "waiting for press",
        LedState.Signing => "signing",
        LedState.Error => "error",
        LedState.Locked => "locked",
        LedState.SessionOpen => "signing session open (the next signatures need no press)",
        _ => "state " + state,
    };
}
