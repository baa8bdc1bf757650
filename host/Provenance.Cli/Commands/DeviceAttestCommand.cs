using System;
using System.CommandLine;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>`prov device attest [--json]`: where the token's key lives, as the token itself states it (ATTEST).</summary>
public sealed class DeviceAttestCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceAttestCommand()
        : base("attest", "Show the token's attestation: key protection, serial, public key and any chip certificate chain, verified up to a chip maker's root.")
    {
        var device = DeviceSession.CreateDeviceOption();
        var json = DeviceCommand.JsonOption();
        var makerRoot = MakerRootOption();
        Add(device);
        Add(json);
        Add(makerRoot);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), parse.InvocationConfiguration.Error, cancellationToken);
            TokenAttestation attestation = await session.Token.AttestAsync(cancellationToken);
            List<X509Certificate2> roots;
            try
            {
                roots = MakerRoots.Load(parse.GetValue(makerRoot) ?? [], MakerRoots.DefaultFolder);
            }
            catch (InvalidDataException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("prov device attest: " + e.Message);
                return ExitCodes.Usage;
            }
            ChipAttestationResult verdict = ChipAttestationVerifier.Verify(attestation, roots, DateTimeOffset.UtcNow);
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
                    ["level"] = verdict.Level,
                    ["reason"] = verdict.Reason,
                    ["deviceCertificate"] = verdict.DeviceSubject,
                    ["makerRootFingerprint"] = verdict.RootFingerprint,
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
                : attestation.CertificateChain.Length + " bytes" + (verdict.DeviceSubject == null ? "" : ", device " + verdict.DeviceSubject)));
            await output.WriteLineAsync("level        " + verdict.Level);
            await output.WriteLineAsync("             " + verdict.Reason);
            return ExitCodes.Success;
        });
    }

    /// <summary>`--maker-root FILE` (repeatable): a chip maker's root certificate to verify attestations against.</summary>
    internal static Option<string[]> MakerRootOption() => new("--maker-root")
    {
        Description = "A chip maker's root certificate (PEM or DER) that attestations may chain to; repeatable. Also read: every .pem/.crt/.cer in PROV_HOME/maker-roots.",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = false,
    };
}
