using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Provenance.Fingerprint;

namespace Provenance.Registry;

/// <summary>
/// The registry over PostgreSQL 14+ (Npgsql), for a marketplace: several stateless `prov registry serve` instances
/// share one database. Codes are stored as signed 64-bit integers; the distance is `bit_count((a # b)::bit(64))`
/// (PostgreSQL 14's bit_count of the XOR). Each of the <see cref="BindingBands"/> has an expression index, so a search
/// up to <see cref="BindingBands.IndexedRadius"/> bits is a BitmapOr of five index scans, then the exact distance on
/// those candidates (<see cref="ExplainFind"/> shows the plan). Tables are prefixed `prov_` so that the database can
/// hold other things.
/// </summary>
public sealed class PostgresBindingStore : ISoftBindingStore
{
    /// <summary>Schema version (table prov_registry_schema).</summary>
    public const int SchemaVersion = 1;

    // Any constant: the lock that keeps instances starting together from creating the schema twice.
    private const long SchemaLock = 0x70726F76_72656731;

    private readonly NpgsqlDataSource source;

    private PostgresBindingStore(NpgsqlDataSource source, string location)
    {
        this.source = source;
        Location = location;
    }

    public string Location { get; }

    /// <summary>Opens the database (creating the tables and indexes when absent) from an Npgsql connection string.</summary>
    /// <exception cref="InvalidDataException">The database holds a newer schema than this prov understands.</exception>
    public static PostgresBindingStore Open(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string location = $"PostgreSQL {builder.Host}{(builder.Port != 5432 ? ":" + builder.Port.ToString(CultureInfo.InvariantCulture) : "")}/{builder.Database ?? builder.Username}";
        NpgsqlDataSource source = NpgsqlDataSource.Create(builder);
        try
        {
            EnsureSchema(source, location);
            return new PostgresBindingStore(source, location);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static void EnsureSchema(NpgsqlDataSource source, string location)
    {
        using NpgsqlConnection connection = source.OpenConnection();
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaLock})");
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS prov_registry_schema (version integer NOT NULL)");
        using (var read = new NpgsqlCommand("SELECT max(version) FROM prov_registry_schema", connection, transaction))
        {
            object? found = read.ExecuteScalar();
            int version = found is int v ? v : 0;
            if (version > SchemaVersion)
                throw new InvalidDataException($"the registry in {location} has schema {version}, newer than this prov understands ({SchemaVersion}); it was left unchanged");
            if (version == SchemaVersion)
            {
                transaction.Commit();
                return;
            }
        }
        var create = new StringBuilder("""
            CREATE TABLE IF NOT EXISTS prov_manifests (
                manifest_id text PRIMARY KEY,
                store bytea NOT NULL,
                title text,
                added timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS prov_bindings (
                alg text NOT NULL,
                value bigint NOT NULL,
                manifest_id text NOT NULL REFERENCES prov_manifests(manifest_id) ON DELETE CASCADE,
                PRIMARY KEY (alg, value, manifest_id));
            CREATE INDEX IF NOT EXISTS prov_bindings_manifest ON prov_bindings (manifest_id);

            """);
        for (int i = 0; i < BindingBands.Count; i++)
            create.Append(CultureInfo.InvariantCulture, $"CREATE INDEX IF NOT EXISTS prov_bindings_band{i} ON prov_bindings (alg, {BindingBands.Sql("value", i)});\n");
        create.Append(CultureInfo.InvariantCulture, $"DELETE FROM prov_registry_schema; INSERT INTO prov_registry_schema VALUES ({SchemaVersion});");
        Execute(connection, transaction, create.ToString());
        transaction.Commit();
    }

    public void Add(string manifestId, IsccImageCode code, byte[] store, string? title) => AddMany([(manifestId, code, store, title)]);

