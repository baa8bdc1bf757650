using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Provenance.Artwork;

/// <summary>One signature the artist's prov asked a token for, as the signing record keeps it.</summary>
/// <param name="TokenSerial">The token that signed.</param>
/// <param name="Counter">The token's counter value for this signature (the one bound into the claim on protocol 2).</param>
/// <param name="Kind">"artwork" (a file signed), "identity" (the CAWG identity signature made for that file in the same press), "external" (a signature for another tool, prov c2patool-signer) or "enrollment" (the challenge a token signs to be certified).</param>
/// <param name="File">The signed file (full path as written), or null for an enrollment.</param>
/// <param name="DataHash">The file's hard-binding hash (c2pa.hash.data, hex), or null.</param>
/// <param name="LogEntryHash">The token's log entry for this signature (hex): ties the record to `prov device log`.</param>
/// <param name="SignedAt">When this computer saw the signature (its clock: a statement, not a proof).</param>
/// <param name="TimeStamp">The RFC 3161 time stamp's genTime when the signature got one (proves "existed no later than").</param>
/// <param name="CounterBound">True when the token checked the counter inside the claim before signing (protocol 2).</param>
public sealed record SignatureRecord(
    string TokenSerial,
    long Counter,
    string Kind,
    string? File,
    string? DataHash,
    string LogEntryHash,
    DateTimeOffset SignedAt,
    DateTimeOffset? TimeStamp,
    bool CounterBound);

/// <summary>
/// The artist's local signing record (issue 15): every signature her prov obtained from a token, with its counter,
/// file, hash and RFC 3161 time when present, in one SQLite file ($PROV_HOME/signing-record.db). It lets her see which
/// works a revocation from counter N covers (`prov identity history --device SERIAL --from-counter N`), and, laid beside
/// the token's hash-chained log (`prov device log`), which signatures were made by something other than her prov.
/// </summary>
/// <example>
/// <code>
/// using SigningRecord record = SigningRecord.Open();
/// foreach (SignatureRecord s in record.List("EMU-1234", fromCounter: 4)) Console.WriteLine(s.File);
/// </code>
/// </example>
public sealed class SigningRecord : IDisposable
{
    /// <summary>Schema version kept in PRAGMA user_version (DESIGN.md "Stored data stays readable").</summary>
    public const int SchemaVersion = 1;

    /// <summary>Environment variable naming another signing record file (default: signing-record.db in the prov home).</summary>
    public const string PathVariable = "PROV_SIGNING_RECORD";

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteConnection _connection;

    private SigningRecord(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Where the record lives: $PROV_SIGNING_RECORD, else signing-record.db in the prov home folder.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } overridden ? overridden : System.IO.Path.Combine(ProvPaths.Home, "signing-record.db");

