using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Provenance.Artwork;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov device log [--device DEV] [--json]`: exports the signature log, checks its hash chain, and lays it beside the
/// artist's signing record (issue 15): counters the token used that this prov home never saw are reported as
/// signatures made elsewhere, which is how an artist finds out that her token was used without her.
/// </summary>
public sealed class DeviceLogCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceLogCommand()
        : base("log", "Export the token's signature log and check its hash chain (exit 1 when broken).")
    {
        var json = DeviceCommand.JsonOption();
        var device = DeviceSession.CreateDeviceOption();
        Add(device);
        Add(json);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), error, cancellationToken);
            TokenLog log = await session.Token.GetLogAsync(cancellationToken);
            LogChainResult chain = LogChainVerifier.Verify(log);
            string serial = (await session.Token.GetInfoAsync(cancellationToken)).Serial;
            string recordPath;
            IReadOnlyList<long> elsewhere;
            using (SigningRecord record = SigningRecord.Open())
            {
                recordPath = record.Path;
                elsewhere = SignatureGaps.MadeElsewhere(log.Entries.Select(e => (e.Counter, Convert.ToHexStringLower(e.Hash))), record.List(serial));
            }
            bool asJson = parse.GetValue(json);
            if (asJson)
            {
                var entries = new JsonArray();
                foreach (TokenLogEntry e in log.Entries)
                {
                    entries.Add((JsonNode)new JsonObject
                    {
                        ["index"] = e.Index,
                        ["counter"] = e.Counter,
                        ["time"] = e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        ["digest"] = Convert.ToHexStringLower(e.Digest),
                        ["previous"] = Convert.ToHexStringLower(e.PreviousHash),
                        ["hash"] = Convert.ToHexStringLower(e.Hash),
                    });
                }
                var madeElsewhere = new JsonArray();
                foreach (long counter in elsewhere) madeElsewhere.Add((JsonNode)counter);
                var document = new JsonObject
                {
                    ["version"] = DeviceCommand.JsonVersion,
                    ["serial"] = serial,
                    ["intact"] = chain.Intact,
                    ["firstIndex"] = log.FirstIndex,
                    ["entries"] = entries,
                    ["record"] = recordPath,
                    ["madeElsewhere"] = madeElsewhere,
                };
                await output.WriteLineAsync(document.ToJsonString(DeviceCommand.Indented));
            }
            else
            {
                foreach (TokenLogEntry e in log.Entries)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{e.Counter,8}  {e.Time:yyyy-MM-dd HH:mm:ss}Z  digest {Convert.ToHexStringLower(e.Digest)}  entry {Convert.ToHexStringLower(e.Hash)[..16]}"));
                }
            }
            if (!chain.Intact)
            {
                foreach (string problem in chain.Problems) await error.WriteLineAsync("prov: log chain broken: " + problem);
                return ExitCodes.Failed;
            }
            string summary = log.Entries.Count == 0
                ? "log is empty"
                : "log chain intact: " + DeviceCommand.Number(log.Entries.Count) + " entries, counters "
                    + DeviceCommand.Number(log.Entries[0].Counter) + ".." + DeviceCommand.Number(log.Entries[^1].Counter)
                    + (log.FirstIndex > 0 ? " (older entries rotated out)" : "");
            // With --json, stdout stays one JSON document; the verdict goes to stderr.
            await (asJson ? error : output).WriteLineAsync(summary);
            await (asJson ? error : output).WriteLineAsync(elsewhere.Count == 0
                ? "every signature in the log is in your signing record (" + recordPath + ")"
                : "signatures made elsewhere: " + DeviceCommand.Number(elsewhere.Count) + " (counter" + (elsewhere.Count == 1 ? " " : "s ") + string.Join(", ", elsewhere.Select(DeviceCommand.Number))
                    + ") are in the token's log but not in your signing record (" + recordPath + "): another computer, another prov home, or someone else signed with this token");
            return ExitCodes.Success;
        });
    }
}
