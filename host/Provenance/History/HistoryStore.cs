using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.IO;

namespace Provenance.History;

/// <summary>One signed version of a work, as the history keeps it.</summary>
/// <param name="Number">1 for the first version the history kept of this work, then 2, 3, …</param>
/// <param name="Manifest">The version's active manifest label.</param>
/// <param name="AssetHash">SHA-256 of the asset as signed (the `c2pa.hash.data` value, the store excluded), hex.</param>
/// <param name="TokenSerial">The token that signed it.</param>
/// <param name="Counter">The token's signature counter for it.</param>
/// <param name="Time">When prov signed it (the host's clock: a statement).</param>
/// <param name="StoreLength">Bytes of its complete manifest store (every earlier version's manifest included).</param>
/// <param name="ManifestLength">Bytes of its own manifest box: what this version adds to the history.</param>
/// <param name="ParentWork">For an export, the native work (PSD, KRA, CLIP…) whose latest version was its parent; else null.</param>
public sealed record HistoryVersion(int Number, string Manifest, string AssetHash, string? TokenSerial, long? Counter, DateTimeOffset Time,
    int StoreLength, int ManifestLength, string? ParentWork)
{
    /// <summary>SHA-256 of the work's file as the app saved it, before signing (hex), when recorded: tells an unchanged file from a new save.</summary>
    public string? SavedHash { get; init; }
}

/// <summary>A work (keyed by its full path) and the versions the history keeps of it, oldest first.</summary>
public sealed record HistoryWork(string Path, IReadOnlyList<HistoryVersion> Versions)
{
    public HistoryVersion? Latest => Versions.Count > 0 ? Versions[^1] : null;
}

/// <summary>What pruning removed.</summary>
public sealed record HistoryPruneResult(string Path, int Removed, int Kept, long BytesFreed);

/// <summary>
/// The artist's history of signed versions (issue 16), in the data folder (<see cref="ProvPaths.Home"/>/history): per
/// work, keyed by its full path, each version's active manifest label, asset hash, token, counter and time, and the
/// bytes to rebuild its complete manifest store, from which the next version's `parentOf` ingredient is made (a drawing
/// app rewrites the file without our manifest, so the parent comes from here, not from the file).
/// </summary>
/// <remarks>
/// Layout: `works/KEY.json` (KEY: SHA-256 of the full path) lists the versions; `manifests/HASH.jumbf` holds each
/// manifest box once, by the SHA-256 of its bytes. Version N's store is version N-1's manifests plus its own, so a
/// version records only the boxes it adds, and N versions take N manifests on disk, not N²/2. Every file carries
/// `schemaVersion` and is written atomically; a later schema reads this one, and fields it does not know are kept
/// (DESIGN.md "Stored data stays readable"). Read-modify-write happens under a lock beside the work's file.
/// </remarks>
public sealed class HistoryStore
{
    /// <summary>The schema this code writes (and the newest it reads).</summary>
    public const int SchemaVersion = 1;

    /// <summary>Largest complete store the history rebuilds (a bound on what an edited work file can make us read).</summary>
    public const long MaxStoreLength = 256L * 1024 * 1024;

    /// <summary>Largest work file read (a work of 100,000 versions stays well under it).</summary>
    private const long MaxWorkFileLength = 64L * 1024 * 1024;

    /// <summary>Native formats of drawing apps: their history lives in sidecars, and an export (PNG, JPEG…) of the same stem takes their latest version as parent.</summary>
    public static readonly IReadOnlyList<string> NativeExtensions = [".psd", ".psb", ".kra", ".clip", ".xcf", ".ora", ".procreate", ".sai", ".sai2"];

    private static readonly string[] ExportExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"];

    public HistoryStore(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
    }

    /// <summary>The history in the artist's data folder.</summary>
    public static HistoryStore Default => new(System.IO.Path.Combine(ProvPaths.Home, "history"));

    public string Directory { get; }

    private string WorksFolder => System.IO.Path.Combine(Directory, "works");

    private string ManifestsFolder => System.IO.Path.Combine(Directory, "manifests");

