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
}

/// <summary>
/// An artist's or gallery's own soft-binding registry over SQLite: manifest stores keyed by their active manifest's
/// label, and the ISCC Image-Codes (io.iscc.v0) that find them, searched by Hamming distance.
/// The search reads every binding of the algorithm (a linear scan), which suits one artist's or gallery's works.
/// </summary>
public sealed class SoftBindingRegistry : IDisposable
{
    /// <summary>Schema of the database file (PRAGMA user_version).</summary>
    public const int SchemaVersion = 1;

    /// <summary>
    /// Default search radius in bits. Measured (README "Finding credentials again"): the shared photo fixtures put
    /// re-encoded, resized, grey, bordered and EXIF-rotated copies at 0–2 bits; over 1,198 Debian openclipart drawings
    /// (717,003 unrelated pairs) 4 bits matches 0.15 % of unrelated pairs and finds 46 % of JPEG/resized copies, whose
    /// white margins JPEG noise keeps the exact border trim from removing. Larger radii buy little recall for many
    /// more false matches (8 bits: 61 %, 0.37 %).
    /// </summary>
    public const int DefaultMaxDistance = 4;

    /// <summary>Largest manifest store accepted (stores with thumbnails and history run to a few MB).</summary>
    public const int MaxStoreBytes = 32 * 1024 * 1024;

    private readonly SqliteConnection connection;

    private SoftBindingRegistry(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
    }

    public string Path { get; }

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
        create.CommandText = """
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
            PRAGMA user_version = 1;
            """;
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>Stores a manifest store and the Image-Code that finds it; adding the same manifest again replaces it.</summary>
    public void Add(string manifestId, IsccImageCode code, byte[] store, string? title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestId);
        ArgumentNullException.ThrowIfNull(store);
        if (manifestId.Length > 1024) throw new ArgumentException("the manifest id is longer than 1,024 characters", nameof(manifestId));
        if (store.Length is 0 or > MaxStoreBytes) throw new ArgumentException($"a manifest store must be 1 to {MaxStoreBytes} bytes", nameof(store));
        using SqliteTransaction transaction = connection.BeginTransaction();
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
            bind.CommandText = "INSERT OR IGNORE INTO bindings (alg, value, manifest_id) VALUES ($alg, $value, $id)";
            bind.Parameters.AddWithValue("$alg", IsccImageCode.Algorithm);
            bind.Parameters.AddWithValue("$value", unchecked((long)code.Hash));
            bind.Parameters.AddWithValue("$id", manifestId);
            bind.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Registered works within <paramref name="maxDistance"/> bits of <paramref name="code"/>, nearest first.</summary>
    public IReadOnlyList<RegistryMatch> Find(IsccImageCode code, int maxDistance = DefaultMaxDistance, int limit = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using SqliteCommand query = connection.CreateCommand();
        query.CommandText = """
            SELECT b.manifest_id, b.value, hamming(b.value, $value) AS distance, m.title
            FROM bindings b JOIN manifests m ON m.manifest_id = b.manifest_id
            WHERE b.alg = $alg AND hamming(b.value, $value) <= $max
            ORDER BY distance, m.added
            LIMIT $limit
            """;
        query.Parameters.AddWithValue("$alg", IsccImageCode.Algorithm);
        query.Parameters.AddWithValue("$value", unchecked((long)code.Hash));
        query.Parameters.AddWithValue("$max", maxDistance);
        query.Parameters.AddWithValue("$limit", limit);
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

    /// <summary>The stored manifest store, or null when the id is unknown.</summary>
    public byte[]? ManifestStore(string manifestId)
    {
        using SqliteCommand query = connection.CreateCommand();
        query.CommandText = "SELECT store FROM manifests WHERE manifest_id = $id";
        query.Parameters.AddWithValue("$id", manifestId);
        return query.ExecuteScalar() as byte[];
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void Dispose() => connection.Dispose();
}
