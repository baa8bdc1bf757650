using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using Microsoft.Data.Sqlite;
using Provenance.Fingerprint;

namespace Provenance.Registry;

/// <summary>A work in the registry close to a queried fingerprint.</summary>
/// <param name="ManifestId">The active manifest's label (`urn:c2pa:…`).</param>
/// <param name="Code">The registered ISCC Image-Code.</param>
/// <param name="Distance">Differing bits of the 64.</param>
/// <param name="Title">The file name it was registered from, when known.</param>
public sealed record RegistryMatch(string ManifestId, IsccImageCode Code, int Distance, string? Title)
{
    /// <summary>1 for the same code, 0 for all 64 bits different.</summary>
    public double Similarity => 1.0 - Distance / 64.0;

    /// <summary>The soft-binding resolution API's similarityScore: 0 (weakest) to 100 (same code), rounded.</summary>
    public int SimilarityScore => (int)Math.Round(100 * Similarity, MidpointRounding.AwayFromZero);
}

/// <summary>
/// An artist's or gallery's own soft-binding registry over SQLite: manifest stores keyed by their active manifest's
/// label, and the ISCC Image-Codes (io.iscc.v0) that find them, searched by Hamming distance. Searches up to
/// <see cref="BindingBands.IndexedRadius"/> bits read only the rows sharing a band with the query (<see cref="BindingBands"/>).
/// One connection, used by one caller at a time (a lock): SQLite serialises writers anyway.
/// </summary>
public sealed class SoftBindingRegistry : ISoftBindingStore
{
    /// <summary>Schema of the database file (PRAGMA user_version): 1 had no band index; 2 adds it.</summary>
    public const int SchemaVersion = 2;

    /// <summary>
    /// Default search radius in bits, measured by tests/bench/registry-threshold.cs (README "Finding credentials
    /// again"): the shared photo fixtures put re-encoded, resized, grey, bordered and EXIF-rotated copies at 0–2 bits;
    /// over 1,310 Debian openclipart drawings (857,395 unrelated pairs) 4 bits matches 0.12 % of unrelated pairs and
    /// finds 39 % of JPEG q70 copies, 74 % of half-size copies and 39 % of q70-halved PNG copies (JPEG noise in white
    /// margins keeps the exact border trim from removing them). 8 bits: 56 %, 86 %, 55 % for 0.31 %. It is also the
    /// widest search the band index answers (<see cref="BindingBands.IndexedRadius"/>).
    /// </summary>
    public const int DefaultMaxDistance = 4;

    /// <summary>Largest manifest store accepted (stores with thumbnails and history run to a few MB).</summary>
    public const int MaxStoreBytes = 32 * 1024 * 1024;

    private readonly SqliteConnection connection;
    private readonly object gate = new();

    private SoftBindingRegistry(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
    }

    public string Path { get; }

    public string Location => Path;

    /// <summary>The default database: registry.db in prov's home folder.</summary>
    public static string DefaultPath => System.IO.Path.Combine(ProvPaths.Home, "registry.db");