    /// <summary>Opens (creating when absent) the record at <paramref name="path"/>, default <see cref="DefaultPath"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a signing record this prov can read (a newer schema, or not SQLite); it is left unchanged.</exception>
    public static SigningRecord Open(string? path = null)
    {
        string fullPath = System.IO.Path.GetFullPath(path ?? DefaultPath);
        if (System.IO.Path.GetDirectoryName(fullPath) is { } folder) Directory.CreateDirectory(folder);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = " + ((long)BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            long version = Scalar(connection, "PRAGMA user_version");
            if (version > SchemaVersion)
                throw new InvalidDataException($"the signing record {fullPath} has schema version {version}; this prov reads up to {SchemaVersion} (update prov); it was left unchanged");
            if (version == 0)
            {
                using SqliteTransaction transaction = connection.BeginTransaction();
                Execute(connection, """
                    CREATE TABLE IF NOT EXISTS signatures (
                        token_serial TEXT NOT NULL,
                        counter INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        file TEXT,
                        data_hash TEXT,
                        log_entry_hash TEXT NOT NULL,
                        signed_at TEXT NOT NULL,
                        time_stamp TEXT,
                        counter_bound INTEGER NOT NULL,
                        PRIMARY KEY (token_serial, counter)
                    );
                    PRAGMA user_version = 1;
                    """, transaction);
                transaction.Commit();
            }
            // WAL: `prov identity history` never waits for a `prov watch` that is signing.
            Execute(connection, "PRAGMA journal_mode = WAL");
            return new SigningRecord(fullPath, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"the signing record {fullPath} cannot be opened ({e.Message}); it was left unchanged", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Keeps one signature; a second record of the same token and counter replaces nothing and is refused silently (a counter is never reused).</summary>
    public void Add(SignatureRecord signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        using SqliteCommand insert = _connection.CreateCommand();
        insert.CommandText = """
            INSERT OR IGNORE INTO signatures (token_serial, counter, kind, file, data_hash, log_entry_hash, signed_at, time_stamp, counter_bound)
            VALUES ($serial, $counter, $kind, $file, $hash, $entry, $signedAt, $timeStamp, $bound)
            """;
        insert.Parameters.AddWithValue("$serial", signature.TokenSerial);
        insert.Parameters.AddWithValue("$counter", signature.Counter);
        insert.Parameters.AddWithValue("$kind", signature.Kind);
        insert.Parameters.AddWithValue("$file", (object?)signature.File ?? DBNull.Value);
        insert.Parameters.AddWithValue("$hash", (object?)signature.DataHash ?? DBNull.Value);
        insert.Parameters.AddWithValue("$entry", signature.LogEntryHash);
        insert.Parameters.AddWithValue("$signedAt", Rfc3339(signature.SignedAt));
        insert.Parameters.AddWithValue("$timeStamp", signature.TimeStamp is { } t ? Rfc3339(t) : DBNull.Value);
        insert.Parameters.AddWithValue("$bound", signature.CounterBound ? 1 : 0);
        insert.ExecuteNonQuery();
    }

    /// <summary>Signatures in token and counter order; only <paramref name="tokenSerial"/>'s when given, only counters ≥ <paramref name="fromCounter"/> when given.</summary>
    public IReadOnlyList<SignatureRecord> List(string? tokenSerial = null, long? fromCounter = null)
    {
        using SqliteCommand query = _connection.CreateCommand();
        query.CommandText = """
            SELECT token_serial, counter, kind, file, data_hash, log_entry_hash, signed_at, time_stamp, counter_bound FROM signatures
            WHERE ($serial IS NULL OR token_serial = $serial) AND ($from IS NULL OR counter >= $from)
            ORDER BY token_serial, counter
            """;
        query.Parameters.AddWithValue("$serial", (object?)tokenSerial ?? DBNull.Value);
        query.Parameters.AddWithValue("$from", (object?)fromCounter ?? DBNull.Value);
        var list = new List<SignatureRecord>();
        using SqliteDataReader reader = query.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new SignatureRecord(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                reader.IsDBNull(7) ? null : DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                reader.GetInt64(8) != 0));
        }
        return list;
    }

    /// <summary>
    /// Adds a signature to the record at <paramref name="path"/> (default <see cref="DefaultPath"/>); returns why it could
    /// not be kept, or null. A signature already made must not be undone by a record that cannot be written.
    /// </summary>
    public static string? TryAdd(SignatureRecord signature, string? path = null)
    {
        try
        {
            using SigningRecord record = Open(path);
            record.Add(signature);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or SqliteException)
        {
            return e.Message;
        }
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>RFC 3339 UTC, as every prov JSON output writes times.</summary>
    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

/// <summary>The token's log laid beside the artist's record: which counters the token used that her prov never saw.</summary>
public static class SignatureGaps
{
    /// <summary>
    /// Counters in <paramref name="logCounters"/> (the token's hash-chained log, with each entry's hash) that the record
    /// holds no signature for, or holds with another log entry: signatures made elsewhere (another computer, another
    /// PROV_HOME, a thief's client), in counter order.
    /// </summary>
    public static IReadOnlyList<long> MadeElsewhere(IEnumerable<(long Counter, string EntryHash)> logCounters, IEnumerable<SignatureRecord> record)
    {
        var known = new Dictionary<long, string>();
        foreach (SignatureRecord s in record) known[s.Counter] = s.LogEntryHash;
        var elsewhere = new List<long>();
        foreach (var (counter, hash) in logCounters)
        {
            if (!known.TryGetValue(counter, out string? recorded) || !string.Equals(recorded, hash, StringComparison.OrdinalIgnoreCase)) elsewhere.Add(counter);
        }
        elsewhere.Sort();
        return elsewhere;
    }
}
