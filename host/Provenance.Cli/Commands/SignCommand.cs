using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Formats;
using Provenance.IO;
using Provenance.Registry;
using Spectre.Console;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov sign PATH... (--out FILE|DIR | --in-place)`: the token signs each artwork; the signed copy gets Content
/// Credentials. One file: `--out` names the signed file and any error ends the command with its own exit code.
/// Several paths or a folder: `--out` is a folder (paths relative to an input folder kept), a file that cannot be
/// signed is one line on stderr and the batch goes on, and a summary line ends it ("N signed, M skipped, K failed").
/// In a batch, an output that exists is skipped, and so is a file found in a folder that already carries Content
/// Credentials, unless `--force` (a re-signed file keeps its old manifest as its parent).
/// One press for the batch: with several files to sign, `--one-press` (scripts) or a "y" to the question
/// "sign N files with one press? [y/N]" (asked on a terminal) opens a signing session on the token for exactly those
/// N signatures (BATCH, firmware/PROTOCOL.md); otherwise every file asks for its own press.
/// </summary>
public sealed class SignCommand : Command
{
    private readonly Argument<string[]> _paths = new("path")
    {
        Description = "Artwork files or folders (searched recursively). JPEG, PNG, TIFF and WebP get embedded credentials; any other file a .c2pa sidecar.",
        Arity = ArgumentArity.OneOrMore,
    };
    private readonly Option<string?> _output = new("--out", "-o") { Description = "The signed copy (one file) or the folder for signed copies (several files or a folder); originals are left untouched." };
    private readonly Option<bool> _inPlace = new("--in-place") { Description = "Replace each file with its signed version (atomically)." };
    private readonly Option<bool> _force = new("--force") { Description = "Replace outputs that already exist, and re-sign files in a folder that are already signed." };
    private readonly Option<string?> _title = new("--title") { Description = "Title of the work (one file only; default: the file name)." };
    private readonly Option<string?> _source = new("--source")
    {
        Description = "What the files are (your declaration): camera (a photo), scan (a scan of a physical work) or tablet (a drawing made on a tablet). "
            + "Required until you set a default with 'prov consent set --source'.",
    };
    // A string checked by SigningDefaults, not Option<Uri>: System.CommandLine has no parser for Uri, so that option
    // refused every URL ("Cannot parse argument ... as System.Uri").
    private readonly Option<string?> _tsa = new("--tsa")
    {
        Description = "RFC 3161 time-stamp authority URL for every signature (default: the one set with 'prov consent set --tsa'; 'none' for no time stamp).",
    };
    private readonly Option<string?> _device = DeviceSession.CreateDeviceOption();
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON object per file (JSON lines), then a summary object for a batch." };
    private readonly Option<bool> _onePress = new("--one-press")
    {
        Description = "One button press signs the whole batch: the token authorises exactly as many signatures as there are files to sign, "
            + "for this command only (without it, a terminal asks; a script presses once per file).",
    };
    private readonly Option<bool> _history = new("--history")
    {
        Description = "Sign as a saved version of the work: its previous version ('prov history') becomes its parent, so the last file carries a verifiable history of its making.",
    };
    private readonly Option<string?> _register = new("--register")
    {
        Description = "Also upload each signed file's manifest store (and the fingerprint it carries) to this soft-binding registry (prov registry serve), so stripped copies can be traced. Nothing is uploaded without it.",
    };

    public SignCommand()
        : base("sign", "Sign artwork with the token and embed Content Credentials.")
    {
        _source.AcceptOnlyFromAmong("camera", "scan", "tablet");
        _tsa.Validators.Add(TimeStampAuthorityValidator);
        _register.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")))
                r.AddError("--register takes the registry's http:// or https:// URL");
        });
        Arguments.Add(_paths);
        foreach (Option option in new Option[] { _output, _inPlace, _force, _title, _source, _tsa, _device, _json, _onePress, _history, _register }) Options.Add(option);
        Validators.Add(result =>
        {
            if ((result.GetValue(_output) is not null) == result.GetValue(_inPlace)) result.AddError("Give exactly one of --out FILE|DIR or --in-place.");
            if (result.GetValue(_title) is not null && !SignBatch.IsSingleFile(result.GetValue(_paths) ?? []))
                result.AddError("--title names one work; give it with one file.");
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string[] paths = parse.GetValue(_paths)!;
        bool inPlace = parse.GetValue(_inPlace);
        bool force = parse.GetValue(_force);
        bool json = parse.GetValue(_json);
        bool single = SignBatch.IsSingleFile(paths);
        string? output = parse.GetValue(_output);
        if (single && !inPlace && Path.GetFullPath(output!) == Path.GetFullPath(paths[0]))
            throw new ArgumentException("--out names the input file; use --in-place to replace it");
        if (!single && output is not null && File.Exists(output))
            throw new ArgumentException($"--out {output} is a file; with several files or a folder, --out names a folder");

        SigningDefaults defaults = ConsentStore.LoadDefaults();
        CaptureSource source = RequireSource(parse.GetValue(_source), defaults);
        var options = new ArtworkSignOptions
        {
            Title = parse.GetValue(_title),
            Source = source,
            Consent = ConsentStore.Load(),
            TimeStampAuthority = ChooseTimeStampAuthority(parse.GetValue(_tsa), defaults),
            Overwrite = force,
            History = parse.GetValue(_history) ? Provenance.History.HistoryStore.Default : null,
        };
        List<SignItem> planned = SignBatch.Plan(paths, output, inPlace);
        using RegistryClient? registry = parse.GetValue(_register) is { } registerUrl ? new RegistryClient(new Uri(registerUrl)) : null;
        var batch = new BatchRun(options, parse.GetValue(_device), inPlace, force, json, single) { Registry = registry };
        await using (batch)
        {
            // What will be skipped or refused is said first; the rest is what one press may authorise.
            List<SignItem> items = [.. planned.Where(batch.Check)];
            batch.ToSign = items.Count;
            if (!single && items.Count > 1)
            {
                batch.OnePress = parse.GetValue(_onePress);
                batch.AskOnePress = !json && !Console.IsInputRedirected && !Console.IsErrorRedirected;
                // The token is opened before any progress display, so the question (if any) has the terminal to itself.
                await batch.EnsureSessionAsync(cancellationToken);
            }
            bool progress = !single && !json && !Console.IsErrorRedirected;
            if (progress)
            {
                batch.Deferring = true;
                IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                await console.Progress().AutoClear(true).StartAsync(async context =>
                {
                    ProgressTask task = context.AddTask("signing", maxValue: items.Count);
                    foreach (SignItem item in items)
                    {
                        task.Description = Markup.Escape(Path.GetFileName(item.Input));
                        await batch.SignAsync(item, cancellationToken);
                        task.Increment(1);
                    }
                });
                batch.Deferring = false;
                batch.FlushDeferred();
            }
            else
            {
                foreach (SignItem item in items) await batch.SignAsync(item, cancellationToken);
            }
        }
        if (!single || !json) batch.PrintSummary();
        return batch.Failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Asks on the terminal whether one press may sign the whole batch; anything but y/yes is no.</summary>
    private static bool OnePressConfirmed(int count)
    {
        Console.Error.Write($"sign {count} files with one press? [y/N] ");
        string? answer = Console.In.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>How long a batch's one press stays good: two minutes, plus 30 s a file, at most the token's hour.</summary>
    internal static TimeSpan BatchWindow(int files) => TimeSpan.FromSeconds(Math.Min(3600, 120 + 30L * files));

    /// <summary>
    /// The source type is the artist's declaration in every manifest, so prov never assumes it: `--source`, else the
    /// default she set, else a usage error that says how to set one.
    /// </summary>
    internal static CaptureSource RequireSource(string? given, SigningDefaults defaults) =>
        given is not null ? SigningDefaults.ParseSource(given, "--source")
        : defaults.Source ?? throw new ArgumentException(
            "say what these files are with --source camera|scan|tablet (your declaration, written into every signature), or set a default once: prov consent set --source scan");

    /// <summary>`--tsa URL` wins, `--tsa none` turns the default off, else the default the artist set (or none).</summary>
    internal static Uri? ChooseTimeStampAuthority(string? given, SigningDefaults defaults) =>
        given is null ? defaults.TimeStampAuthority : given == "none" ? null : SigningDefaults.ParseTimeStampAuthority(given, "--tsa");

    internal static void TimeStampAuthorityValidator(System.CommandLine.Parsing.OptionResult result)
    {
        string? value = result.GetValueOrDefault<string?>();
        if (value is null || value == "none") return;
        try { SigningDefaults.ParseTimeStampAuthority(value, "--tsa"); }
        catch (ArgumentException e) { result.AddError(e.Message); }
    }

    /// <summary>RFC 3339 UTC, as every JSON time prov prints.</summary>
    internal static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The artist's declaration in words, as summaries show it.</summary>
    internal static string SourceWords(CaptureSource source) => source switch
    {
        CaptureSource.Camera => "camera (a photo)",
        CaptureSource.Scan => "scan (a scan of a physical work)",
        CaptureSource.Tablet => "tablet (a drawing made on a tablet)",
        _ => source.ToString(),
    };

    private static readonly JsonSerializerOptions JsonLine = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One batch: the token opened at the first file that needs it, the counts, the lines printed.</summary>
    private sealed class BatchRun(ArtworkSignOptions options, string? device, bool inPlace, bool force, bool json, bool single) : IAsyncDisposable
    {
        private DeviceSession? _session;
        private readonly List<string> _deferred = [];
        private readonly HashSet<string> _cleaned = new(StringComparer.Ordinal);

        public int Signed { get; private set; }
        public int Skipped { get; private set; }
        public int Failed { get; private set; }
        /// <summary>Set while a progress display owns the terminal: per-file lines wait until it is gone.</summary>
        public bool Deferring { get; set; }
        /// <summary>The registry each signed file's manifest store goes to (`--register`), or null: nothing is uploaded.</summary>
        public RegistryClient? Registry { get; init; }

        /// <summary>Ask the token for one press for the whole batch (set before the first file is signed).</summary>
        public bool OnePress { get; set; }

        /// <summary>How many files passed <see cref="Check"/>: the signatures one press authorises.</summary>
        public int ToSign { get; set; }

        /// <summary>
        /// True when <paramref name="item"/> is to be signed; otherwise it is reported (skipped, or failed) and the
        /// batch goes on. A single file's problem is thrown, with its own exit code.
        /// </summary>
        public bool Check(SignItem item)
        {
            try
            {
                if (item.Problem is not null)
                {
                    Report(item, "failed", item.Problem);
                    return false;
                }
                // Temp files a killed prov left where this one writes (DESIGN: nothing lost, nothing left behind).
                string targetFolder = Path.GetDirectoryName(Path.GetFullPath(item.Target)) ?? ".";
                if (_cleaned.Add(targetFolder) && Directory.Exists(targetFolder) && TempFiles.RemoveAbandoned(targetFolder).Describe(targetFolder) is { } cleaned)
                    Console.Error.WriteLine("note: " + cleaned);

                // A folder, FIFO or device named like an image, or bytes that are not the format the name says, are
                // refused before the token is involved; so is an output the artist did not ask to replace.
                IAssetHandler? handler = ArtworkSigner.EnsureSignable(item.Input);
                if (!inPlace)
                {
                    ArtworkSigner.EnsureOutputKeepsFormat(item.Input, item.Target, handler);
                    if (!force)
                    {
                        try
                        {
                            ArtworkSigner.EnsureOutputFree(item.Target, handler);
                        }
                        catch (OutputExistsException e) when (!single)
                        {
                            Report(item, "skipped", $"{e.FilePath} already exists (--force replaces it)");
                            return false;
                        }
                    }
                }
                if (options.History is { } history && ArtworkSigner.IsLatestVersion(item.Input, handler, history))
                {
                    Report(item, "skipped", "unchanged since its latest version was signed");
                    return false;
                }
                if (item.FromFolder && !force && options.History is null && ArtworkSigner.HasCredentials(item.Input, handler))
                {
                    Report(item, "skipped", "already signed (--force signs it again)");
                    return false;
                }
                return true;
            }
            catch (Exception e) when (!single && IsFileProblem(e))
            {
                Report(item, "failed", CommandErrors.OneLine(CommandErrors.Map(e).Message));
                return false;
            }
        }

        /// <summary>Ask on the terminal whether one press may sign the batch (only when the token has a button to press).</summary>
        public bool AskOnePress { get; set; }

        /// <summary>
        /// Opens the token once for the batch. A token with a button (not the embedded software token) is asked for one
        /// press for the whole batch when the artist said so (`--one-press`, or y on the terminal).
        /// </summary>
        public async Task<DeviceSession> EnsureSessionAsync(CancellationToken cancellationToken)
        {
            if (_session is not null) return _session;
            _session = await DeviceSession.OpenAsync(device, Console.Error, cancellationToken);
            await _session.EnsurePinVerifiedAsync(await _session.Token.GetStatusAsync(cancellationToken), cancellationToken);
            if (!_session.Token.IsEmbedded && ToSign > 1 && (OnePress || (AskOnePress && OnePressConfirmed(ToSign))))
            {
                OnePress = true;
                await OpenBatchAsync(_session, cancellationToken);
            }
            return _session;
        }

        /// <summary>Signs a file that passed <see cref="Check"/>; a file's problem is one line and the batch goes on.</summary>
        public async Task SignAsync(SignItem item, CancellationToken cancellationToken)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(item.Target)) ?? ".");
                DeviceSession session = await EnsureSessionAsync(cancellationToken);
                ArtworkSignResult result = await ArtworkSigner.SignFileAsync(item.Input, item.Target, session.Token, options, session.Presence, null, cancellationToken);
                Signed++;
                string? registered = null;
                if (Registry is not null)
                {
                    // The manifest store as written, with the soft binding the claim signs; the registry keys it by that code.
                    RegistryEntry entry = RegistryEntry.FromSignedFile(result.Output);
                    await Registry.RegisterAsync(entry.Store, Path.GetFileName(result.Output), cancellationToken);
                    registered = Registry.BaseAddress.AbsoluteUri;
                }
                JsonObject signedJson = Signed_(item, result);
                signedJson["registered"] = registered;
                Print(signedJson, $"signed {result.Output} ({result.Format}) with token {result.TokenSerial}, signature #{result.Counter}, {VerifyCommand.KeyProtectionText(result.KeyProtection)}"
                    + (result.Version is { } version ? $", version {version.Number}" + (result.Parent is { } parent ? $" (parent: {parent})" : " (the first)") : "")
                    + (single ? $"\n  signer: {result.Signer}" : "") + (registered is null ? "" : $"\n  registered its manifest and fingerprint at {registered}"), error: false);
                if (result.RecordProblem is { } unrecorded)
                    Console.Error.WriteLine($"note: {result.Output}: signature #{result.Counter} is not in your signing record ({CommandErrors.OneLine(unrecorded)}); 'prov device log' will list it as made elsewhere");
                if (result.Manifest.TimeStampProblem is { } problem)
                    Console.Error.WriteLine($"note: {result.Output}: no time stamp was added ({CommandErrors.OneLine(problem)}); the signature stands, its time is the token's statement");
                if (result.IdentityNote is { } identityNote && Signed == 1) Console.Error.WriteLine("note: " + identityNote);
                if (result.DevelopmentIdentity && Signed == 1)
                    Console.Error.WriteLine("note: signed under the development identity, which names no artist; run 'prov identity create' and 'prov identity enroll' to sign as yourself");
            }
            catch (Exception e) when (!single && IsFileProblem(e))
            {
                Report(item, "failed", CommandErrors.OneLine(CommandErrors.Map(e).Message));
            }
        }

        /// <summary>One press for the batch: the token grants exactly <see cref="ToSign"/> signatures to this connection.</summary>
        private async Task OpenBatchAsync(DeviceSession session, CancellationToken cancellationToken)
        {
            Console.Error.WriteLine($"one press signs these {ToSign} files (the token authorises {ToSign} signatures for this command only)");
            if (await session.Token.OpenBatchAsync(ToSign, BatchWindow(ToSign), session.Presence, cancellationToken))
            {
                Console.Error.WriteLine($"signing session open on token: {ToSign} signatures");
                _batchOpened = true;
            }
            else
            {
                Console.Error.WriteLine("note: this token's firmware cannot authorise a batch with one press (no BATCH, protocol revision 3); it asks for a press per file");
            }
        }

        private bool _batchOpened;

        /// <summary>What is wrong with one file (and the batch goes on), as opposed to the token, the identity or the machine.</summary>
        private static bool IsFileProblem(Exception e) =>
            e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or TimeStampException
            && e is not Provenance.Device.TokenUnavailableException;

        private JsonObject Signed_(SignItem item, ArtworkSignResult result) => new()
        {
            ["version"] = 1,
            ["file"] = item.Input,
            ["status"] = "signed",
            ["output"] = result.Output,
            ["format"] = result.Format,
            ["source"] = options.Source.ToString().ToLowerInvariant(),
            ["input"] = result.Input,
            ["tokenSerial"] = result.TokenSerial,
            ["counter"] = result.Counter,
            ["keyProtection"] = result.KeyProtection,
            // The token as `prov verify --json` names it (the three fields above stay for scripts that read them).
            ["token"] = new JsonObject { ["serial"] = result.TokenSerial, ["counter"] = result.Counter, ["keyProtection"] = result.KeyProtection },
            ["signer"] = result.Signer,
            ["developmentIdentity"] = result.DevelopmentIdentity,
            ["manifest"] = result.Manifest.ManifestLabel,
            ["logEntryHash"] = Convert.ToHexStringLower(result.LogEntryHash),
            ["timeStamped"] = result.Manifest.TimeStamped,
            ["timeStampProblem"] = result.Manifest.TimeStampProblem,
            ["identityAsserted"] = result.IdentityAsserted,
            ["time"] = Rfc3339(DateTimeOffset.UtcNow),
            ["historyVersion"] = result.Version?.Number,
            ["parent"] = result.Parent,
        };

        private void Report(SignItem item, string status, string reason)
        {
            if (status == "failed") Failed++;
            else Skipped++;
            var line = new JsonObject
            {
                ["version"] = 1,
                ["file"] = item.Input,
                ["status"] = status,
                ["reason"] = reason,
                ["time"] = Rfc3339(DateTimeOffset.UtcNow),
            };
            Print(line, $"{status} {item.Input}: {reason}", error: status == "failed");
        }

        private void Print(JsonObject line, string text, bool error)
        {
            if (json)
            {
                Console.WriteLine(line.ToJsonString(JsonLine));
                return;
            }
            if (Deferring)
            {
                // Progress on the terminal says what is being signed; failures are kept for after it.
                if (error) _deferred.Add(text);
                return;
            }
            (error ? Console.Error : Console.Out).WriteLine(text);
        }

        public void FlushDeferred()
        {
            foreach (string text in _deferred) Console.Error.WriteLine(text);
            _deferred.Clear();
        }

        public void PrintSummary()
        {
            string counts = $"{Signed} signed, {Skipped} skipped, {Failed} failed";
            if (json)
            {
                Console.WriteLine(new JsonObject
                {
                    ["version"] = 1,
                    ["summary"] = new JsonObject { ["signed"] = Signed, ["skipped"] = Skipped, ["failed"] = Failed },
                    ["source"] = options.Source.ToString().ToLowerInvariant(),
                    ["timeStampAuthority"] = options.TimeStampAuthority?.ToString(),
                    ["onePress"] = _batchOpened,
                    ["time"] = Rfc3339(DateTimeOffset.UtcNow),
                }.ToJsonString(JsonLine));
                return;
            }
            Console.WriteLine($"{counts}; source: {SourceWords(options.Source)}");
        }

        public async ValueTask DisposeAsync()
        {
            if (_session is not null) await _session.DisposeAsync();
        }
    }
}
