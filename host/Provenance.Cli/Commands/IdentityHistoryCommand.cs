using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Artwork;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov identity history [--device SERIAL] [--from-counter N] [--json]`: the artist's local signing record (issue 15),
/// each signature's token, counter, file, hash and RFC 3161 time when it has one. With `--from-counter` it lists what
/// `prov identity revoke --device SERIAL --from-counter N` would cover.
/// </summary>
public sealed class IdentityHistoryCommand : Command
{
    public IdentityHistoryCommand()
        : base("history", "List the signatures your prov made (token, counter, file, hash, time stamp): what a revocation from counter N covers.")
    {
        var device = new Option<string?>("--device") { Description = "Only this token's signatures (its serial, as `prov identity show` lists it).", HelpName = "SERIAL" };
        var fromCounter = new Option<long?>("--from-counter") { Description = "Only signatures with counter ≥ N: what a revocation from N would cover.", HelpName = "N" };
        fromCounter.Validators.Add(r => { if (r.GetValueOrDefault<long?>() is < 1) r.AddError("--from-counter must be 1 or more"); });
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(device);
        Add(fromCounter);
        Add(json);
        SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, cancellationToken, (output, _) =>
        {
            string? serial = parse.GetValue(device);
            long? from = parse.GetValue(fromCounter);
            if (from is not null && serial is null) throw new System.ArgumentException("--from-counter needs --device SERIAL (counters are per token)");
            using SigningRecord record = SigningRecord.Open();
            IReadOnlyList<SignatureRecord> signatures = record.List(serial, from);
            if (parse.GetValue(json))
            {
                var list = new JsonArray();
                foreach (SignatureRecord s in signatures)
                {
                    list.Add((JsonNode)new JsonObject
                    {
                        ["serial"] = s.TokenSerial,
                        ["counter"] = s.Counter,
                        ["kind"] = s.Kind,
                        ["file"] = s.File,
                        ["dataHash"] = s.DataHash,
                        ["logEntryHash"] = s.LogEntryHash,
                        ["counterBound"] = s.CounterBound,
                        ["time"] = new JsonObject
                        {
                            ["value"] = SigningRecord.Rfc3339(s.TimeStamp ?? s.SignedAt),
                            ["timeStamped"] = s.TimeStamp is not null,
                        },
                    });
                }
                var model = new JsonObject
                {
                    ["version"] = 1,
                    ["record"] = record.Path,
                    ["serial"] = serial,
                    ["fromCounter"] = from,
                    ["signatures"] = list,
                };
                output.WriteLine(model.ToJsonString(JsonOutput.Options));
                return Task.FromResult(ExitCodes.Success);
            }

            if (signatures.Count == 0)
            {
                output.WriteLine(serial is null ? "Your signing record is empty (" + record.Path + ")."
                    : from is null ? $"Your signing record holds no signature by token {serial}."
                    : $"Your signing record holds no signature by token {serial} from counter {from} on: a revocation from {from} covers none of your works.");
                return Task.FromResult(ExitCodes.Success);
            }
            foreach (SignatureRecord s in signatures)
            {
                string time = s.TimeStamp is { } t ? SigningRecord.Rfc3339(t) + " (time-stamped)" : SigningRecord.Rfc3339(s.SignedAt) + " (this computer's clock)";
                string what = s.Kind == "enrollment" ? "(enrollment challenge)" : TextSafe(s.File);
                string hash = s.DataHash is { Length: >= 16 } h ? "  sha256 " + h[..16] + "…" : "";
                string unbound = s.CounterBound || s.Kind != "artwork" ? "" : "  (counter not bound by the token)";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.TokenSerial} #{s.Counter,-6} {time}  {what}{hash}{unbound}"));
            }
            int works = signatures.Count(s => s.Kind == "artwork");
            if (from is not null)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A revocation of {serial} from counter {from} covers {works} of your signed files above; every earlier signature stays trusted."));
            return Task.FromResult(ExitCodes.Success);
        }));
    }

    private static string TextSafe(string? text) => Provenance.Reporting.TextReport.Clean(text);
}
