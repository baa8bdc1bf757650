using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Verification;
using Spectre.Console;

namespace Provenance.Cli.Commands;

/// <summary>`prov verify PATH...`: one verdict per file, for galleries and artists.</summary>
public sealed class VerifyCommand : Command
{
    /// <summary>Verifies one file against the trust settings; never throws for a bad file (that is an `error` verdict).</summary>
    public delegate FileVerification FileVerifier(string path, TrustSettings trust);

    public VerifyCommand(FileVerifier verify, Func<string?, string?, TrustSettings> loadTrust)
        : base("verify", "Check Content Credentials: trusted, valid, invalid, missing or error, per file.")
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders (folders are searched recursively).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per file." };
        var trustDb = new Option<string?>("--trust") { Description = "Trust store database (default: the one in the prov home folder)." };
        var trustList = new Option<string?>("--trust-list") { Description = "Also trust the roots in this PEM file (e.g. the public C2PA trust list)." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report of the batch to this file." };
        Add(paths);
        Add(json);
        Add(trustDb);
        Add(trustList);
        Add(html);
        SetAction(async (parse, cancellationToken) =>
        {
            TrustSettings trust = loadTrust(parse.GetValue(trustDb), parse.GetValue(trustList));
            foreach (string note in RemoveLeftovers(parse.GetValue(paths)!)) Console.Error.WriteLine("note: " + note);
            List<string> files = ExpandPaths(parse.GetValue(paths)!);
            if (files.Count == 0)
            {
                Console.Error.WriteLine("prov: nothing to verify: " + string.Join(", ", parse.GetValue(paths)!) + " holds no files");
                return ExitCodes.Usage;
            }
            bool asJson = parse.GetValue(json);
            FileVerification[] results = await VerifyAllAsync(files, trust, verify, showProgress: !asJson && !Console.IsErrorRedirected && files.Count > 4, cancellationToken);
            if (asJson) Console.WriteLine(RenderJson(results));
            else RenderTable(results);
            if (parse.GetValue(html) is { } report) Provenance.IO.AtomicFile.WriteText(report, RenderHtml(results));
            return results.All(r => r.Verdict is Verdict.Trusted or Verdict.Valid) ? ExitCodes.Success : ExitCodes.Failed;
        });
    }