    /// <summary>Opens (creating when absent) the registry database.</summary>
    public static SoftBindingRegistry Open(string? path = null)
    {
        string fullPath = System.IO.Path.GetFullPath(path ?? DefaultPath);
        if (System.IO.Path.GetDirectoryName(fullPath) is { } folder) Directory.CreateDirectory(folder);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            connection.CreateFunction("hamming", (long a, long b) => (long)BitOperations.PopCount((ulong)(a ^ b)), isDeterministic: true);
            EnsureSchema(connection, fullPath);
            return new SoftBindingRegistry(fullPath, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        long version = Scalar(connection, "PRAGMA user_version");
        if (version > SchemaVersion)
            throw new InvalidDataException($"the registry {path} has schema {version}, newer than this prov understands ({SchemaVersion}); it was left unchanged");
        if (version == SchemaVersion) return;
        using SqliteTransaction transaction = connection.BeginTransaction();
        using SqliteCommand create = connection.CreateCommand();
        create.Transaction = transaction;
        // Version 1 → 2 keeps every row: only indexes are added (the bands, expressions of the stored value, and the
        // manifest id that registering a manifest again looks up).
        var bands = new System.Text.StringBuilder();
        for (int i = 0; i < BindingBands.Count; i++)
            bands.Append(CultureInfo.InvariantCulture, $"CREATE INDEX IF NOT EXISTS bindings_band{i} ON bindings (alg, {BindingBands.Sql("value", i)});\n");
        create.CommandText = $"""
            CREATE TABLE IF NOT EXISTS manifests (
                manifest_id TEXT PRIMARY KEY,
                store BLOB NOT NULL,
                title TEXT,
                added TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS bindings (
                alg TEXT NOT NULL,
                value INTEGER NOT NULL,
                manifest_id TEXT NOT NULL REFERENCES manifests(manifest_id),
                PRIMARY KEY (alg, value, manifest_id));
            CREATE INDEX IF NOT EXISTS bindings_manifest ON bindings (manifest_id);
            {bands}
            PRAGMA user_version = {SchemaVersion};
            """;
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>Stores a manifest store and the Image-Code that finds it; adding the same manifest again replaces it.</summary>
    public void Add(string manifestId, IsccImageCode code, byte[] store, string? title)
    {
        SoftBindingStores.CheckAdd(manifestId, store);
        lock (gate) AddUnlocked([(manifestId, code, store, title)]);
    }

    /// <summary>Adds many works in one transaction (a bulk load: 100,000 take seconds rather than 100,000 commits).</summary>
    public void AddMany(IEnumerable<(string ManifestId, IsccImageCode Code, byte[] Store, string? Title)> works)
    {
        ArgumentNullException.ThrowIfNull(works);
        lock (gate) AddUnlocked(works);
    }

    private void AddUnlocked(IEnumerable<(string ManifestId, IsccImageCode Code, byte[] Store, string? Title)> works)
    {
        using SqliteTransaction transaction = connection.BeginTransaction();
        foreach ((string manifestId, IsccImageCode code, byte[] store, string? title) in works)
        {
            SoftBindingStores.CheckAdd(manifestId, store);
            using (SqliteCommand insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR REPLACE INTO manifests (manifest_id, store, title, added) VALUES ($id, $store, $title, $added)";
                insert.Parameters.AddWithValue("$id", manifestId);
                insert.Parameters.AddWithValue("$store", store);
                insert.Parameters.AddWithValue("$title", (object?)title ?? DBNull.Value);
                insert.Parameters.AddWithValue("$added", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                insert.ExecuteNonQuery();
            }
            using (SqliteCommand bind = connection.CreateCommand())
            {
                bind.Transaction = transaction;
                // A manifest registered again is found by its new code only.
                bind.CommandText = "DELETE FROM bindings WHERE manifest_id = $id; INSERT OR IGNORE INTO bindings (alg, value, manifest_id) VALUES ($alg, $value, $id)";
                bind.Parameters.AddWithValue("$alg", IsccImageCode.Algorithm);
                bind.Parameters.AddWithValue("$value", unchecked((long)code.Hash));
                bind.Parameters.AddWithValue("$id", manifestId);
                bind.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <summary>Registered works within <paramref name="maxDistance"/> bits of <paramref name="code"/>, nearest first.</summary>
    public IReadOnlyList<RegistryMatch> Find(IsccImageCode code, int maxDistance = DefaultMaxDistance, int limit = 100)
    {
        SoftBindingStores.CheckFind(maxDistance, limit);
        lock (gate)
        {
            using SqliteCommand query = connection.CreateCommand();
            query.CommandText = FindSql(maxDistance);
            query.Parameters.AddWithValue("$alg", IsccImageCode.Algorithm);
            query.Parameters.AddWithValue("$value", unchecked((long)code.Hash));
            query.Parameters.AddWithValue("$max", maxDistance);
            query.Parameters.AddWithValue("$limit", limit);
            for (int i = 0; i < BindingBands.Count; i++) query.Parameters.AddWithValue("$b" + i.ToString(CultureInfo.InvariantCulture), BindingBands.Band(code.Hash, i));
            var matches = new List<RegistryMatch>();
            using SqliteDataReader reader = query.ExecuteReader();
            while (reader.Read())
            {
                matches.Add(new RegistryMatch(
                    reader.GetString(0),
                    new IsccImageCode(unchecked((ulong)reader.GetInt64(1))),
                    reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
            return matches;
        }
    }

    /// <summary>
    /// The search: within <see cref="BindingBands.IndexedRadius"/> bits, only rows sharing a band with the query (one
    /// index lookup per band, united), then the exact distance on those; wider, every row of the algorithm.
    /// </summary>
    internal static string FindSql(int maxDistance)
    {
        string candidates = "b.alg = $alg";
        if (maxDistance <= BindingBands.IndexedRadius)
        {
            var union = new List<string>();
            for (int i = 0; i < BindingBands.Count; i++)
                union.Add($"SELECT rowid FROM bindings WHERE alg = $alg AND {BindingBands.Sql("value", i)} = $b{i}");
            candidates = $"b.rowid IN ({string.Join(" UNION ", union)})";
        }
        return $"""
            SELECT b.manifest_id, b.value, hamming(b.value, $value) AS distance, m.title
            FROM bindings b JOIN manifests m ON m.manifest_id = b.manifest_id
            WHERE {candidates} AND hamming(b.value, $value) <= $max
            ORDER BY distance, m.added, b.manifest_id
            LIMIT $limit
            """;
    }

    /// <summary>SQLite's plan for a search (EXPLAIN QUERY PLAN), one step a line: shows the band indexes in use.</summary>
    public string ExplainFind(int maxDistance)
    {
        lock (gate)
        {
            using SqliteCommand query = connection.CreateCommand();
            query.CommandText = "EXPLAIN QUERY PLAN " + FindSql(maxDistance);
            query.Parameters.AddWithValue("$alg", IsccImageCode.Algorithm);
            query.Parameters.AddWithValue("$value", 0L);
            query.Parameters.AddWithValue("$max", maxDistance);
            query.Parameters.AddWithValue("$limit", 10);
            for (int i = 0; i < BindingBands.Count; i++) query.Parameters.AddWithValue("$b" + i.ToString(CultureInfo.InvariantCulture), 0L);
            var plan = new System.Text.StringBuilder();
            using SqliteDataReader reader = query.ExecuteReader();
            while (reader.Read()) plan.AppendLine(reader.GetString(3));
            return plan.ToString();
        }
    }

    public long Count()
    {
        lock (gate) return Scalar(connection, "SELECT count(*) FROM bindings");
    }

    /// <summary>The stored manifest store, or null when the id is unknown.</summary>
    public byte[]? ManifestStore(string manifestId)
    {
        lock (gate)
        {
            using SqliteCommand query = connection.CreateCommand();
            query.CommandText = "SELECT store FROM manifests WHERE manifest_id = $id";
            query.Parameters.AddWithValue("$id", manifestId);
            return query.ExecuteScalar() as byte[];
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void Dispose() => connection.Dispose();
}
