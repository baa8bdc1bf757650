using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Data.Sqlite;
using Provenance.Verification;

namespace Provenance.Trust;

/// <summary>
/// The gallery's trust store: artists' root certificates (known by SHA-256 fingerprint and a name) and the newest CRL
/// each root has signed, in one SQLite file. <see cref="ToTrustSettings"/> hands them to the verifier.
/// </summary>
/// <example>
/// <code>
/// using TrustStore store = TrustStore.Open();
/// store.Add(File.ReadAllText("ada-root.pem"), "Ada Lovelace");
/// TrustSettings trust = store.ToTrustSettings();
/// </code>
/// </example>
public sealed class TrustStore : IDisposable
{
    /// <summary>Schema version kept in PRAGMA user_version.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Largest certificate file accepted.</summary>
    public const int MaxCertificateBytes = 1024 * 1024;

    /// <summary>Largest CRL file accepted.</summary>
    public const int MaxCrlBytes = 16 * 1024 * 1024;

    // SQLite result codes (sqlite.org/rescode.html).
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    /// <summary>How long an operation waits for another process that holds the store (several prov at once).</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteConnection connection;

    /// <summary>The transaction a multi-statement operation runs in; every command of the connection must join it.</summary>
    private SqliteTransaction? active;

    private TrustStore(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens (creating when absent) the trust store at <paramref name="path"/>, default <see cref="ProvPaths.TrustStore"/>.
    /// </summary>
    /// <exception cref="TrustStoreCorruptException">The file exists but is not a readable prov trust store; it is not modified.</exception>
    public static TrustStore Open(string? path = null)
    {
        string fullPath = System.IO.Path.GetFullPath(path ?? ProvPaths.TrustStore);
        CheckHeader(fullPath);
        string? folder = System.IO.Path.GetDirectoryName(fullPath);
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Pooling would keep the file open after Dispose (tests delete their folders; users may move the file).
            Pooling = false,
            // Seconds a command retries while another process holds the database (several prov at once).
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = " + ((long)BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            EnsureSchema(connection, fullPath);
            // WAL: readers (prov verify) never wait for a writer (prov trust add), and writers queue instead of failing.
            Execute(connection, "PRAGMA journal_mode = WAL");
            return new TrustStore(fullPath, connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            connection.Dispose();
            throw new TrustStoreCorruptException("The trust store " + fullPath + " is not a readable database (" + e.Message + "); it was left unchanged.", e);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new TrustStoreException("The trust store " + fullPath + " cannot be opened (" + e.Message + ").", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trusts the CA certificate in <paramref name="certificate"/> (PEM or DER) under <paramref name="name"/>
    /// (default: its subject CN).
    /// </summary>
    /// <exception cref="TrustStoreException">Not one certificate, not a CA, expired, or already trusted (same fingerprint or name).</exception>
    public TrustedRoot Add(byte[] certificate, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        X509Certificate2 root = ParseCertificate(certificate);
        ValidateCertificateAuthority(root);

        string fingerprint = CertificateFingerprint.Sha256(root);
        string chosenName = string.IsNullOrWhiteSpace(name) ? (root.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } cn ? cn : root.Subject) : name.Trim();
        if (chosenName.Length > 200 || HasControl(chosenName))
        {
            throw new TrustStoreException("The name must be 1 to 200 printable characters.");
        }

        // The checks and the insert are one transaction, so two processes adding at once cannot both pass the checks.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        active = transaction;
        try
        {
            return AddInTransaction(transaction, root, fingerprint, chosenName);
        }
        finally
        {
            active = null;
        }
    }

    private TrustedRoot AddInTransaction(SqliteTransaction transaction, X509Certificate2 root, string fingerprint, string chosenName)
    {
        TrustedRoot? existing = FindByFingerprint(fingerprint);
        if (existing is not null)
        {
            throw new TrustStoreException("This root is already trusted as '" + existing.Name + "' (" + CertificateFingerprint.Display(fingerprint) + ").");
        }

        TrustedRoot? sameName = FindByName(chosenName);
        if (sameName is not null)
        {
            throw new TrustStoreException("A different root is already trusted under the name '" + sameName.Name + "' (" + CertificateFingerprint.Display(sameName.Fingerprint) + "); choose another --name.");
        }

        var added = new TrustedRoot(fingerprint, chosenName, root.Subject, root.NotAfter.ToUniversalTime(), DateTimeOffset.UtcNow, PemEncoding.WriteString("CERTIFICATE", root.RawData) + "\n", CrlNumber: null);
        using SqliteCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO roots (fingerprint, name, subject, not_after, added, pem) VALUES ($fingerprint, $name, $subject, $notAfter, $added, $pem)";
        insert.Parameters.AddWithValue("$fingerprint", added.Fingerprint);
        insert.Parameters.AddWithValue("$name", added.Name);
        insert.Parameters.AddWithValue("$subject", added.Subject);
        insert.Parameters.AddWithValue("$notAfter", added.NotAfter.ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$added", added.Added.ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$pem", added.Pem);
        insert.ExecuteNonQuery();
        transaction.Commit();
        return added;
    }

    /// <summary>Trusts the CA certificate in the PEM text <paramref name="pem"/>.</summary>
    public TrustedRoot Add(string pem, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return Add(Encoding.UTF8.GetBytes(pem), name);
    }

    /// <summary>Every trusted root, by name.</summary>
    public IReadOnlyList<TrustedRoot> List() => Query("ORDER BY r.name COLLATE NOCASE", null);

    /// <summary>Stops trusting the root named <paramref name="nameOrFingerprint"/> (a name, or its SHA-256 fingerprint in hex with or without colons); its CRL goes too.</summary>
    /// <exception cref="TrustedRootNotFoundException">Nothing matches.</exception>
    public TrustedRoot Remove(string nameOrFingerprint)
    {
        ArgumentNullException.ThrowIfNull(nameOrFingerprint);
        string? fingerprint = CertificateFingerprint.Normalize(nameOrFingerprint);
        TrustedRoot root = (fingerprint is null ? null : FindByFingerprint(fingerprint)) ?? FindByName(nameOrFingerprint.Trim())
            ?? throw new TrustedRootNotFoundException("No trusted root is named or has the fingerprint '" + nameOrFingerprint + "' (see `prov trust list`).");

        using SqliteTransaction transaction = connection.BeginTransaction();
        using (SqliteCommand delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM crls WHERE issuer_fingerprint = $fingerprint; DELETE FROM roots WHERE fingerprint = $fingerprint;";
            delete.Parameters.AddWithValue("$fingerprint", root.Fingerprint);
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
        return root;
    }

    /// <summary>
    /// Imports a CRL (DER or PEM) after checking its signature against a trusted root. The store keeps, per root,
    /// only the CRL with the highest cRLNumber; an older or equal one changes nothing (see <see cref="CrlImportResult.Stored"/>).
    /// </summary>
    /// <exception cref="TrustStoreException">Not a CRL, no cRLNumber, or not signed by any trusted root.</exception>
    public CrlImportResult ImportCrl(byte[] crl)
    {
        ArgumentNullException.ThrowIfNull(crl);
        if (crl.Length > MaxCrlBytes)
        {
            throw new TrustStoreException("The CRL is " + crl.Length + " bytes; the limit is " + MaxCrlBytes + ".");
        }

        byte[] der = PemOrDer(crl, "X509 CRL", "CRL");
        RevocationList list = RevocationList.Parse(der);
        foreach (TrustedRoot root in List())
        {
            X509Certificate2 certificate = X509Certificate2.CreateFromPem(root.Pem);
            if (!list.IsSignedBy(certificate))
            {
                continue;
            }

            var result = new CrlImportResult(root.Fingerprint, root.Name, list.Number, list.RevokedCount, Stored: root.CrlNumber is null || list.Number > root.CrlNumber.Value, root.CrlNumber);
            if (result.Stored)
            {
                using SqliteCommand upsert = connection.CreateCommand();
                upsert.CommandText = "INSERT INTO crls (issuer_fingerprint, number, imported, der) VALUES ($fingerprint, $number, $imported, $der) " +
                    "ON CONFLICT(issuer_fingerprint) DO UPDATE SET number = excluded.number, imported = excluded.imported, der = excluded.der";
                upsert.Parameters.AddWithValue("$fingerprint", root.Fingerprint);
                upsert.Parameters.AddWithValue("$number", list.Number.ToString(CultureInfo.InvariantCulture));
                upsert.Parameters.AddWithValue("$imported", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                upsert.Parameters.AddWithValue("$der", der);
                upsert.ExecuteNonQuery();
            }

            return result;
        }

        throw new TrustStoreException("The CRL from '" + list.Issuer + "' is not signed by any trusted root; add the artist's root first (`prov trust add`).");
    }

    /// <summary>The anchors and CRLs for <see cref="Verification"/>.</summary>
    public TrustSettings ToTrustSettings()
    {
        var anchors = new List<X509Certificate2>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TrustedRoot root in List())
        {
            anchors.Add(X509Certificate2.CreateFromPem(root.Pem));
            names[root.Fingerprint] = root.Name;
        }

        var crls = new List<byte[]>();
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT der FROM crls ORDER BY issuer_fingerprint";
        using SqliteDataReader reader = select.ExecuteReader();
        while (reader.Read())
        {
            crls.Add((byte[])reader.GetValue(0));
        }

        return new TrustSettings { Anchors = anchors, Crls = crls, AnchorNames = names };
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => connection.Dispose();

    private static void CheckHeader(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0)
        {
            return;
        }

        byte[] header = new byte[SqliteHeader.Length];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
        {
            throw new TrustStoreCorruptException("The trust store " + path + " is not an SQLite database (bad header); it was left unchanged.");
        }
    }

    /// <summary>
    /// Creates or checks the schema in one IMMEDIATE transaction: when several prov processes open a new store at once,
    /// one creates the tables and the others wait for it (busy timeout), then find the schema in place.
    /// </summary>
    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        using (SqliteCommand check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA quick_check";
            string? verdict = check.ExecuteScalar() as string;
            if (verdict != "ok")
            {
                throw new TrustStoreCorruptException("The trust store " + path + " is damaged (SQLite quick_check: " + verdict + "); it was left unchanged.");
            }
        }

        if (Scalar(connection, "PRAGMA user_version") == SchemaVersion)
        {
            return;
        }

        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        long version = Scalar(connection, "PRAGMA user_version", transaction);
        if (version > SchemaVersion)
        {
            throw new TrustStoreCorruptException("The trust store " + path + " has schema version " + version + ", newer than this prov understands (" + SchemaVersion + "); it was left unchanged.");
        }

        if (version == SchemaVersion)
        {
            return;
        }

        if (Scalar(connection, "SELECT count(*) FROM sqlite_master", transaction) != 0)
        {
            throw new TrustStoreCorruptException("The file " + path + " is an SQLite database but not a prov trust store; it was left unchanged.");
        }

        using SqliteCommand create = connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText =
            "CREATE TABLE IF NOT EXISTS roots (fingerprint TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE COLLATE NOCASE, subject TEXT NOT NULL, not_after TEXT NOT NULL, added TEXT NOT NULL, pem TEXT NOT NULL);" +
            "CREATE TABLE IF NOT EXISTS crls (issuer_fingerprint TEXT PRIMARY KEY NOT NULL REFERENCES roots(fingerprint), number TEXT NOT NULL, imported TEXT NOT NULL, der BLOB NOT NULL);" +
            "PRAGMA user_version = " + SchemaVersion.ToString(CultureInfo.InvariantCulture) + ";";
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private TrustedRoot? FindByFingerprint(string fingerprint)
    {
        IReadOnlyList<TrustedRoot> found = Query("WHERE r.fingerprint = $key", fingerprint);
        return found.Count == 0 ? null : found[0];
    }

    private TrustedRoot? FindByName(string name)
    {
        IReadOnlyList<TrustedRoot> found = Query("WHERE r.name = $key COLLATE NOCASE", name);
        return found.Count == 0 ? null : found[0];
    }

    private List<TrustedRoot> Query(string clause, string? key)
    {
        using SqliteCommand select = connection.CreateCommand();
        select.Transaction = active;
        select.CommandText = "SELECT r.fingerprint, r.name, r.subject, r.not_after, r.added, r.pem, c.number FROM roots r LEFT JOIN crls c ON c.issuer_fingerprint = r.fingerprint " + clause;
        if (key is not null)
        {
            select.Parameters.AddWithValue("$key", key);
        }

        var roots = new List<TrustedRoot>();
        using SqliteDataReader reader = select.ExecuteReader();
        while (reader.Read())
        {
            roots.Add(new TrustedRoot(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : BigInteger.Parse(reader.GetString(6), CultureInfo.InvariantCulture)));
        }

        return roots;
    }

    private static X509Certificate2 ParseCertificate(byte[] data)
    {
        if (data.Length > MaxCertificateBytes)
        {
            throw new TrustStoreException("The certificate file is " + data.Length + " bytes; the limit is " + MaxCertificateBytes + ".");
        }

        byte[] der = PemOrDer(data, "CERTIFICATE", "certificate");
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new TrustStoreException("That is not an X.509 certificate (" + e.Message + ").", e);
        }
    }

    private static void ValidateCertificateAuthority(X509Certificate2 certificate)
    {
        X509BasicConstraintsExtension? constraints = null;
        X509KeyUsageExtension? usage = null;
        foreach (X509Extension extension in certificate.Extensions)
        {
            constraints ??= extension as X509BasicConstraintsExtension;
            usage ??= extension as X509KeyUsageExtension;
        }

        if (constraints is not { CertificateAuthority: true })
        {
            throw new TrustStoreException("'" + certificate.Subject + "' is not a CA certificate (basicConstraints CA:TRUE missing); trust the artist's root (`prov identity export`), not a token certificate.");
        }

        if (usage is not null && (usage.KeyUsages & X509KeyUsageFlags.KeyCertSign) == 0)
        {
            throw new TrustStoreException("'" + certificate.Subject + "' may not sign certificates (keyUsage lacks keyCertSign); only an artist's root (CA) certificate can be trusted.");
        }

        if (certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
        {
            throw new TrustStoreException("'" + certificate.Subject + "' expired on " + certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".");
        }
    }

    /// <summary>Returns the DER inside a single PEM block labelled <paramref name="label"/>, or the input itself when it is not PEM text.</summary>
    private static byte[] PemOrDer(byte[] data, string label, string what)
    {
        if (data.Length == 0 || data[0] == 0x30)
        {
            return data;
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            throw new TrustStoreException("That is neither DER nor PEM text (a " + what + " was expected).");
        }

        byte[]? found = null;
        int count = 0;
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            if (rest[fields.Label].SequenceEqual(label))
            {
                count++;
                found ??= Convert.FromBase64String(rest[fields.Base64Data].ToString());
            }

            rest = rest[fields.Location.End..];
        }

        return count switch
        {
            0 => throw new TrustStoreException("No PEM '" + label + "' block found (a " + what + " was expected)."),
            1 => found!,
            _ => throw new TrustStoreException("The file holds " + count + " PEM '" + label + "' blocks; give one " + what + " per file."),
        };
    }

    private static bool HasControl(string text)
    {
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return text.Length == 0;
    }
}
