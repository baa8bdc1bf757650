using System;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device pin set|verify|change`: PINs are read from the terminal, or one per line from stdin.</summary>
public sealed class DevicePinCommand : Command
{
    /// <summary>Builds the verb and its subcommands.</summary>
    public DevicePinCommand()
        : base("pin", "Set, verify or change the token's PIN (typed without echo, or one per line on stdin).")
    {
        Add(Verb("set", "Set a PIN (4 to 32 characters) on a token that has none.", "PIN set", async (token, serial, ct) =>
        {
            string pin = PinInput.Read("new PIN for token " + serial + ": ");
            if (!Console.IsInputRedirected && PinInput.Read("repeat the new PIN: ") != pin) throw new ArgumentException("the two PINs differ; nothing was changed");
            return await token.SetPinAsync(pin, ct);
        }));
        Add(Verb("verify", "Check a PIN (a wrong one uses up a try; 8 wrong tries lock the token).", "PIN correct", (token, serial, ct) =>
            token.VerifyPinAsync(PinInput.Read("PIN of token " + serial + ": "), ct)));
        Add(Verb("change", "Replace the PIN.", "PIN changed", async (token, serial, ct) =>
        {
            string old = PinInput.Read("current PIN of token " + serial + ": ");
            string pin = PinInput.Read("new PIN: ");
            if (!Console.IsInputRedirected && PinInput.Read("repeat the new PIN: ") != pin) throw new ArgumentException("the two PINs differ; nothing was changed");
            return await token.ChangePinAsync(old, pin, ct);
        }));
    }

    private static Command Verb(string name, string description, string done, Func<TokenClient, string, CancellationToken, Task<PinStatus>> act)
    {
        var json = DeviceCommand.JsonOption();
        var device = DeviceSession.CreateDeviceOption();
        var command = new Command(name, description) { device, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), parse.InvocationConfiguration.Error, cancellationToken);
            TokenStatus status = await session.Token.GetStatusAsync(cancellationToken);
            PinStatus pin = await act(session.Token, status.Serial, cancellationToken);
            if (parse.GetValue(json))
            {
                var document = new JsonObject
                {
                    ["version"] = DeviceCommand.JsonVersion,
                    ["serial"] = status.Serial,
                    ["pinSet"] = pin.PinSet,
                    ["verified"] = pin.Verified,
                    ["triesLeft"] = pin.TriesLeft,
                    ["locked"] = pin.Locked,
                };
                await output.WriteLineAsync(document.ToJsonString(DeviceCommand.Indented));
            }
            else
            {
                await output.WriteLineAsync(done + " on token " + status.Serial);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
