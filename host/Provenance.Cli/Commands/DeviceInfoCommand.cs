using System;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device info [--device DEV] [--json]`: the token's INFO and public key.</summary>
public sealed class DeviceInfoCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceInfoCommand()
        : base("info", "Show the token's serial, firmware, key, counter and PIN state.")
    {
        var json = DeviceCommand.JsonOption();
        var device = DeviceSession.CreateDeviceOption();
        Add(device);
        Add(json);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), parse.InvocationConfiguration.Error, cancellationToken);
            TokenStatus status = await session.Token.GetStatusAsync(cancellationToken);
            byte[]? publicKey = status.HasKey && !status.Locked ? await session.Token.GetPublicKeyAsync(cancellationToken) : null;
            // The embedded token's key is a file on this computer: say what protects it there (issue 18).
            (string Code, string Words)? atRest = session.Token.IsEmbedded ? EmbeddedToken.KeyAtRest() : null;
            if (parse.GetValue(json))
            {
                JsonObject info = DeviceCommand.StatusJson(session.Token.Endpoint, status, withVersion: true);
                info["publicKey"] = publicKey is null ? null : Convert.ToHexStringLower(publicKey);
                if (atRest is not null) info["keyAtRest"] = atRest.Value.Code;
                await output.WriteLineAsync(info.ToJsonString(DeviceCommand.Indented));
                return ExitCodes.Success;
            }
            await output.WriteLineAsync("token       " + session.Token.Endpoint);
            await output.WriteLineAsync("serial      " + status.Serial);
            await output.WriteLineAsync("board       " + status.Board);
            await output.WriteLineAsync("firmware    " + status.FirmwareVersion + " (protocol " + DeviceCommand.Number(status.ProtocolVersion) + ")");
            if (status.SecureElementPresent)
            {
                await output.WriteLineAsync("chip        secure element, " + (status.SecureElementProvisioned ? "provisioned (locked)" : "not provisioned yet (run: prov device provision)"));
            }
            bool needsProvisioning = status.SecureElementPresent && !status.SecureElementProvisioned;
            await output.WriteLineAsync("key         " + (status.HasKey
                ? "P-256, " + DeviceCommand.ProtectionWords(status.KeyProtection)
                : needsProvisioning ? "none (run: prov device provision, then prov device init)" : "none (run: prov device init)"));
            if (atRest is not null) await output.WriteLineAsync("key file    " + atRest.Value.Words);
            if (publicKey is not null) await output.WriteLineAsync("public key  " + Convert.ToHexStringLower(publicKey));
            await output.WriteLineAsync("counter     " + DeviceCommand.Number(status.Counter));
            await output.WriteLineAsync("log         " + DeviceCommand.Number(status.LogCount) + " entries");
            await output.WriteLineAsync("PIN         " + (status.Locked
                ? "LOCKED after too many wrong PINs (only 'prov device reset' helps)"
                : status.PinSet ? "set, " + DeviceCommand.Number(status.PinTriesLeft) + " tries left" : "not set"));
            if (status.SessionOpen) await output.WriteLineAsync("session     open (signatures need no press for now)");
            return ExitCodes.Success;
        });
    }
}
