using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device list|info|provision|init|log|pin|reset`: find, set up and inspect the signing token.</summary>
public sealed class DeviceCommand : Command
{
    /// <summary>Version of the JSON documents the device verbs print.</summary>
    public const int JsonVersion = 1;

    /// <summary>Builds the verb and its subcommands.</summary>
    public DeviceCommand()
        : base("device", "Find, set up and inspect the signing token.")
    {
        Add(new DeviceListCommand());
        Add(new DeviceInfoCommand());
        Add(new DeviceProvisionCommand());
        Add(new DeviceInitCommand());
        Add(new DeviceLogCommand());
        Add(new DevicePinCommand());
        Add(new DeviceResetCommand());
        Add(new DeviceConfigCommand());
        Add(new DeviceAttestCommand());
        Add(new DeviceFlashCommand());
    }

    internal static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print JSON." };

    /// <summary>The INFO fields as JSON in a fixed order, <c>version</c> first when it is a whole document.</summary>
    internal static JsonObject StatusJson(string endpoint, TokenStatus s, bool withVersion)
    {
        var o = new JsonObject();
        if (withVersion) o["version"] = JsonVersion;
        o["endpoint"] = endpoint;
        o["serial"] = s.Serial;
        o["board"] = s.Board;
        o["firmwareVersion"] = s.FirmwareVersion;
        o["protocolVersion"] = s.ProtocolVersion;
        o["hasKey"] = s.HasKey;
        o["keyProtection"] = s.KeyProtection;
        o["secureElementPresent"] = s.SecureElementPresent;
        o["secureElementProvisioned"] = s.SecureElementProvisioned;
        o["counter"] = s.Counter;
        o["logFirstIndex"] = s.LogFirstIndex;
        o["logCount"] = s.LogCount;
        o["pinSet"] = s.PinSet;
        o["pinVerified"] = s.PinVerified;
        o["pinTriesLeft"] = s.PinTriesLeft;
        o["locked"] = s.Locked;
        o["sessionOpen"] = s.SessionOpen;
        return o;
    }

    internal static string ProtectionWords(string protection) => protection switch
    {
        KeyProtectionNames.SecureElement => "in the secure element, never readable",
        KeyProtectionNames.Software => "software key, not hardware-protected (development mode)",
        _ => "protection unknown",
    };

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