    /// <summary>Adds many works in one transaction.</summary>
    public void AddMany(IEnumerable<(string ManifestId, IsccImageCode Code, byte[] Store, string? Title)> works)
    {
        ArgumentNullException.ThrowIfNull(works);
        using NpgsqlConnection connection = source.OpenConnection();
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        using var batch = new NpgsqlBatch(connection, transaction);
        int pending = 0;
        foreach ((string manifestId, IsccImageCode code, byte[] store, string? title) in works)
        {
            SoftBindingStores.CheckAdd(manifestId, store);
            batch.BatchCommands.Add(Command("""
                INSERT INTO prov_manifests (manifest_id, store, title, added) VALUES ($1, $2, $3, now())
                ON CONFLICT (manifest_id) DO UPDATE SET store = excluded.store, title = excluded.title, added = excluded.added
                """, manifestId, store, (object?)title ?? DBNull.Value));
            // A manifest registered again is found by its new code only.
            batch.BatchCommands.Add(Command("DELETE FROM prov_bindings WHERE manifest_id = $1", manifestId));
            batch.BatchCommands.Add(Command("INSERT INTO prov_bindings (alg, value, manifest_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                IsccImageCode.Algorithm, unchecked((long)code.Hash), manifestId));
            if (++pending == 500)
            {
                batch.ExecuteNonQuery();
                batch.BatchCommands.Clear();
                pending = 0;
            }
        }
        if (pending > 0) batch.ExecuteNonQuery();
        transaction.Commit();
    }

    public IReadOnlyList<RegistryMatch> Find(IsccImageCode code, int maxDistance = SoftBindingRegistry.DefaultMaxDistance, int limit = 100)
    {
        SoftBindingStores.CheckFind(maxDistance, limit);
        using NpgsqlConnection connection = source.OpenConnection();
        using NpgsqlCommand query = FindCommand(connection, code, maxDistance, limit, explain: false);
        var matches = new List<RegistryMatch>();
        using NpgsqlDataReader reader = query.ExecuteReader();
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

    /// <summary>PostgreSQL's plan for a search (EXPLAIN), to show that the band indexes, not a scan of every row, find the candidates.</summary>
    public string ExplainFind(IsccImageCode code, int maxDistance)
    {
        using NpgsqlConnection connection = source.OpenConnection();
        using NpgsqlCommand query = FindCommand(connection, code, maxDistance, 10, explain: true);
        var plan = new StringBuilder();
        using NpgsqlDataReader reader = query.ExecuteReader();
        while (reader.Read()) plan.AppendLine(reader.GetString(0));
        return plan.ToString();
    }

    /// <summary>Refreshes the planner's statistics (after a bulk load).</summary>
    public void Analyze()
    {
        using NpgsqlConnection connection = source.OpenConnection();
        Execute(connection, null, "ANALYZE prov_bindings; ANALYZE prov_manifests");
    }

    private static NpgsqlCommand FindCommand(NpgsqlConnection connection, IsccImageCode code, int maxDistance, int limit, bool explain)
    {
        string candidates = "";
        if (maxDistance <= BindingBands.IndexedRadius)
        {
            // Pigeonhole (BindingBands): a code within the radius shares at least one band with the query.
            var bands = Enumerable.Range(0, BindingBands.Count).Select(i => $"{BindingBands.Sql("b.value", i)} = ${5 + i}");
            candidates = $"AND ({string.Join(" OR ", bands)})";
        }
        var command = new NpgsqlCommand($"""
            {(explain ? "EXPLAIN " : "")}SELECT b.manifest_id, b.value, bit_count((b.value # $1)::bit(64))::integer AS distance, m.title
            FROM prov_bindings b JOIN prov_manifests m ON m.manifest_id = b.manifest_id
            WHERE b.alg = $2 {candidates} AND bit_count((b.value # $1)::bit(64)) <= $3
            ORDER BY distance, m.added, b.manifest_id
            LIMIT $4
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = unchecked((long)code.Hash) });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = IsccImageCode.Algorithm });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (long)maxDistance });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit });
        if (maxDistance <= BindingBands.IndexedRadius)
            for (int i = 0; i < BindingBands.Count; i++)
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = BindingBands.Band(code.Hash, i) });
        return command;
    }

    public byte[]? ManifestStore(string manifestId)
    {
        using NpgsqlConnection connection = source.OpenConnection();
        using NpgsqlCommand query = new("SELECT store FROM prov_manifests WHERE manifest_id = $1", connection);
        query.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = manifestId });
        return query.ExecuteScalar() as byte[];
    }

    public long Count()
    {
        using NpgsqlConnection connection = source.OpenConnection();
        using NpgsqlCommand query = new("SELECT count(*) FROM prov_bindings", connection);
        return Convert.ToInt64(query.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    public void Dispose() => source.Dispose();
}