    /// <summary>The key of a work: its full path as given (case kept: two paths that differ in case are two works on Linux).</summary>
    public static string KeyOf(string path) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(path))));

    private string WorkFile(string path) => System.IO.Path.Combine(WorksFolder, KeyOf(path) + ".json");

    private IDisposable Lock(string path) => FileLock.Take(WorkFile(path) + ".lock");

    /// <summary>The work at <paramref name="path"/>, or null when the history keeps no version of it.</summary>
    public HistoryWork? Find(string path)
    {
        JsonObject? work = LoadWork(WorkFile(path));
        return work == null ? null : ToWork(work);
    }

    /// <summary>Every work the history keeps, by path.</summary>
    public IReadOnlyList<HistoryWork> Works()
    {
        var works = new List<HistoryWork>();
        if (!System.IO.Directory.Exists(WorksFolder)) return works;
        foreach (string file in System.IO.Directory.EnumerateFiles(WorksFolder, "*.json"))
        {
            if (LoadWork(file) is { } work) works.Add(ToWork(work));
        }
        works.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return works;
    }

    /// <summary>
    /// For an export (PNG, JPEG, TIFF, WebP) of a drawing saved natively beside it (`art.png` next to `art.kra`): that
    /// native work when the history keeps a version of it, the most recently signed if several; else null.
    /// </summary>
    public HistoryWork? NativeSourceOf(string exportPath)
    {
        string full = System.IO.Path.GetFullPath(exportPath);
        if (Array.IndexOf(ExportExtensions, System.IO.Path.GetExtension(full).ToLowerInvariant()) < 0) return null;
        string stem = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? "", System.IO.Path.GetFileNameWithoutExtension(full));
        HistoryWork? best = null;
        foreach (string extension in NativeExtensions)
        {
            foreach (string candidate in new[] { stem + extension, stem + extension.ToUpperInvariant() })
            {
                if (Find(candidate) is { Latest: { } latest } work && (best == null || latest.Time > best.Latest!.Time)) best = work;
            }
        }
        return best;
    }

    /// <summary>The complete manifest store version <paramref name="number"/> of the work was signed with.</summary>
    /// <exception cref="HistoryException">The version is not kept, or a manifest it needs is missing or changed on disk.</exception>
    public byte[] StoreOf(string path, int number)
    {
        JsonObject work = LoadWork(WorkFile(path)) ?? throw new HistoryException($"the history keeps no version of {path}");
        return RebuildStore(work, number, path);
    }

    /// <summary>
    /// Records a version just signed: its complete store (<paramref name="store"/>, as written into the file or its
    /// sidecar), its active manifest label and asset hash. <paramref name="previous"/> is the version of this work that
    /// was its parent (null for a first version or an export whose parent is <paramref name="parentWork"/>).
    /// </summary>
    public HistoryVersion Record(string path, byte[] store, string manifestLabel, byte[] assetHash, string? tokenSerial, long? counter,
        DateTimeOffset time, int? previous, string? parentWork, byte[]? savedHash = null)
    {
        ManifestStore parsed = ManifestStore.Parse(store);
        if (parsed.Active?.Label != manifestLabel) throw new HistoryException($"the store's active manifest is not {manifestLabel}");
        string full = System.IO.Path.GetFullPath(path);
        using IDisposable held = Lock(full);
        JsonObject work = LoadWork(WorkFile(full)) ?? new JsonObject { ["schemaVersion"] = SchemaVersion, ["path"] = full, ["versions"] = new JsonArray() };
        JsonArray versions = VersionsOf(work, full);

        // What this version adds beyond its parent version's store: normally only its own manifest.
        var parentBoxes = new HashSet<string>(StringComparer.Ordinal);
        if (previous is { } p)
        {
            foreach (string box in BoxChain(versions, p, full)) parentBoxes.Add(box);
        }
        var added = new JsonArray();
        int ownLength = 0;
        foreach (Manifest manifest in parsed.Manifests)
        {
            byte[] bytes = JumbfWriter.Write(manifest.Box);
            string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (manifest.Label == manifestLabel) ownLength = bytes.Length;
            if (parentBoxes.Contains(hash)) continue;
            string file = System.IO.Path.Combine(ManifestsFolder, hash + ".jumbf");
            if (!File.Exists(file)) AtomicFile.Write(file, bytes, overwrite: true, ownerOnly: true);
            added.Add((JsonNode)JsonValue.Create(hash));
        }

        int number = versions.Count == 0 ? 1 : (NumberOf(versions[^1]!) + 1);
        var version = new JsonObject
        {
            ["number"] = number,
            ["manifest"] = manifestLabel,
            ["assetHash"] = Convert.ToHexStringLower(assetHash),
            ["tokenSerial"] = tokenSerial,
            ["counter"] = counter,
            ["time"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["storeLength"] = store.Length,
            ["manifestLength"] = ownLength,
            ["previous"] = previous,
            ["parentWork"] = parentWork,
            ["savedHash"] = savedHash is null ? null : Convert.ToHexStringLower(savedHash),
            ["boxes"] = added,
        };
        versions.Add((JsonNode)version);
        // The store must come back byte for byte, or the next version's parent would not be what was signed.
        if (!RebuildStore(work, number, full).AsSpan().SequenceEqual(store))
            throw new HistoryException($"the history could not keep version {number} of {full} exactly as signed");
        SaveWork(full, work);
        return ToVersion(version);
    }

    /// <summary>
    /// Keeps the latest <paramref name="keep"/> versions of a work and forgets the others (0 forgets the work). What it
    /// breaks: a later version can no longer be chained to a pruned one (its manifest stays inside the stores of the
    /// versions kept, which were signed with it, but prune cannot make it a parent again); with 0 the next save starts a
    /// new history with `c2pa.created`. Manifest files no kept version needs are deleted.
    /// </summary>
    public HistoryPruneResult Prune(string path, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        string full = System.IO.Path.GetFullPath(path);
        long freed;
        int removed, kept;
        using (Lock(full))
        {
            JsonObject work = LoadWork(WorkFile(full)) ?? throw new HistoryException($"the history keeps no version of {full}");
            JsonArray versions = VersionsOf(work, full);
            removed = Math.Max(0, versions.Count - keep);
            kept = versions.Count - removed;
            if (removed == 0) return new HistoryPruneResult(full, 0, kept, 0);
            if (kept == 0)
            {
                File.Delete(WorkFile(full));
            }
            else
            {
                // The oldest kept version records every box of its store, so it rebuilds without the pruned ones.
                JsonObject oldest = versions[removed]!.AsObject();
                var all = new JsonArray();
                foreach (string box in BoxChain(versions, NumberOf(oldest), full)) all.Add((JsonNode)JsonValue.Create(box));
                oldest["boxes"] = all;
                oldest["previous"] = null;
                for (int i = 0; i < removed; i++) versions.RemoveAt(0);
                SaveWork(full, work);
            }
        }
        freed = CollectGarbage();
        return new HistoryPruneResult(full, removed, kept, freed);
    }

    /// <summary>Bytes the history takes on disk (work files and manifests).</summary>
    public long BytesOnDisk()
    {
        long total = 0;
        foreach (string folder in new[] { WorksFolder, ManifestsFolder })
        {
            if (!System.IO.Directory.Exists(folder)) continue;
            foreach (string file in System.IO.Directory.EnumerateFiles(folder)) total += new FileInfo(file).Length;
        }
        return total;
    }

    /// <summary>Deletes manifest files no kept version names; returns the bytes freed.</summary>
    private long CollectGarbage()
    {
        if (!System.IO.Directory.Exists(ManifestsFolder)) return 0;
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (System.IO.Directory.Exists(WorksFolder))
        {
            foreach (string file in System.IO.Directory.EnumerateFiles(WorksFolder, "*.json"))
            {
                if (LoadWork(file) is not { } work || work["versions"] is not JsonArray versions) continue;
                foreach (JsonNode? version in versions)
                    if (version?["boxes"] is JsonArray boxes)
                        foreach (JsonNode? box in boxes) if (box?.GetValueKind() == JsonValueKind.String) used.Add(box.GetValue<string>());
            }
        }
        long freed = 0;
        foreach (string file in System.IO.Directory.EnumerateFiles(ManifestsFolder, "*.jumbf"))
        {
            if (used.Contains(System.IO.Path.GetFileNameWithoutExtension(file))) continue;
            freed += new FileInfo(file).Length;
            File.Delete(file);
        }
        return freed;
    }

    /// <summary>The box hashes of version <paramref name="number"/>'s store, in store order: its parent versions' first.</summary>
    private static List<string> BoxChain(JsonArray versions, int number, string path)
    {
        var byNumber = new Dictionary<int, JsonObject>();
        foreach (JsonNode? node in versions) if (node is JsonObject v) byNumber[NumberOf(v)] = v;
        var segments = new List<JsonArray>();
        int? current = number;
        var seen = new HashSet<int>();
        // Iterative, and each version at most once: an edited file cannot make this loop or recurse.
        while (current is { } n)
        {
            if (!seen.Add(n)) throw new HistoryException($"the history of {path} names version {n} as its own ancestor");
            if (!byNumber.TryGetValue(n, out JsonObject? version)) throw new HistoryException($"the history of {path} has no version {n}");
            segments.Add(version["boxes"] as JsonArray ?? throw new HistoryException($"version {n} of {path} lists no manifests"));
            current = IntegerOf(version["previous"]) is { } previous and > 0 and <= int.MaxValue ? (int)previous : null;
        }
        var chain = new List<string>();
        for (int i = segments.Count - 1; i >= 0; i--)
            foreach (JsonNode? box in segments[i])
                chain.Add(box?.GetValueKind() == JsonValueKind.String ? box.GetValue<string>() : throw new HistoryException($"the history of {path} names a manifest that is not a hash"));
        return chain;
    }

    private byte[] RebuildStore(JsonObject work, int number, string path)
    {
        JsonArray versions = VersionsOf(work, path);
        var root = new JumbfSuperBox(JumbfTypes.ManifestStore, "c2pa");
        long total = 0;
        foreach (string hash in BoxChain(versions, number, path))
        {
            if (hash.Length != 64 || !IsLowerHex(hash)) throw new HistoryException($"the history of {path} names a manifest that is not a SHA-256 ({hash})");
            string file = System.IO.Path.Combine(ManifestsFolder, hash + ".jumbf");
            if (!File.Exists(file)) throw new HistoryException($"a manifest of version {number} of {path} is missing from the history ({hash}.jumbf)");
            total += new FileInfo(file).Length;
            if (total > MaxStoreLength) throw new HistoryException($"version {number} of {path} would need a store larger than {MaxStoreLength} bytes");
            byte[] bytes = File.ReadAllBytes(file);
            if (!Convert.ToHexStringLower(SHA256.HashData(bytes)).Equals(hash, StringComparison.Ordinal))
                throw new HistoryException($"the manifest {hash}.jumbf in the history was changed on disk");
            root.Children.Add(JumbfReader.ReadSuperBox(bytes));
        }
        return JumbfWriter.Write(root);
    }

    private static bool IsLowerHex(string text)
    {
        foreach (char c in text) if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        return true;
    }

    private static JsonArray VersionsOf(JsonObject work, string path) =>
        work["versions"] as JsonArray ?? throw new HistoryException($"the history of {path} has no version list");

    private static int NumberOf(JsonNode version) =>
        IntegerOf(version["number"]) is { } n and > 0 and <= int.MaxValue ? (int)n : throw new HistoryException("a version in the history has no number");

    /// <summary>An integer field, whether the node was parsed or created here (as int or long); null when absent or not an integer.</summary>
    private static long? IntegerOf(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue(out long l)) return l;
        if (value.TryGetValue(out int i)) return i;
        return null;
    }

    private static JsonObject? LoadWork(string file)
    {
        if (!File.Exists(file)) return null;
        if (new FileInfo(file).Length > MaxWorkFileLength) throw new HistoryException($"{file} is larger than {MaxWorkFileLength} bytes; it is not a history prov wrote");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(file), documentOptions: new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new HistoryException($"{file} cannot be read: {e.Message}");
        }
        if (node is not JsonObject work) throw new HistoryException($"{file} is not a history work file");
        long schema = IntegerOf(work["schemaVersion"]) ?? 0;
        if (schema is < 1 or > SchemaVersion)
            throw new HistoryException($"{file} has schema version {schema}; this prov reads 1..{SchemaVersion} (a newer prov wrote it?)");
        return work;
    }

    private void SaveWork(string path, JsonObject work)
    {
        // Written by this schema; fields a later prov added are kept as they are.
        work["schemaVersion"] = SchemaVersion;
        AtomicFile.WriteText(WorkFile(path), work.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), overwrite: true, ownerOnly: true);
    }

    private static HistoryWork ToWork(JsonObject work)
    {
        string path = work["path"]?.GetValueKind() == JsonValueKind.String ? work["path"]!.GetValue<string>() : "?";
        var versions = new List<HistoryVersion>();
        foreach (JsonNode? node in VersionsOf(work, path)) if (node is JsonObject v) versions.Add(ToVersion(v));
        return new HistoryWork(path, versions);
    }

    private static HistoryVersion ToVersion(JsonObject v)
    {
        string? Text(string name) => v[name] is JsonNode n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        long? Number(string name) => IntegerOf(v[name]);
        DateTimeOffset time = DateTimeOffset.TryParse(Text("time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) ? t : DateTimeOffset.MinValue;
        return new HistoryVersion(NumberOf(v), Text("manifest") ?? "", Text("assetHash") ?? "", Text("tokenSerial"), Number("counter"), time,
            (int)(Number("storeLength") ?? 0), (int)(Number("manifestLength") ?? 0), Text("parentWork")) { SavedHash = Text("savedHash") };
    }
}

/// <summary>The history cannot give what was asked (a version it does not keep, a file changed on disk, a newer schema).</summary>
public sealed class HistoryException(string message) : Exception(message);
