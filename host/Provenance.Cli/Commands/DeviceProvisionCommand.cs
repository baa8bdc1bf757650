using System;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov device provision [--device DEV] [--yes] [--json]`: configures and locks the token's secure element for good
/// (after a confirmation and a button press), so that <c>prov device init</c> can make the key inside the chip.
/// </summary>
public sealed class DeviceProvisionCommand : Command
{
    private const string Explanation =
        "provisioning writes this token's configuration into its secure element and locks the chip; locking cannot be "
        + "undone, and a chip locked with other settings can never be used by this firmware";

    /// <summary>Builds the verb.</summary>
    public DeviceProvisionCommand()
        : base("provision", "Configure and lock the token's secure element, irreversibly (asks to confirm; needs a button press). Run once, before 'prov device init'.")
    {
        var json = DeviceCommand.JsonOption();
        var device = DeviceSession.CreateDeviceOption();
        var yes = new Option<bool>("--yes") { Description = "Confirm without asking: the chip is locked for good." };
        Add(device);
        Add(yes);
        Add(json);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            bool confirmed = parse.GetValue(yes);
            if (!confirmed && Console.IsInputRedirected)
            {
                await error.WriteLineAsync("prov: " + Explanation + "; stdin is not a terminal, so run again with --yes to do it");
                return ExitCodes.Usage;
            }
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), error, cancellationToken);
            TokenClient token = session.Token;
            TokenStatus status = await token.GetStatusAsync(cancellationToken);
            if (!status.SecureElementPresent)
            {
                await error.WriteLineAsync("prov: token " + status.Serial + " has no secure element; its key is a software key and needs no provisioning (next: prov device init)");
                return ExitCodes.Failed;
            }
            if (status.SecureElementProvisioned)
            {
                await error.WriteLineAsync("prov: the secure element of token " + status.Serial + " is already provisioned" + (status.HasKey ? "" : "; next: prov device init"));
                return ExitCodes.Failed;
            }
            if (!confirmed && !await ConfirmAsync(error, status.Serial))
            {
                await error.WriteLineAsync("prov: nothing done");
                return ExitCodes.Failed;
            }
            await session.EnsurePinVerifiedAsync(status, cancellationToken);
            ProvisionResult result = await token.ProvisionAsync(session.Presence, cancellationToken);
            if (parse.GetValue(json))
            {
                var o = new JsonObject
                {
                    ["version"] = DeviceCommand.JsonVersion,
                    ["endpoint"] = token.Endpoint,
                    ["serial"] = status.Serial,
                    ["secureElementSerial"] = result.Serial,
                    ["configLocked"] = result.ConfigLocked,
                    ["dataLocked"] = result.DataLocked,
                };
                await output.WriteLineAsync(o.ToJsonString(DeviceCommand.Indented));
            }
            else
            {
                string chip = result.Serial == status.Serial ? "" : " (chip serial " + result.Serial + ")";
                await output.WriteLineAsync("secure element of token " + status.Serial + chip + " provisioned: config zone "
                    + LockWord(result.ConfigLocked) + ", data zone " + LockWord(result.DataLocked));
                await output.WriteLineAsync("next: prov device init (the key is made inside the chip)");
            }
            return result.ConfigLocked && result.DataLocked ? ExitCodes.Success : ExitCodes.DeviceError;
        });
    }

    private static string LockWord(bool locked) => locked ? "locked" : "NOT locked";

    /// <summary>Explains the consequence on the terminal and asks for "yes".</summary>
    private static async Task<bool> ConfirmAsync(TextWriter error, string serial)
    {
        await error.WriteLineAsync(Explanation + ".");
        await error.WriteAsync("Lock the secure element of token " + serial + " now? Type 'yes' to continue: ");
        string? answer = Console.In.ReadLine();
        return string.Equals(answer?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
    }
}
