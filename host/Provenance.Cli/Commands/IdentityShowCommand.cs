using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov identity show [--json]`: the identity's public facts and its enrolled tokens.</summary>
public sealed class IdentityShowCommand : Command
{
    public IdentityShowCommand(Option<DirectoryInfo> folder)
        : base("show", "Show your identity: name, root fingerprint, enrolled and revoked tokens.")
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(json);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            ArtistIdentity identity = ArtistIdentity.Load(parseResult.GetRequiredValue(folder).FullName);
            HashSet<string> revoked = identity.RevokedCertificates().Select(r => r.CertificateSerial).ToHashSet(StringComparer.Ordinal);
            IReadOnlyList<EnrolledToken> tokens = identity.EnrolledTokens();

            if (parseResult.GetValue(json))
            {
                // JsonNode rather than serialising an anonymous type: no reflection, so it works in the native AOT build.
                var tokenArray = new JsonArray();
                foreach (EnrolledToken t in tokens)
                {
                    tokenArray.Add((JsonNode)new JsonObject
                    {
                        ["serial"] = t.TokenSerial,
                        ["certificateSerial"] = t.CertificateSerial,
                        ["keyProtection"] = t.KeyProtection,
                        ["board"] = t.Board,
                        ["enrolledAt"] = JsonOutput.Time(t.EnrolledAt),
                        ["notAfter"] = JsonOutput.Time(t.NotAfter),
                        ["revoked"] = revoked.Contains(t.CertificateSerial),
                    });
                }
                var model = new JsonObject
                {
                    ["version"] = 1,
                    ["name"] = identity.Name,
                    ["email"] = identity.Email,
                    ["url"] = identity.Url,
                    ["fingerprint"] = identity.Fingerprint,
                    ["notBefore"] = JsonOutput.Time(identity.RootCertificate.NotBefore),
                    ["notAfter"] = JsonOutput.Time(identity.RootCertificate.NotAfter),
                    ["development"] = identity.IsDevelopment,
                    ["directory"] = identity.Directory,
                    ["tokens"] = tokenArray,
                };
                output.WriteLine(model.ToJsonString(JsonOutput.Options));
                return Task.FromResult(ExitCodes.Success);
            }

            output.WriteLine("Artist:       " + identity.Name + (identity.IsDevelopment ? "  (development identity, NOT an artist; key not password-protected)" : ""));
            if (identity.Email is not null)
            {
                output.WriteLine("Email:        " + identity.Email);
            }

            if (identity.Url is not null)
            {
                output.WriteLine("URL:          " + identity.Url);
            }

            output.WriteLine("Fingerprint:  " + CertificateFingerprint.Display(identity.Fingerprint) + "  (SHA-256)");
            output.WriteLine("Valid until:  " + identity.RootCertificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            output.WriteLine("Folder:       " + identity.Directory);
            if (tokens.Count == 0)
            {
                output.WriteLine("Tokens:       none enrolled (`prov identity enroll`)");
                return Task.FromResult(ExitCodes.Success);
            }

            output.WriteLine("Tokens:");
            foreach (EnrolledToken token in tokens)
            {
                output.WriteLine("  " + token.TokenSerial + "  " + token.KeyProtection + "  certificate " + token.CertificateSerial
                    + "  until " + token.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    + (revoked.Contains(token.CertificateSerial) ? "  REVOKED" : ""));
            }

            return Task.FromResult(ExitCodes.Success);
        }));
    }
}

/// <summary>JSON settings shared by the --json renderers of these commands.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Every time in every `--json` output: RFC 3339 UTC to the second, `2026-12-06T07:00:09Z`.</summary>
    public static string Time(DateTimeOffset time) => Provenance.Reporting.VerificationJson.Rfc3339(time);

    /// <summary>A local or UTC <see cref="DateTime"/> (a certificate's validity) as <see cref="Time(DateTimeOffset)"/>.</summary>
    public static string Time(DateTime time) => Time(new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero));
}
