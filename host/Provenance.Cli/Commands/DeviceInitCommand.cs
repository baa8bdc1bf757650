using System;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device init [--force] [--device DEV] [--json]`: the token generates its signing key inside itself.</summary>
public sealed class DeviceInitCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceInitCommand()
        : base("init", "Generate the token's signing key inside the token (needs a button press).")
    {
        var json = DeviceCommand.JsonOption();
        var device = DeviceSession.CreateDeviceOption();
        var force = new Option<bool>("--force") { Description = "Wipe a token that already has a key (its key, PIN and log are destroyed) and make a new key." };
        Add(device);
        Add(force);
        Add(json);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), error, cancellationToken);
            TokenClient token = session.Token;
            TokenStatus status = await token.GetStatusAsync(cancellationToken);
            if (status.HasKey)
            {
                if (!parse.GetValue(force))
                {
                    await error.WriteLineAsync("prov: token " + status.Serial + " already has a signing key; 'prov device init --force' destroys it "
                        + "(with its PIN and log) and makes a new one, and certificates for the old key stop working");
                    return ExitCodes.Failed;
                }
                await error.WriteLineAsync("wiping token " + status.Serial + " before making a new key");
                await token.ResetAsync(session.Presence, cancellationToken);
                status = await token.GetStatusAsync(cancellationToken);
            }
            if (status.SecureElementPresent && !status.SecureElementProvisioned)
            {
                await error.WriteLineAsync("prov: the secure element of token " + status.Serial + " is not provisioned yet; run 'prov device provision' first");
                return ExitCodes.Failed;
            }
            await session.EnsurePinVerifiedAsync(status, cancellationToken);
            byte[] publicKey = await token.GenerateKeyAsync(session.Presence, cancellationToken);
            status = await token.GetStatusAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                JsonObject result = DeviceCommand.StatusJson(token.Endpoint, status, withVersion: true);
                result["publicKey"] = Convert.ToHexStringLower(publicKey);
                await output.WriteLineAsync(result.ToJsonString(DeviceCommand.Indented));
            }
            else
            {
                await output.WriteLineAsync("token " + status.Serial + " generated a P-256 key: " + DeviceCommand.ProtectionWords(status.KeyProtection));
                await output.WriteLineAsync("public key " + Convert.ToHexStringLower(publicKey));
                await output.WriteLineAsync("next: prov identity enroll");
            }
            return ExitCodes.Success;
        });
    }
}
