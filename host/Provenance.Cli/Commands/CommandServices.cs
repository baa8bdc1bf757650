using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>Opens the token named by --device (null: the default one).</summary>
public delegate Task<IToken> TokenResolver(string? device, CancellationToken cancellationToken);

/// <summary>What the identity and trust commands need from outside: passwords and tokens. Tests pass fakes.</summary>
public sealed class CommandServices
{
    /// <summary>The services a real `prov` process uses.</summary>
    public static CommandServices Default { get; } = new();

    /// <summary>Where passwords come from (default: PROV_PASSWORD, else a prompt without echo).</summary>
    public IPasswordSource Passwords { get; init; } = new ConsolePasswordSource();

    /// <summary>PBKDF2 iterations for a new identity key; tests lower it to stay fast.</summary>
    public int KeyDerivationIterations { get; init; } = Identity.ArtistIdentity.KeyDerivationIterations;

    /// <summary>How `prov identity enroll` reaches a token. The device client (TokenLocator) plugs in here.</summary>
    public TokenResolver ResolveToken { get; init; } = async (device, cancellationToken) =>
        await TokenLocator.OpenAsync(device, null, DeviceSession.Exclusive(Console.Error), cancellationToken).ConfigureAwait(false);
}

/// <summary>A password could not be obtained (no terminal and no PROV_PASSWORD, or the two entries differ).</summary>
public sealed class PasswordUnavailableException : Exception
{
    public PasswordUnavailableException(string message) : base(message) { }
}

/// <summary>Supplies the identity password.</summary>
public interface IPasswordSource
{
    /// <summary>Returns the password; with <paramref name="confirm"/> it is asked twice and must match. <paramref name="prompt"/> is shown to a person.</summary>
    string GetPassword(string prompt, bool confirm);
}

/// <summary>PROV_PASSWORD when set (for scripts), else a prompt on the terminal without echo.</summary>
public sealed class ConsolePasswordSource : IPasswordSource
{
    /// <summary>The environment variable scripts use to pass the password.</summary>
    public const string PasswordVariable = "PROV_PASSWORD";

    /// <inheritdoc/>
    public string GetPassword(string prompt, bool confirm)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(PasswordVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (Console.IsInputRedirected)
        {
            throw new PasswordUnavailableException("No terminal to ask for the password; set " + PasswordVariable + ".");
        }

        string first = ReadHidden(prompt + ": ");
        if (confirm && ReadHidden("Repeat the password: ") != first)
        {
            throw new PasswordUnavailableException("The two passwords differ; nothing was changed.");
        }

        return first;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}

/// <summary>Tells the person at the terminal to press the token's button.</summary>
internal sealed class TerminalPresencePrompt(TextWriter output) : IPresencePrompt
{
    public void WaitingForPress() => output.WriteLine("Press the button on the token now (its LED is blinking)...");

    public void Done()
    {
    }
}
