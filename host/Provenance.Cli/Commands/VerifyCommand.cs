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
        var trustDb = new Option<string?>("--trust") { Description = "Trust store database (default: the one in the prov home folder)." };
        var trustList = new Option<string?>("--trust-list") { Description = "Also trust the roots in this PEM file (e.g. the public C2PA trust list)." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report of the batch to this file." };
        var requireTrusted = new Option<bool>("--require-trusted") { Description = "Gallery policy: a file passes only when its signer chains to a root in the trust store." };
        var requireHardwareKey = new Option<bool>("--require-hardware-key") { Description = "Gallery policy: a file passes only when its key is proven hardware-protected (attested)." };
        Add(paths);
        Add(json);
        Add(trustDb);
        Add(trustList);
        Add(html);
        Add(requireTrusted);
        Add(requireHardwareKey);
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
            FileVerification[] checkedFiles = await VerifyAllAsync(files, trust, verify, showProgress: !asJson && !Console.IsErrorRedirected && files.Count > 4, cancellationToken);
            var policy = new VerificationPolicy(parse.GetValue(requireTrusted), parse.GetValue(requireHardwareKey));
            FileVerification[] results = Array.ConvertAll(checkedFiles, policy.Apply);
            if (asJson) Console.WriteLine(RenderJson(results));
            else RenderTable(results);
            if (parse.GetValue(html) is { } report) Provenance.IO.AtomicFile.WriteText(report, RenderHtml(results));
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
            string token = TokenText(r) ?? "";
            string consent = ConsentText(r) ?? "";
            page.Append("<tr class=\"").Append(verdict).Append("\"><td>").Append(E(r.File)).Append("</td><td>").Append(verdict)
                .Append("</td><td>").Append(E(r.SignerDisplay)).Append("</td><td>").Append(E(token)).Append("</td><td>").Append(E(SourceText(r)))
                .Append("</td><td>").Append(E(consent)).Append("</td><td>").Append(E(string.Join(" ", r.Reasons))).Append("</td><td><code>").Append(E(string.Join(" ", r.Codes)))
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
            if (r.Signer is { } signer)
            {
                if (signer.Verified is { } v) Detail(console, "signer", $"{v.Name}, verified: chains to {v.TrustStoreName} (root SHA-256 {v.RootFingerprint[..16]}…)");
                foreach (ClaimedName c in signer.Claimed)
                    Detail(console, c.Source == "certificate" ? "signer" : "author", $"{c.Name} (claimed by the manifest, not verified)");
            }
            Detail(console, "token", TokenText(r));
            Detail(console, "source", SourceText(r) is { } source ? source + (r.Token is null ? "" : " (declared by the artist, not observed by the token)") : null);
            Detail(console, "time", r.Time is null ? null : VerificationJson.Rfc3339(r.Time.Value) + (r.Time.TimeStamped ? " (proven by an RFC 3161 time stamp)" : " (stated by the signer; no time stamp proves it)"));
            Detail(console, "consent", ConsentText(r));
            Detail(console, "tool", r.Generator);
            foreach (Provenance.Verification.Cawg.IdentityFacts identity in r.Identities) Detail(console, "identity", identity.Summary);
            foreach (string note in r.Notes) Detail(console, "note", note);
            if (r.Codes.Count > 0) Detail(console, "codes", string.Join(" ", r.Codes));
            return;
        }
        var table = new Table().AddColumns("file", "verdict", "signer", "token", "reason");
        foreach (FileVerification r in results)
        {
            table.AddRow(
                new Text(r.File),
                new Markup($"[{Colour(r.Verdict)}]{VerdictName(r.Verdict)}[/]"),
                new Text(r.SignerDisplay ?? ""),
                new Text(r.Token is null ? "" : $"{r.Token.Serial} #{r.Token.Counter}" + (r.Token.KeyProtection == KeyProtectionLevels.Software ? " (software key)" : "")),
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
        KeyProtectionLevels.Attested => "key in an attested secure element",
        KeyProtectionLevels.SecureElement => "key in a secure element (the token's statement, not attested)",
        KeyProtectionLevels.EmulatedSecureElement => "emulated secure element (development, not hardware)",
        KeyProtectionLevels.Software => "software key, not hardware-protected",
        _ => protection ?? "key protection unknown",
    };

    internal static string? TokenText(FileVerification r) => r.Token is not { } t ? null
        : $"{t.Serial}, signature #{t.Counter}, {KeyProtectionText(t.KeyProtection)}" + (t.Proven ? "; certified by the trusted root" : "");

    internal static string? SourceText(FileVerification r) => r.SourceType is not { } s ? null : $"{s.Words} ({s.Iptc})";

    internal static string? ConsentText(FileVerification r) => r.Consent is null ? null
        : string.Join(", ", r.Consent.Select(c => $"{c.Use}: {c.Value}" + (c.ConstraintInfo is null ? "" : $" ({c.ConstraintInfo})")));

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Trusted => "green",
        Verdict.Valid => "cyan",
        Verdict.Missing => "yellow",
        _ => "red",
    };
}
