using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Formats;
using Provenance.IO;
using Provenance.Verification;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov watch FOLDER`: signs each artwork the scanner or drawing app finishes writing into FOLDER (DESIGN.md story 2).
/// A file counts as finished when its size and time stamp have not changed for the settle time and it can be opened
/// for reading; files that already carry Content Credentials are left alone, so nothing is signed twice. Every file
/// type is signed: JPEG, PNG, TIFF and WebP with embedded credentials, anything else (PSD, KRA, CLIP, PDF…) with a
/// `.c2pa` sidecar; `--include`/`--exclude` name patterns choose. Hidden files and sidecars are never signed.
/// Ctrl-C (or --once finishing) prints a summary: "N signed, M skipped, K failed".
/// An unplugged token does not stop it: files wait, and are signed when the token is back (<see cref="WatchTokenLink"/>).
/// </summary>
public sealed class WatchCommand : Command
{

    private readonly Argument<string> _folder = new("folder") { Description = "The folder the scanner or drawing app writes into." };
    private readonly Option<string?> _outDir = new("--out-dir") { Description = "Where signed copies go (default: FOLDER/signed); originals stay as they are." };
    private readonly Option<bool> _inPlace = new("--in-place") { Description = "Replace each file with its signed version (atomically) instead of writing copies." };
    private readonly Option<string?> _source = new("--source") { Description = "camera, scan or tablet (see prov sign); required until you set a default with 'prov consent set --source'." };
    private readonly Option<int> _settleMs = new("--settle-ms") { Description = "How long a file must stay unchanged before it is signed.", DefaultValueFactory = _ => 2000 };
    private readonly Option<bool> _once = new("--once") { Description = "Sign what is in the folder now, then exit, instead of watching." };
    private readonly Option<string?> _device = DeviceSession.CreateDeviceOption();
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON object per line for each file, and a summary object at the end." };
    private readonly Option<string[]> _include = new("--include")
    {
        Description = "Sign only files whose name matches one of these patterns (* and ?, case-insensitive; repeatable), e.g. --include '*.psd'.",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<string[]> _exclude = new("--exclude") { Description = "Never sign files whose name matches one of these patterns (repeatable), e.g. --exclude '*.txt'." };
    private readonly Option<bool> _history = new("--history")
    {
        Description = "Sign every save of a work as a new version whose parent is the previous one ('prov history'), so the final file carries the history of its making.",
    };
    private readonly Option<string?> _tsa = new("--tsa") { Description = "RFC 3161 time-stamp authority URL (default: the one set with 'prov consent set --tsa'; 'none' for no time stamp)." };

    public WatchCommand()
        : base("watch", "Sign artwork as it is written into a folder (scanner or tablet output).")
    {
        _source.AcceptOnlyFromAmong("camera", "scan", "tablet");
        _settleMs.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 600_000) r.AddError("--settle-ms must be 0..600000"); });
        Arguments.Add(_folder);
        _tsa.Validators.Add(SignCommand.TimeStampAuthorityValidator);
        foreach (Option option in new Option[] { _outDir, _inPlace, _source, _settleMs, _once, _include, _exclude, _tsa, _history, _device, _json }) Options.Add(option);
        Validators.Add(r => { if (r.GetValue(_inPlace) && r.GetValue(_outDir) is not null) r.AddError("Give --out-dir or --in-place, not both."); });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        SigningDefaults defaults = ConsentStore.LoadDefaults();
        CaptureSource source = SignCommand.RequireSource(parse.GetValue(_source), defaults);
        var filter = new NameFilter(parse.GetValue(_include) ?? [], parse.GetValue(_exclude) ?? []);
        string folder = Path.GetFullPath(parse.GetValue(_folder)!);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder} does not exist");
        bool inPlace = parse.GetValue(_inPlace);
        string? outDir = inPlace ? null : Path.GetFullPath(parse.GetValue(_outDir) ?? Path.Combine(folder, "signed"));
        if (outDir is not null) Directory.CreateDirectory(outDir);
        bool json = parse.GetValue(_json);
        // Temp files a killed prov left in the folders this one writes into.
        foreach (string written in outDir is null ? [folder] : new[] { folder, outDir })
        {
            if (TempFiles.RemoveAbandoned(written).Describe(written) is { } cleaned) Console.Error.WriteLine("note: " + cleaned);
        }
        TimeSpan settle = TimeSpan.FromMilliseconds(parse.GetValue(_settleMs));

        await using var link = new WatchTokenLink(parse.GetValue(_device), Console.Error);
        await link.ConnectAsync(cancellationToken);
        var pending = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var options = new ArtworkSignOptions
        {
            Source = source,
            Consent = ConsentStore.Load(),
            TimeStampAuthority = SignCommand.ChooseTimeStampAuthority(parse.GetValue(_tsa), defaults),
            History = parse.GetValue(_history) ? Provenance.History.HistoryStore.Default : null,
            // With a history, the signed copy of a work is replaced by each new version of it.
            Overwrite = parse.GetValue(_history),
        };
        bool IsCandidate(string path) => IsArtwork(path, outDir) && filter.Matches(Path.GetFileName(path));

        int failures = 0, signedCount = 0, skippedCount = 0;
        var ours = new HashSet<string>(StringComparer.Ordinal);
        async Task Handle(string path)
        {
            // Signing in place changes the file again; that change is ours, not new artwork. With a history the app may
            // have saved again before our change was seen, so the file itself says whether it is still ours (below).
            bool ourWrite = ours.Remove(path);
            if (ourWrite && options.History is null) return;
            if (link.Session is not { } session)
            {
                link.Queue(path);
                return;
            }
            string target = outDir is null ? path : Path.Combine(outDir, Path.GetFileName(path));
            var line = new JsonObject { ["version"] = 1, ["file"] = path };
            try
            {
                // A FIFO or device named like an image is reported, never opened (opening a FIFO waits for a writer).
                FileKind.RequireRegularFile(path);
                // A file that is not what its name says (a .jpg that is not a JPEG) is reported, not given a sidecar.
                IAssetHandler? handler = ArtworkSigner.EnsureSignable(path);
                // With a history, a save is a new version unless it is still the latest version signed; without one,
                // a file with credentials is never signed twice.
                bool signedBefore = options.History is { } history ? ArtworkSigner.IsLatestVersion(path, handler, history) : ArtworkSigner.HasCredentials(path, handler);
                if (signedBefore && ourWrite) return;
                if (signedBefore || (outDir is not null && options.History is null && File.Exists(target)))
                {
                    line["status"] = "skipped";
                    skippedCount++;
                    line["reason"] = signedBefore ? (options.History is null ? "already carries Content Credentials" : "unchanged since its latest version was signed") : "a signed copy already exists";
                }
                else
                {
                    ArtworkSignResult result = await ArtworkSigner.SignFileAsync(path, target, session.Token, options, session.Presence, null, cancellationToken);
                    line["status"] = "signed";
                    line["output"] = target;
                    line["counter"] = result.Counter;
                    if (result.Version is { } version) line["historyVersion"] = version.Number;
                    line["timeStamped"] = result.Manifest.TimeStamped;
                    signedCount++;
                    link.Signed(result.Counter);
                    if (result.Manifest.TimeStampProblem is { } problem)
                        Console.Error.WriteLine($"note: {target}: no time stamp was added ({CommandErrors.OneLine(problem)})");
                    if (result.RecordProblem is { } unrecorded)
                        Console.Error.WriteLine($"note: {target}: signature #{result.Counter} is not in your signing record ({CommandErrors.OneLine(unrecorded)})");
                    if (outDir is null) ours.Add(path);
                }
            }
            catch (Exception e) when (WatchTokenLink.IsUnplugged(e))
            {
                // Not the file's fault: it waits for the token (said once per outage), and nothing was written.
                await link.LostAsync(path, pending.Count, e);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures++;
                line["status"] = "failed";
                line["reason"] = CommandErrors.Map(e).Message;
            }
            line["time"] = SignCommand.Rfc3339(DateTimeOffset.UtcNow);
            Console.WriteLine(json
                ? line.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
                : $"{line["status"]} {path}" + (line["output"] is { } o ? $" -> {o}" : "") + (line["reason"] is { } r ? $" ({r})" : ""));
        }

        int Finish()
        {
            int waiting = link.Waiting.Count;
            if (json)
            {
                Console.WriteLine(new JsonObject
                {
                    ["version"] = 1,
                    ["summary"] = new JsonObject { ["signed"] = signedCount, ["skipped"] = skippedCount, ["failed"] = failures, ["waiting"] = waiting },
                    ["source"] = SigningDefaults.SourceName(source),
                    ["time"] = SignCommand.Rfc3339(DateTimeOffset.UtcNow),
                }.ToJsonString());
            }
            else
            {
                Console.WriteLine($"{signedCount} signed, {skippedCount} skipped, {failures} failed"
                    + (waiting > 0 ? $", {waiting} waiting for the token (unplugged; not signed)" : "") + $"; source: {SignCommand.SourceWords(source)}");
            }
            return failures == 0 && waiting == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }

        foreach (string path in Directory.EnumerateFiles(folder).Where(IsCandidate)) pending[path] = 0;
        if (parse.GetValue(_once))
        {
            foreach (string path in pending.Keys.Order(StringComparer.Ordinal)) await Handle(path);
            return Finish();
        }

        using var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite };
        void Enqueue(string path)
        {
            if (IsCandidate(path)) pending[path] = 0;
        }
        watcher.Created += (_, e) => Enqueue(e.FullPath);
        watcher.Changed += (_, e) => Enqueue(e.FullPath);
        watcher.Renamed += (_, e) => Enqueue(e.FullPath);
        watcher.EnableRaisingEvents = true;
        Console.Error.WriteLine($"watching {folder} (signed copies to {outDir ?? "the same files"}); Ctrl-C stops");

        var lastSeen = new Dictionary<string, (long Length, DateTime Written, DateTime Since)>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            // An unplugged token is looked for again now and then; when it is back, what waited is signed first.
            if (link.Waiting.Count > 0)
            {
                bool back;
                try { back = await link.TryReconnectAsync(cancellationToken); }
                catch (OperationCanceledException) { break; }
                if (back)
                {
                    foreach (string path in link.TakeWaiting()) await Handle(path);
                }
            }
            foreach (string path in pending.Keys.Order(StringComparer.Ordinal).ToList())
            {
                if (!File.Exists(path)) { pending.TryRemove(path, out _); lastSeen.Remove(path); continue; }
                if (!FileKind.IsRegularFile(path))
                {
                    pending.TryRemove(path, out _);
                    lastSeen.Remove(path);
                    await Handle(path);
                    continue;
                }
                var info = new FileInfo(path);
                DateTime now = DateTime.UtcNow;
                if (!lastSeen.TryGetValue(path, out var seen) || seen.Length != info.Length || seen.Written != info.LastWriteTimeUtc)
                {
                    lastSeen[path] = (info.Length, info.LastWriteTimeUtc, now);
                    continue;
                }
                if (now - seen.Since < settle || !CanOpenExclusively(path)) continue;
                pending.TryRemove(path, out _);
                lastSeen.Remove(path);
                await Handle(path);
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(settle.TotalMilliseconds / 4, 50, 500)), cancellationToken); }
            catch (OperationCanceledException) { break; }
        }
        // Ctrl-C: what this session did.
        return Finish();
    }

    /// <summary>
    /// Any file the artist made; not hidden and temporary files (ours included: ".NAME.prov-tmp-PID-RANDOM"), not
    /// `.c2pa` sidecars (ours are written beside the files), not what is inside the signed-copies folder.
    /// </summary>
    private static bool IsArtwork(string path, string? outDir)
    {
        string name = Path.GetFileName(path);
        if (outDir is not null && string.Equals(Path.GetDirectoryName(path), outDir, StringComparison.Ordinal)) return false;
        return !name.StartsWith('.') && !name.EndsWith(SidecarHandler.Extension, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when no other program holds the file open for writing (a scanner still writing it, say).</summary>
    private static bool CanOpenExclusively(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
