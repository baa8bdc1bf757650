using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.History;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov history [PATH] [--json]`: the works whose saved versions `prov sign/watch --history` signed, or one work's
/// versions; `prov history prune PATH [--keep N]` forgets all but the latest N versions of a work.
/// </summary>
public sealed class HistoryCommand : Command
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Argument<string?> _path = new("path") { Description = "A work (the file the drawing app saves); without it, every work the history keeps.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> _json = new("--json") { Description = "Print JSON." };

    public HistoryCommand()
        : base("history", "List the saved versions 'prov sign/watch --history' signed (kept in the data folder to chain the next version to), or prune them.")
    {
        Arguments.Add(_path);
        Options.Add(_json);
        Subcommands.Add(CreatePrune());
        SetAction(parse =>
        {
            HistoryStore store = HistoryStore.Default;
            string? path = parse.GetValue(_path);
            IReadOnlyList<HistoryWork> works = path is null ? store.Works()
                : store.Find(path) is { } work ? [work]
                : throw new FileNotFoundException($"the history keeps no version of {Path.GetFullPath(path)} (sign it with 'prov sign --history' or 'prov watch --history')");
            if (parse.GetValue(_json))
            {
                var list = new JsonArray();
                foreach (HistoryWork w in works) list.Add((JsonNode)WorkJson(w));
                Console.WriteLine(new JsonObject { ["version"] = 1, ["works"] = list, ["bytesOnDisk"] = store.BytesOnDisk() }.ToJsonString(Indented));
                return ExitCodes.Success;
            }
            if (works.Count == 0) Console.WriteLine("no history yet: 'prov sign FILE --history' or 'prov watch DIR --history' signs each saved version");
            foreach (HistoryWork w in works)
            {
                HistoryVersion? latest = w.Latest;
                Console.WriteLine($"{w.Path}: {w.Versions.Count} versions" + (latest is null ? "" : $", latest #{latest.Number} signed {SignCommand.Rfc3339(latest.Time)} (store {latest.StoreLength} bytes)"));
                if (path is null) continue;
                foreach (HistoryVersion v in w.Versions)
                {
                    Console.WriteLine($"  #{v.Number}  {SignCommand.Rfc3339(v.Time)}  token {v.TokenSerial} signature #{v.Counter}  {v.Manifest}  +{v.ManifestLength} bytes"
                        + (v.ParentWork is null ? "" : $"  (exported from {v.ParentWork})"));
                }
            }
            if (!parse.GetValue(_json) && works.Count > 0) Console.WriteLine($"{store.BytesOnDisk()} bytes on disk in {store.Directory}");
            return ExitCodes.Success;
        });
    }

    private static Command CreatePrune()
    {
        var path = new Argument<string>("path") { Description = "The work whose history to prune." };
        var keep = new Option<int>("--keep") { Description = "How many of the latest versions to keep (0 forgets the work).", DefaultValueFactory = _ => 1 };
        keep.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--keep must be 0 or more"); });
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("prune",
            "Forget all but the latest N versions of a work. What it breaks: a later version can no longer be chained to a pruned one; "
            + "files already signed keep their whole history. With --keep 0 the next save starts a new history (c2pa.created).");
        command.Arguments.Add(path);
        command.Options.Add(keep);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            HistoryPruneResult result = HistoryStore.Default.Prune(parse.GetValue(path)!, parse.GetValue(keep));
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["version"] = 1,
                    ["path"] = result.Path,
                    ["removed"] = result.Removed,
                    ["kept"] = result.Kept,
                    ["bytesFreed"] = result.BytesFreed,
                }.ToJsonString(Indented));
                return ExitCodes.Success;
            }
            Console.WriteLine($"{result.Path}: {result.Removed} versions forgotten, {result.Kept} kept, {result.BytesFreed} bytes freed");
            if (result.Removed > 0)
                Console.WriteLine(result.Kept == 0
                    ? "the next save of this work starts a new history (c2pa.created); files already signed keep theirs"
                    : "later versions can no longer be chained to a forgotten one; files already signed keep their whole history");
            return ExitCodes.Success;
        });
        return command;
    }

    private static JsonObject WorkJson(HistoryWork work)
    {
        var versions = new JsonArray();
        foreach (HistoryVersion v in work.Versions)
        {
            versions.Add((JsonNode)new JsonObject
            {
                ["number"] = v.Number,
                ["manifest"] = v.Manifest,
                ["time"] = SignCommand.Rfc3339(v.Time),
                ["tokenSerial"] = v.TokenSerial,
                ["counter"] = v.Counter,
                ["assetHash"] = v.AssetHash,
                ["storeLength"] = v.StoreLength,
                ["manifestLength"] = v.ManifestLength,
                ["parentWork"] = v.ParentWork,
            });
        }
        return new JsonObject { ["path"] = work.Path, ["versions"] = versions };
    }
}
