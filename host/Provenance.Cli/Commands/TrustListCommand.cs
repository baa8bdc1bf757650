using System.CommandLine;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov trust list [--json]`.</summary>
public sealed class TrustListCommand : Command
{
    public TrustListCommand(Option<FileInfo> store)
        : base("list", "List trusted artists' roots, with fingerprints and CRL numbers.")
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(json);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            using TrustStore trust = TrustStore.Open(parseResult.GetRequiredValue(store).FullName);
            IReadOnlyList<TrustedRoot> roots = trust.List();
            if (parseResult.GetValue(json))
            {
                // JsonNode rather than serialising an anonymous type: no reflection, so it works in the native AOT build.
                var rootArray = new JsonArray();
                foreach (TrustedRoot r in roots)
                {
                    rootArray.Add((JsonNode)new JsonObject
                    {
                        ["name"] = r.Name,
                        ["fingerprint"] = r.Fingerprint,
                        ["subject"] = r.Subject,
                        ["notAfter"] = JsonOutput.Time(r.NotAfter),
                        ["added"] = JsonOutput.Time(r.Added),
                        ["crlNumber"] = r.CrlNumber?.ToString(CultureInfo.InvariantCulture),
                    });
                }
                var model = new JsonObject { ["version"] = 1, ["store"] = trust.Path, ["roots"] = rootArray };
                output.WriteLine(model.ToJsonString(JsonOutput.Options));
                return Task.FromResult(ExitCodes.Success);
            }

            if (roots.Count == 0)
            {
                output.WriteLine("No trusted roots in " + trust.Path + " (add one with `prov trust add ROOT.pem`).");
                return Task.FromResult(ExitCodes.Success);
            }

            int width = roots.Max(r => r.Name.Length);
            foreach (TrustedRoot root in roots)
            {
                output.WriteLine(root.Name.PadRight(width) + "  " + CertificateFingerprint.Display(root.Fingerprint)
                    + "  until " + root.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    + "  " + (root.CrlNumber is { } number ? "CRL #" + number.ToString(CultureInfo.InvariantCulture) : "no CRL"));
            }

            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
