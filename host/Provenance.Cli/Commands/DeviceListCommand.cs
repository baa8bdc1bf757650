using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device list [--json]`: asks INFO on every serial port where a token may be.</summary>
public sealed class DeviceListCommand : Command
{
    /// <summary>Where sysfs is (default /sys): tests point it at a fake tree.</summary>
    public const string SysfsRootVariable = "PROV_SYSFS_ROOT";

    /// <summary>Builds the verb.</summary>
    public DeviceListCommand()
        : base("list", "Ask every serial port where a token may be what answers (on Linux: the ports of USB-UART bridges, by their USB ids in sysfs; each confirmed by INFO).")
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
            // On Linux, sysfs names the USB ids behind each ttyUSB/ttyACM port: only USB-UART bridges a token uses are asked,
            // and each is confirmed by INFO (the ids are generic chips, never proof of a token).
            IReadOnlyList<UsbSerialPort> usb = UsbSerialPorts.Enumerate(Environment.GetEnvironmentVariable(SysfsRootVariable) ?? "/sys");
            var bridges = new Dictionary<string, UsbSerialPort>(StringComparer.Ordinal);
            var probed = new List<ProbedToken>();
            if (usb.Count > 0)
            {
                foreach (UsbSerialPort port in usb)
                {
                    if (!port.IsCandidate)
                    {
                        await error.WriteLineAsync("not asked " + port.Port + ": " + (port.UsbId is null ? "no USB ids in sysfs" : "USB id " + port.UsbId + " is not a USB-UART bridge a token uses"));
                        continue;
                    }
                    bridges[port.Port] = port;
                    probed.Add(await TokenLocator.ProbeAsync(port.Port, cancellationToken));
                }
            }
            else
            {
                probed.AddRange(await TokenLocator.ProbeSerialPortsAsync(false, cancellationToken));
            }
            if (parse.GetValue(device) is { } extra) probed.Add(await TokenLocator.ProbeAsync(extra, cancellationToken));
            List<ProbedToken> found = probed.FindAll(p => p.Status is not null);
            List<ProbedToken> silent = probed.FindAll(p => p.Status is null);
            if (parse.GetValue(json))
            {
                var tokens = new JsonArray();
                foreach (ProbedToken p in found)
                {
                    JsonObject t = DeviceCommand.StatusJson(p.Endpoint, p.Status!, withVersion: false);
                    t["usbId"] = bridges.TryGetValue(p.Endpoint, out UsbSerialPort? u) ? u.UsbId : null;
                    t["bridge"] = u?.Bridge;
                    tokens.Add((JsonNode)t);
                }
                var unanswered = new JsonArray();
                foreach (ProbedToken p in silent)
                {
                    bridges.TryGetValue(p.Endpoint, out UsbSerialPort? u);
                    unanswered.Add((JsonNode)new JsonObject { ["endpoint"] = p.Endpoint, ["error"] = p.Error, ["inUse"] = p.InUse, ["usbId"] = u?.UsbId, ["bridge"] = u?.Bridge });
                }
                var document = new JsonObject { ["version"] = DeviceCommand.JsonVersion, ["tokens"] = tokens, ["unanswered"] = unanswered };
                await output.WriteLineAsync(document.ToJsonString(DeviceCommand.Indented));
                return ExitCodes.Success;
            }
            foreach (ProbedToken p in found)
            {
                TokenStatus s = p.Status!;
                await output.WriteLineAsync(p.Endpoint + "  " + s.Board + "  serial " + s.Serial + "  firmware " + s.FirmwareVersion
                    + "  protocol " + DeviceCommand.Number(s.ProtocolVersion) + "  " + (s.HasKey ? "key present" : "no key")
                    + "  key protection " + s.KeyProtection
                    + (bridges.TryGetValue(p.Endpoint, out UsbSerialPort? u) ? "  via " + u.Bridge + " " + u.UsbId : ""));
            }
            // A port another command holds was not asked (that would cut into its exchange): say who holds it.
            foreach (ProbedToken p in silent)
            {
                string via = bridges.TryGetValue(p.Endpoint, out UsbSerialPort? u) ? " (" + u.Bridge + " " + u.UsbId + ")" : "";
                await error.WriteLineAsync((p.InUse ? "not asked " : "no token on ") + p.Endpoint + via + ": " + p.Error);
            }
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
