using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device list [--json]`: asks INFO on every serial port where a token may be.</summary>
public sealed class DeviceListCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceListCommand()
        : base("list", "Ask every serial port where a token may be (/dev/ttyUSB*, /dev/ttyACM*) what answers.")
    {
        var json = DeviceCommand.JsonOption();
        var device = DeviceSession.CreateDeviceOption();
        device.Description = "Also ask this endpoint (e.g. the emulator's /dev/pts/N or tcp:// address).";
        Add(json);
        Add(device);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            var probed = new List<ProbedToken>(await TokenLocator.ProbeSerialPortsAsync(false, cancellationToken));
            if (parse.GetValue(device) is { } extra) probed.Add(await TokenLocator.ProbeAsync(extra, cancellationToken));
            List<ProbedToken> found = probed.FindAll(p => p.Status is not null);
            List<ProbedToken> silent = probed.FindAll(p => p.Status is null);
            if (parse.GetValue(json))
            {
                var tokens = new JsonArray();
                foreach (ProbedToken p in found) tokens.Add((JsonNode)DeviceCommand.StatusJson(p.Endpoint, p.Status!, withVersion: false));
                var unanswered = new JsonArray();
                foreach (ProbedToken p in silent) unanswered.Add((JsonNode)new JsonObject { ["endpoint"] = p.Endpoint, ["error"] = p.Error, ["inUse"] = p.InUse });
                var document = new JsonObject { ["version"] = DeviceCommand.JsonVersion, ["tokens"] = tokens, ["unanswered"] = unanswered };
                await output.WriteLineAsync(document.ToJsonString(DeviceCommand.Indented));
                return ExitCodes.Success;
            }
            foreach (ProbedToken p in found)
            {
                TokenStatus s = p.Status!;
                await output.WriteLineAsync(p.Endpoint + "  " + s.Board + "  serial " + s.Serial + "  firmware " + s.FirmwareVersion
                    + "  protocol " + DeviceCommand.Number(s.ProtocolVersion) + "  " + (s.HasKey ? "key present" : "no key")
                    + "  key protection " + s.KeyProtection);
            }
            // A port another command holds was not asked (that would cut into its exchange): say who holds it.
            foreach (ProbedToken p in silent) await error.WriteLineAsync((p.InUse ? "not asked " : "no token on ") + p.Endpoint + ": " + p.Error);
            ProbedToken? busy = silent.Find(p => p.InUse);
            if (found.Count == 0 && busy is not null)
            {
                await output.WriteLineAsync("commands will wait for the token on " + busy.Endpoint);
            }
            else if (found.Count == 0)
            {
                await output.WriteLineAsync((probed.Count == 0 ? "no serial ports found" : "no token answered")
                    + "; commands will use the embedded software token (development mode)");
            }
            return ExitCodes.Success;
        });
    }
}
