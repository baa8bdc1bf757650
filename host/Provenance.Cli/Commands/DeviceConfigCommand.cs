using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov device config [--session-signatures N] [--session-minutes M] [--press-timeout S]`: how much one button press
/// allows. Without options it shows the settings; changing them needs a press (and the PIN when one is set).
/// </summary>
public sealed class DeviceConfigCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceConfigCommand()
        : base("config", "Show or set the signing session: how many signatures, or minutes, one button press allows.")
    {
        var device = DeviceSession.CreateDeviceOption();
        var json = DeviceCommand.JsonOption();
        var signatures = new Option<int?>("--session-signatures") { Description = "Signatures one press allows (0 = no limit by count; with --session-minutes 0 too, every signature needs a press)." };
        var minutes = new Option<int?>("--session-minutes") { Description = "Minutes a press keeps the session open (0 = no limit by time)." };
        var timeout = new Option<int?>("--press-timeout") { Description = "Seconds the token waits for its button." };
        signatures.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0 or > 10000) r.AddError("--session-signatures must be 0..10000"); });
        minutes.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0 or > 1440) r.AddError("--session-minutes must be 0..1440"); });
        timeout.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 300) r.AddError("--press-timeout must be 1..300"); });
        Add(device);
        Add(signatures);
        Add(minutes);
        Add(timeout);
        Add(json);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), parse.InvocationConfiguration.Error, cancellationToken);
            TokenConfig current = await session.Token.ConfigAsync(null, null, cancellationToken);
            int? newSignatures = parse.GetValue(signatures), newMinutes = parse.GetValue(minutes), newTimeout = parse.GetValue(timeout);
            if (newSignatures is not null || newMinutes is not null || newTimeout is not null)
            {
                await session.EnsurePinVerifiedAsync(await session.Token.GetStatusAsync(cancellationToken), cancellationToken);
                current = await session.Token.ConfigAsync(
                    new TokenConfig(newSignatures ?? current.SessionSignatures, newMinutes ?? current.SessionMinutes, newTimeout ?? current.PressTimeoutSeconds),
                    session.Presence, cancellationToken);
            }
            if (parse.GetValue(json))
            {
                var node = new JsonObject
                {
                    ["version"] = 1,
                    ["sessionSignatures"] = current.SessionSignatures,
                    ["sessionMinutes"] = current.SessionMinutes,
                    ["pressTimeoutSeconds"] = current.PressTimeoutSeconds,
                };
                await output.WriteLineAsync(node.ToJsonString(DeviceCommand.Indented));
                return ExitCodes.Success;
            }
            string allowance = current.SessionSignatures == 0 && current.SessionMinutes == 0
                ? "every signature needs a button press"
                : "one press allows " + (current.SessionSignatures == 0 ? "any number of signatures" : current.SessionSignatures + " signature(s)")
                    + (current.SessionMinutes == 0 ? "" : " within " + current.SessionMinutes + " minute(s)");
            await output.WriteLineAsync("session        " + allowance);
            await output.WriteLineAsync("press timeout  " + current.PressTimeoutSeconds + " s");
            return ExitCodes.Success;
        });
    }
}
