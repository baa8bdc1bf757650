using System.CommandLine;
using System.IO;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device reset --yes [--device DEV]`: wipes key, PIN, log and settings (the counter is kept).</summary>
public sealed class DeviceResetCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceResetCommand()
        : base("reset", "Wipe the token (needs --yes and a button press); afterwards run 'prov device init'.")
    {
        var device = DeviceSession.CreateDeviceOption();
        var yes = new Option<bool>("--yes") { Description = "Really wipe: the key, PIN, log and settings are destroyed (the counter is kept)." };
        Add(device);
        Add(yes);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            if (!parse.GetValue(yes))
            {
                await error.WriteLineAsync("prov: reset destroys the token's key for good (and its PIN and log); run again with --yes to do it");
                return ExitCodes.Usage;
            }
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), error, cancellationToken);
            TokenStatus status = await session.Token.GetStatusAsync(cancellationToken);
            await session.Token.ResetAsync(session.Presence, cancellationToken);
            await output.WriteLineAsync("token " + status.Serial + " wiped; its counter stays at " + DeviceCommand.Number(status.Counter) + "; next: prov device init");
            return ExitCodes.Success;
        });
    }
}
