using System;
using System.CommandLine;
using System.IO;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device attest [--json]`: where the token's key lives, as the token itself states it (ATTEST).</summary>
public sealed class DeviceAttestCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceAttestCommand()
        : base("attest", "Show the token's attestation: key protection, serial, public key and any chip certificate chain.")
    {
        var device = DeviceSession.CreateDeviceOption();
        var json = DeviceCommand.JsonOption();
        Add(device);
        Add(json);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), parse.InvocationConfiguration.Error, cancellationToken);
            TokenAttestation attestation = await session.Token.AttestAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                var node = new JsonObject
                {
                    ["version"] = 1,
                    ["serial"] = attestation.Serial,
                    ["keyProtection"] = attestation.KeyProtection,
                    ["publicKey"] = Convert.ToHexStringLower(attestation.PublicKey),
                    ["description"] = attestation.Description,
                    ["certificateChain"] = Convert.ToBase64String(attestation.CertificateChain),
                };
                await output.WriteLineAsync(node.ToJsonString(DeviceCommand.Indented));
                return ExitCodes.Success;
            }
            await output.WriteLineAsync("serial       " + attestation.Serial);
            await output.WriteLineAsync("key          " + DeviceCommand.ProtectionWords(attestation.KeyProtection));
            await output.WriteLineAsync("public key   " + Convert.ToHexStringLower(attestation.PublicKey));
            await output.WriteLineAsync("statement    " + attestation.Description);
            await output.WriteLineAsync("chain        " + (attestation.CertificateChain.Length == 0
                ? "none (no manufacturer certificate chain on this token)"
                : attestation.CertificateChain.Length + " bytes"));
            return ExitCodes.Success;
        });
    }
}
