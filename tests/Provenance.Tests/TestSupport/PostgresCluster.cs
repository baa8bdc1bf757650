using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Npgsql;

namespace Provenance.Tests.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for the registry tests, started once per test run from Debian's `postgresql` binaries
/// (/usr/lib/postgresql/N/bin, newest N): initdb and pg_ctl in a private temp folder, listening on a Unix socket in
/// that folder only (no TCP port), trust authentication, fsync off; stopped and deleted when the test process exits.
/// As root (CI) they run as the `postgres` user the package creates (`runuser`), since PostgreSQL refuses to run as root.
/// Each caller gets a database of its own.
/// </summary>
internal static class PostgresCluster
{
    private static readonly Lazy<string> Started = new(Start);
    private static int databases;

    /// <summary>Why the tests cannot run here (no PostgreSQL binaries), or null.</summary>
    public static string? Missing() => BinFolder() is null
        ? "PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql (.ci/install does; in CI this test fails instead)"
        : null;

    /// <summary>A connection string to a new, empty database on the run's cluster.</summary>
    public static string NewDatabase()
    {
        string admin = Started.Value;
        string name = $"prov_test_{Environment.ProcessId}_{System.Threading.Interlocked.Increment(ref databases)}";
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            create.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static string? BinFolder()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
            .Where(x => x.Version >= 14 && File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    private static string Start()
    {
        string bin = BinFolder() ?? throw new InvalidOperationException(Missing());
        string folder = Directory.CreateTempSubdirectory("prov-pg-").FullName;
        bool root = Environment.UserName == "root";
        if (root) Run("chown", ["postgres:postgres", folder], asPostgres: false);
        string data = Path.Combine(folder, "data");
        Run(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "--no-locale", "-E", "UTF8"], root);
        Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(folder, "log"), "-w", "-t", "60",
            "-o", $"-k {folder} -p 5432 -c listen_addresses='' -c fsync=off -c full_page_writes=off", "start"], root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], root);
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // The run is over; a folder left in /tmp is all that remains.
            }
        };
        return new NpgsqlConnectionStringBuilder { Host = folder, Port = 5432, Username = "postgres", Database = "postgres", Pooling = true, Timeout = 30 }.ConnectionString;
    }

    private static void Run(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (string a in new[] { "-u", "postgres", "--", program }) start.ArgumentList.Add(a);
        }
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish in 120 s"); }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Trim()} {stdout.Result.Trim()}");
    }
}

/// <summary>A test that needs PostgreSQL: skipped with the reason where its binaries are absent, except in CI (CI=true), where it runs and fails.</summary>
internal sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && PostgresCluster.Missing() is string missing) Skip = missing;
    }
}
