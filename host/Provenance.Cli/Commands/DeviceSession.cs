using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>
/// The token a command talks to, opened from its <c>--device</c> option, with the user-presence prompt and the
/// one-line notice (printed once, on stderr) when the key is not hardware-protected.
/// </summary>
public sealed class DeviceSession : IAsyncDisposable
{
    private DeviceSession(TokenClient token, IPresencePrompt? presence)
    {
        Token = token;
        Presence = presence;
    }

    /// <summary>The connected token.</summary>
    public TokenClient Token { get; }

    /// <summary>Tells the person to press the token's button (null for the embedded token, which presses its own).</summary>
    public IPresencePrompt? Presence { get; }

    /// <summary>The <c>--device</c> option every device-using verb shares; tcp addresses are checked by the parser.</summary>
    public static Option<string?> CreateDeviceOption()
    {
        var option = new Option<string?>("--device", "-d")
        {
            Description = "Token to use: a serial port (/dev/ttyUSB0, COM3, the emulator's /dev/pts/N), tcp://127.0.0.1:PORT "
                + "(the emulator) or 'embedded'. Default: $" + TokenLocator.DeviceVariable + ", else the first serial port with a token, "
                + "else the embedded software token.",
        };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is null) return;
            if (string.IsNullOrWhiteSpace(value))
            {
                result.AddError("--device needs a serial port, tcp://host:port or 'embedded'");
            }
            else if (TcpTransport.IsTcpAddress(value))
            {
                try
                {
                    TcpTransport.Parse(value);
                }
                catch (FormatException e)
                {
                    result.AddError("--device " + e.Message);
                }
            }
        });
        return option;
    }

    /// <summary>
    /// Waits for the token while another command uses it (saying so once on stderr: "waiting for the token, in use
    /// by PID N (prov watch)"), connects (asking INFO once) and prints the software-token notice when it applies.
    /// The token stays this command's until the session is disposed.
    /// </summary>
    public static async Task<DeviceSession> OpenAsync(string? device, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        TokenClient token = await TokenLocator.OpenAsync(device, null, Exclusive(error), cancellationToken).ConfigureAwait(false);
        if (token.SoftwareTokenNotice is { } notice) await error.WriteLineAsync("note: " + notice).ConfigureAwait(false);
        return new DeviceSession(token, token.IsEmbedded ? null : new ConsolePresencePrompt(error));
    }

    /// <summary>When a PIN is set and not yet verified on this connection, asks for it and verifies it.</summary>
    public async Task EnsurePinVerifiedAsync(TokenStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.PinSet || status.PinVerified) return;
        string pin = PinInput.Read("PIN of token " + status.Serial + ": ");
        await Token.VerifyPinAsync(pin, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Token.DisposeAsync();

    /// <summary>This command's claim on a token: it waits its turn and says once on <paramref name="error"/> who it waits for.</summary>
    internal static ExclusiveUse Exclusive(TextWriter error) =>
        new(CommandName(Environment.GetCommandLineArgs()), holder => error.WriteLine("waiting for the token, " + holder.Describe()));

    /// <summary>"prov sign", "prov device info": the verb (and a group's sub-verb) from this process's command line.</summary>
    internal static string CommandName(string[] commandLine)
    {
        string[] groups = ["device", "identity", "trust", "consent"];
        var name = new StringBuilder("prov");
        for (int i = 1; i < commandLine.Length && i <= 2; i++)
        {
            string word = commandLine[i];
            if (word.Length == 0 || !word.All(char.IsAsciiLetterLower)) break;
            name.Append(' ').Append(word);
            if (i == 1 && !groups.Contains(word)) break;
        }
        return name.ToString();
    }
}

/// <summary>Prints "press the button on the token" on stderr while the token waits for its button.</summary>
public sealed class ConsolePresencePrompt(TextWriter output) : IPresencePrompt
{
    /// <inheritdoc/>
    public void WaitingForPress() => output.WriteLine("press the button on the token");

    /// <inheritdoc/>
    public void Done()
    {
    }
}

/// <summary>
/// Reads PINs: from a terminal without echo (prompt on stderr), or one per line from redirected stdin so scripts
/// can pipe them (never from the command line, where other users could see it in the process list).
/// </summary>
public static class PinInput
{
    /// <summary>Reads one PIN; throws <see cref="ArgumentException"/> when none is given.</summary>
    public static string Read(string prompt)
    {
        string? pin;
        if (Console.IsInputRedirected)
        {
            pin = Console.In.ReadLine();
        }
        else
        {
            Console.Error.Write(prompt);
            var typed = new StringBuilder();
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter) break;
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (typed.Length > 0) typed.Length--;
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }
            }
            Console.Error.WriteLine();
            pin = typed.ToString();
        }
        if (string.IsNullOrEmpty(pin)) throw new ArgumentException("no PIN given (type it, or pipe it on stdin)");
        return pin;
    }
}
