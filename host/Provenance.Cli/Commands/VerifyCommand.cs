using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Reporting;
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
        var trustDb = new Option<string?>("--trust") { Description = "Trust store database (default: $PROV_TRUST_DB, else the one in the prov home folder)." };
        var trustList = new Option<string?>("--trust-list") { Description = "Also trust the roots in this PEM file, e.g. the public C2PA trust list (default: $PROV_TRUST_LIST)." };
        var onlyFailures = new Option<bool>("--only-failures") { Description = "List only the files that did not pass (the summary still counts every file)." };
        var summaryOnly = new Option<bool>("--summary") { Description = "Print only the counts per verdict, no file rows." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report of the batch to this file." };
        var csv = new Option<string?>("--csv") { Description = "Also write the batch as CSV to this file (one row per file; the columns the page's CSV export has)." };
        var requireTrusted = new Option<bool>("--require-trusted") { Description = "Gallery policy: a file passes only when its signer chains to a root in the trust store." };
        var manifest = new Option<bool>("--manifest") { Description = "Print one file's manifest store in c2pa-rs's reader JSON shape (as c2patool prints it)." };
        var requireHardwareKey = new Option<bool>("--require-hardware-key") { Description = "Gallery policy: a file passes only when its key is proven hardware-protected (attested)." };
        Add(paths);
        Add(json);
        Add(trustDb);
        Add(trustList);
        Add(html);
        Add(csv);
        Add(requireTrusted);
        Add(requireHardwareKey);
        Add(manifest);
        Add(onlyFailures);
        Add(summaryOnly);
        var registry = new Option<string?>("--registry") { Description = "For files with no credentials: ask this soft-binding registry (prov registry serve) for credentials of a matching image, and verify them." };
        registry.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")))
                r.AddError("--registry takes the registry's http:// or https:// URL");
        });
        Add(registry);
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
            bool asManifest = parse.GetValue(manifest);
            if (asManifest && (files.Count != 1 || asJson))
            {
                Console.Error.WriteLine("prov: --manifest prints one file's manifest store: name one file, without --json");
                return ExitCodes.Usage;
            }
            FileVerification[] checkedFiles = await VerifyAllAsync(files, trust, verify, showProgress: !asJson && !asManifest && !Console.IsErrorRedirected && files.Count > 4, cancellationToken);
            if (parse.GetValue(registry) is { } registryUrl)
            {
                // Issue 17: a file without credentials may be a stripped copy of a registered work.
                using var client = new Provenance.Registry.RegistryClient(new Uri(registryUrl));
                for (int i = 0; i < checkedFiles.Length; i++)
                    checkedFiles[i] = await Provenance.Registry.CredentialRecovery.RecoverAsync(checkedFiles[i], files[i], client, trust, cancellationToken);
            }
            var policy = new VerificationPolicy(parse.GetValue(requireTrusted), parse.GetValue(requireHardwareKey));
            FileVerification[] results = Array.ConvertAll(checkedFiles, policy.Apply);
            if (asManifest)
            {
                if (ManifestReport.Render(files[0], results[0]) is not { } store)
                {
                    Console.Error.WriteLine($"prov: {files[0]}: {results[0].Reason}");
                    return ExitCodes.Failed;
                }
                Console.WriteLine(store);
            }
            else if (parse.GetValue(summaryOnly))
            {
                if (asJson) Console.WriteLine(VerificationJson.Render(results, listed: null));
                else if (Console.IsOutputRedirected) Console.Out.Write(ResultWords.Summary(results) + "\n");
                else AnsiConsole.MarkupLine(SummaryMarkup(results));
            }
            else
            {
                IReadOnlyList<FileVerification> listed = parse.GetValue(onlyFailures) ? Array.FindAll(results, r => !r.Passed) : results;
                if (asJson) Console.WriteLine(VerificationJson.Render(results, listed));
                else RenderTable(listed, results);
            }
            if (parse.GetValue(html) is { } report) Provenance.IO.AtomicFile.WriteText(report, RenderHtml(results));
            if (parse.GetValue(csv) is { } table) Provenance.IO.AtomicFile.WriteText(table, CsvReport.Render(results));
            return results.All(r => r.Passed) ? ExitCodes.Success : ExitCodes.Failed;
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
                // DESIGN.md "Sidecars": hidden files are verified like any other (and flagged); a sidecar is verified
                // with its asset, and only a sidecar without one is a row of its own.
                files.AddRange(Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
                    .Where(f => !f.EndsWith(Provenance.Formats.SidecarHandler.Extension, StringComparison.OrdinalIgnoreCase) || !Provenance.Formats.SidecarHandler.HasAsset(f))
                    // A file another prov is writing right now is not a submission.
                    .Where(f => Provenance.IO.TempFiles.WriterOf(Path.GetFileName(f)) is null)
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
        FileVerification result = verify(file, trust);
        return Path.GetFileName(file).StartsWith('.') ? result.WithNote("This is a hidden file.") : result;
    }

    public static string RenderJson(IReadOnlyList<FileVerification> results) => VerificationJson.Render(results);

    /// <summary>The self-contained HTML report (Reporting/HtmlReport.cs).</summary>
    public static string RenderHtml(IReadOnlyList<FileVerification> results) => HtmlReport.Render(results, DateTimeOffset.UtcNow);

    public static string VerdictName(Verdict verdict) => ResultWords.Verdict(verdict);

    /// <summary>
    /// People get a Spectre table as wide as their terminal; a pipe or a file gets one tab-separated line per file
    /// (Reporting/TextReport.cs), never wrapped at a guessed 80 columns.
    /// </summary>
    private static void RenderTable(IReadOnlyList<FileVerification> results, IReadOnlyList<FileVerification> batch)
    {
        if (Console.IsOutputRedirected)
        {
            if (results.Count == 1 && batch.Count == 1)
            {
                RenderOne(results[0], line => Console.Out.Write(line + "\n"), static (_, text) => text);
                return;
            }
            using (var output = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16))
                TextReport.Write(output, results);
            // The count is for the person running the pipe; stdout stays one line per file.
            Console.Error.WriteLine(ResultWords.Summary(batch));
            return;
        }
        var console = AnsiConsole.Console;
        if (results.Count == 1 && batch.Count == 1)
        {
            RenderOne(results[0], console.MarkupLine, static (verdict, text) => $"[{Colour(verdict)}]{text}[/]");
            return;
        }
        var table = new Table().AddColumns("file", "verdict", "signer", "token", "reason");
        foreach (FileVerification r in results)
        {
            table.AddRow(
                new Text(TextReport.Clean(r.File)),
                new Markup($"[{Colour(r.Verdict)}]{VerdictName(r.Verdict)}[/]"),
                new Text(TextReport.Clean(r.SignerDisplay)),
                new Text(r.Token is null ? "" : TextReport.Clean(ResultWords.TokenCell(r.Token))),
                new Text(TextReport.Clean(r.Reason)));
        }
        if (results.Count > 0) console.Write(table);
        console.MarkupLine(SummaryMarkup(batch));
    }

    /// <summary>The counts, each in its verdict's colour (people see at a glance how many failed and how).</summary>
    private static string SummaryMarkup(IReadOnlyList<FileVerification> results)
    {
        int[] counts = ResultWords.Counts(results);
        var parts = new List<string>();
        for (int v = 0; v < counts.Length; v++)
            if (counts[v] > 0) parts.Add($"[{Colour((Verdict)v)}]{counts[v]} {VerdictName((Verdict)v)}[/]");
        return Markup.Escape($"{results.Count} " + (results.Count == 1 ? "file" : "files")) + (parts.Count > 0 ? ": " + string.Join(", ", parts) : "");
    }

    /// <summary>One file in detail; <paramref name="write"/> takes markup on a terminal and plain text otherwise.</summary>
    private static void RenderOne(FileVerification r, Action<string> write, Func<Verdict, string, string> colour)
    {
        bool markup = Console.IsOutputRedirected is false;
        string Plain(string? text) => markup ? Markup.Escape(TextReport.Clean(text)) : TextReport.Clean(text);
        void Detail(string label, string? value)
        {
            if (!string.IsNullOrEmpty(value)) write(markup ? $"  [grey]{label,-8}[/] {Plain(value)}" : $"  {label,-8} {Plain(value)}");
        }
        write($"{Plain(r.File)}: {colour(r.Verdict, VerdictName(r.Verdict))}. {Plain(r.Reason)}");
        if (r.Signer is { } signer)
        {
            if (signer.Verified is { } v) Detail("signer", $"{v.Name}, verified: chains to {v.TrustStoreName} (root SHA-256 {v.RootFingerprint[..16]}…)");
            foreach (ClaimedName c in signer.Claimed)
                Detail(c.Source == "certificate" ? "signer" : "author", $"{c.Name} (claimed by the manifest, not verified)");
        }
        Detail("token", TokenText(r));
        Detail("source", SourceText(r) is { } source ? source + (r.Token is null ? "" : " (declared by the artist, not observed by the token)") : null);
        Detail("time", ResultWords.Time(r));
        Detail("consent", ConsentText(r));
        Detail("tool", r.Generator);
        foreach (HistoryEntry h in r.History) Detail("history", $"{h.Title ?? "untitled"} ({h.Relationship ?? "ingredient"})");
        if (r.Process is { } process)
        {
            // Issue 16: the timeline, oldest first, then what it proves and what not.
            Detail("process", process.Summary);
            foreach (ProcessVersion v in process.Versions) Detail("version", ResultWords.Version(v));
            Detail("limit", ProcessFacts.Limit);
        }
        foreach (Provenance.Verification.Cawg.IdentityFacts identity in r.Identities) Detail("identity", identity.Summary);
        foreach (string note in r.Notes) Detail("note", note);
        if (r.Codes.Count > 0) Detail("codes", string.Join(" ", r.Codes));
        if (r.Recovered is { Found: true, Credentials: { } recovered } found)
        {
            Detail("registry", $"{found.ManifestId} from {found.Registry} (this file's code {found.Code})");
            Detail("recovered", ResultWords.Signer(recovered) is { } who ? $"signer {who}" : null);
            Detail("recovered", ResultWords.Time(recovered) is { } when ? $"time {when}" : null);
            if (recovered.Codes.Count > 0) Detail("recovered", "codes " + string.Join(" ", recovered.Codes));
        }
    }

    internal static string KeyProtectionText(string? protection) => ResultWords.KeyProtection(protection);

    internal static string? TokenText(FileVerification r) => ResultWords.Token(r);

    internal static string? SourceText(FileVerification r) => ResultWords.SourceType(r);

    internal static string? ConsentText(FileVerification r) => ResultWords.Consent(r);

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Trusted => "green",
        Verdict.Valid => "cyan",
        Verdict.Missing => "yellow",
        Verdict.Invalid => "red",
        _ => "fuchsia",
    };
}