    /// <summary>Files named directly, plus every file under named folders (sidecars are read with their asset, not alone).</summary>
    public static List<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => !f.EndsWith(".c2pa", StringComparison.OrdinalIgnoreCase) || !File.Exists(f[..^".c2pa".Length]))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }
        return files;
    }

    /// <summary>Removes temp files of killed prov runs in the named folders (recursively) and beside the named files.</summary>
    private static List<string> RemoveLeftovers(IEnumerable<string> paths)
    {
        var notes = new List<string>();
        foreach (string path in paths)
        {
            bool folder = Directory.Exists(path);
            string where = folder ? path : Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            if (Provenance.IO.TempFiles.RemoveAbandoned(where, recursive: folder).Describe(where) is { } note) notes.Add(note);
        }
        return notes;
    }

    /// <summary>Verifies on every core, keeping the input order.</summary>
    public static async Task<FileVerification[]> VerifyAllAsync(IReadOnlyList<string> files, TrustSettings trust, FileVerifier verify, bool showProgress, CancellationToken cancellationToken)
    {
        var results = new FileVerification[files.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        if (!showProgress)
        {
            await Parallel.ForAsync(0, files.Count, options, (i, _) => { results[i] = VerifyOne(files[i], trust, verify); return ValueTask.CompletedTask; });
            return results;
        }
        await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("verifying", maxValue: files.Count);
                await Parallel.ForAsync(0, files.Count, options, (i, _) =>
                {
                    results[i] = VerifyOne(files[i], trust, verify);
                    task.Increment(1);
                    return ValueTask.CompletedTask;
                });
            });
        return results;
    }

    private static FileVerification VerifyOne(string file, TrustSettings trust, FileVerifier verify)
    {
        // Only regular files are opened: a FIFO would block the read forever, a device never end (issue 18).
        switch (Provenance.IO.FileKind.Of(file))
        {
            case Provenance.IO.FileKindName.Regular:
                break;
            case Provenance.IO.FileKindName.Missing:
                return new FileVerification { File = file, Verdict = Verdict.Error, Reason = "The file does not exist." };
            case Provenance.IO.FileKindName.Folder:
                return new FileVerification { File = file, Verdict = Verdict.Error, Reason = "This is a folder with no files." };
            default:
                return new FileVerification { File = file, Verdict = Verdict.Error, Reason = "This " + Provenance.IO.FileKind.Problem(file) + "; it was not opened." };
        }
        return verify(file, trust);
    }

    public static string RenderJson(IEnumerable<FileVerification> results)
    {
        var array = new JsonArray();
        foreach (FileVerification r in results)
        {
            var item = new JsonObject
            {
                ["file"] = r.File,
                ["verdict"] = VerdictName(r.Verdict),
                ["codes"] = new JsonArray(r.Codes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                ["reason"] = r.Reason,
            };
            if (r.Format is not null) item["format"] = r.Format;
            if (r.Signer is not null) item["signer"] = r.Signer;
            if (r.Artist is not null) item["artist"] = r.Artist;
            if (r.TokenSerial is not null) item["tokenSerial"] = r.TokenSerial;
            if (r.TokenCounter is not null) item["tokenCounter"] = r.TokenCounter;
            if (r.KeyProtection is not null) item["keyProtection"] = r.KeyProtection;
            if (r.SigningTime is not null) item["signingTime"] = r.SigningTime;
            if (r.DigitalSourceType is not null) item["digitalSourceType"] = r.DigitalSourceType;
            if (r.Consent is not null)
            {
                var consent = new JsonObject();
                foreach (var (key, value) in r.Consent) consent[key] = value;
                item["consent"] = consent;
            }
            array.Add(item);
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>A self-contained HTML page: one row per file, coloured by verdict, with the codes and the reason.</summary>
    public static string RenderHtml(IReadOnlyList<FileVerification> results)
    {
        static string E(string? text) => System.Net.WebUtility.HtmlEncode(text ?? "");
        var page = new System.Text.StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Content Credentials report</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}")
            .Append(".trusted{background:#d8f5d8}.valid{background:#dff0ff}.missing{background:#fff5cc}.invalid,.error{background:#ffd9d9}code{font-size:.85em}")
            .Append("</style></head><body>\n<h1>Content Credentials report</h1>\n<p>")
            .Append(E($"{results.Count} files: " + string.Join(", ", results.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Count()} {VerdictName(g.Key)}"))))
            .Append(". Generated by prov on ").Append(E(DateTimeOffset.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture))).Append(".</p>\n")
            .Append("<table><thead><tr><th>file</th><th>verdict</th><th>artist / signer</th><th>token</th><th>source</th><th>consent</th><th>reason</th><th>codes</th></tr></thead><tbody>\n");
        foreach (FileVerification r in results)
        {
            string verdict = VerdictName(r.Verdict);
            string token = r.TokenSerial is null ? "" : $"{r.TokenSerial} #{r.TokenCounter}, {KeyProtectionText(r.KeyProtection)}";
            string consent = r.Consent is null ? "" : string.Join(", ", r.Consent.Select(kv => $"{kv.Key}: {kv.Value}"));
            page.Append("<tr class=\"").Append(verdict).Append("\"><td>").Append(E(r.File)).Append("</td><td>").Append(verdict)
                .Append("</td><td>").Append(E(r.Artist ?? r.Signer)).Append("</td><td>").Append(E(token)).Append("</td><td>").Append(E(r.DigitalSourceType))
                .Append("</td><td>").Append(E(consent)).Append("</td><td>").Append(E(r.Reason)).Append("</td><td><code>").Append(E(string.Join(" ", r.Codes)))
                .Append("</code></td></tr>\n");
        }
        page.Append("</tbody></table>\n</body></html>\n");
        return page.ToString();
    }

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Trusted => "trusted",
        Verdict.Valid => "valid",
        Verdict.Invalid => "invalid",
        Verdict.Missing => "missing",
        _ => "error",
    };

    private static void RenderTable(IReadOnlyList<FileVerification> results)
    {
        var console = AnsiConsole.Console;
        if (results.Count == 1)
        {
            FileVerification r = results[0];
            console.MarkupLine($"{Markup.Escape(r.File)}: [{Colour(r.Verdict)}]{VerdictName(r.Verdict)}[/]. {Markup.Escape(r.Reason)}");
            Detail(console, "artist", r.Artist);
            Detail(console, "signer", r.Signer);
            Detail(console, "token", r.TokenSerial is null ? null : $"{r.TokenSerial}, signature #{r.TokenCounter}, {KeyProtectionText(r.KeyProtection)}");
            // DESIGN.md "Verification": the source type is the artist's declaration, device time a claim.
            Detail(console, "source", r.DigitalSourceType is null ? null : $"{r.DigitalSourceType} (declared by the artist, not observed by the token)");
            Detail(console, "time", r.SigningTime is null ? null : $"{r.SigningTime} (as the signer states it; only an RFC 3161 time stamp proves it)");
            if (r.Consent is not null) Detail(console, "consent", string.Join(", ", r.Consent.Select(kv => $"{kv.Key}: {kv.Value}")));
            if (r.Codes.Count > 0) Detail(console, "codes", string.Join(" ", r.Codes));
            return;
        }
        var table = new Table().AddColumns("file", "verdict", "artist", "token", "reason");
        foreach (FileVerification r in results)
        {
            table.AddRow(
                new Text(r.File),
                new Markup($"[{Colour(r.Verdict)}]{VerdictName(r.Verdict)}[/]"),
                new Text(r.Artist ?? ""),
                new Text(r.TokenSerial is null ? "" : $"{r.TokenSerial} #{r.TokenCounter}" + (r.KeyProtection == "software" ? " (software key)" : "")),
                new Text(r.Reason));
        }
        console.Write(table);
        var counts = results.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Count()} {VerdictName(g.Key)}");
        console.MarkupLine(Markup.Escape($"{results.Count} files: {string.Join(", ", counts)}"));
    }

    private static void Detail(IAnsiConsole console, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value)) console.MarkupLine($"  [grey]{label,-8}[/] {Markup.Escape(value)}");
    }

    internal static string KeyProtectionText(string? protection) => protection switch
    {
        "secureElement" => "key in a secure element",
        "software" => "software key, not hardware-protected",
        _ => protection ?? "key protection unknown",
    };

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Trusted => "green",
        Verdict.Valid => "cyan",
        Verdict.Missing => "yellow",
        _ => "red",
    };
}
