using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Provenance.Device;

/// <summary>Who holds a token's lock: a process and the command it runs.</summary>
public sealed record DeviceLockHolder(int ProcessId, string Command)
{
    /// <summary>"in use by PID 4242 (prov watch)".</summary>
    public string Describe() => ProcessId > 0
        ? "in use by PID " + ProcessId.ToString(CultureInfo.InvariantCulture) + " (" + Command + ")"
        : "in use by another process";
}

/// <summary>
/// One program at a time per token, on this computer: the real token has one UART, and a signature's counter is
/// read before it is used, so two commands interleaving on one token would fail or contradict each other. The lock is
/// an OS file lock (<see cref="FileShare.None"/>: flock on Linux and macOS, a share lock on Windows) on a file per
/// endpoint in <see cref="Folder"/>, so a killed process releases it with its last descriptor and a stale holder is
/// simply taken over. Beside it, a small text file names the holder (PID and command) for the waiting message.
/// </summary>
public sealed class DeviceLock : IDisposable
{
    /// <summary>Environment variable naming the lock folder (default: $XDG_RUNTIME_DIR/prov, else a per-user folder in the temp folder).</summary>
    public const string FolderVariable = "PROV_LOCK_DIR";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _lock;
    private readonly string _holderFile;
    private bool _disposed;

    private DeviceLock(FileStream held, string holderFile, string endpoint)
    {
        _lock = held;
        _holderFile = holderFile;
        Endpoint = endpoint;
    }

    /// <summary>The endpoint this lock is for.</summary>
    public string Endpoint { get; }

    /// <summary>Where the lock files live: shared by every prov of this user, whatever its PROV_HOME.</summary>
    public static string Folder
    {
        get
        {
            string? chosen = Environment.GetEnvironmentVariable(FolderVariable);
            if (string.IsNullOrWhiteSpace(chosen))
            {
                string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
                chosen = !string.IsNullOrWhiteSpace(runtime) && Directory.Exists(runtime)
                    ? Path.Combine(runtime, "prov")
                    : Path.Combine(Path.GetTempPath(), "prov-locks-" + Environment.UserName);
            }
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(chosen);
            else Directory.CreateDirectory(chosen, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return chosen;
        }
    }

    /// <summary>The lock file's name for an endpoint: readable, plus a short hash so distinct endpoints never share one.</summary>
    public static string FileNameFor(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        string key = CanonicalEndpoint(endpoint);
        var readable = new StringBuilder();
        foreach (char c in key)
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
            if (readable.Length >= 48) break;
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        return "token-" + readable.ToString().Trim('_') + "-" + hash + ".lock";
    }

    /// <summary>Takes the lock if nobody holds it; otherwise returns null and says who does.</summary>
    public static DeviceLock? TryAcquire(string endpoint, string command, out DeviceLockHolder? holder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        string path = Path.Combine(Folder, FileNameFor(endpoint));
        string holderFile = Path.ChangeExtension(path, ".holder");
        FileStream held;
        try
        {
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            holder = ReadHolder(holderFile);
            return null;
        }
        holder = null;
        WriteHolder(holderFile, Environment.ProcessId, command);
        return new DeviceLock(held, holderFile, endpoint);
    }

    /// <summary>
    /// Waits until the lock is free and takes it. <paramref name="waiting"/> is told once, with who holds it, when
    /// the command has to wait; the wait ends only with the holder or with <paramref name="cancellationToken"/>.
    /// </summary>
    public static async Task<DeviceLock> AcquireAsync(string endpoint, string command, Action<DeviceLockHolder>? waiting, CancellationToken cancellationToken)
    {
        DeviceLockHolder? announced = null;
        int unknownPolls = 0;
        while (true)
        {
            DeviceLock? taken = TryAcquire(endpoint, command, out DeviceLockHolder? holder);
            if (taken is not null) return taken;
            // The holder's note can be unreadable for a moment while it is written: wait a poll or two for it rather
            // than announce an unknown holder and then the same wait again with its PID.
            if (holder is null && announced is null && unknownPolls++ < 2)
            {
                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                continue;
            }
            holder ??= announced ?? new DeviceLockHolder(0, "");
            if (announced is null || (holder.ProcessId != 0 && announced.ProcessId != holder.ProcessId))
            {
                waiting?.Invoke(holder);
                announced = holder;
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            // Only a holder file that still names us is ours to remove; the next holder writes its own.
            if (ReadHolder(_holderFile) is { } holder && holder.ProcessId == Environment.ProcessId) File.Delete(_holderFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stale holder file only makes a waiting message less precise.
        }
        _lock.Dispose();
    }

    /// <summary>Serial ports by their real device (a /dev/serial/by-id link and /dev/ttyUSB0 are one port); TCP as written.</summary>
    private static string CanonicalEndpoint(string endpoint)
    {
        string trimmed = endpoint.Trim();
        if (TcpTransport.IsTcpAddress(trimmed) || !Path.IsPathFullyQualified(trimmed)) return trimmed.ToLowerInvariant();
        try
        {
            FileSystemInfo? target = new FileInfo(trimmed).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? Path.GetFullPath(trimmed);
        }
        catch (IOException)
        {
            return Path.GetFullPath(trimmed);
        }
    }

    private static void WriteHolder(string file, int processId, string command)
    {
        string temporary = file + "." + processId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        try
        {
            File.WriteAllText(temporary, processId.ToString(CultureInfo.InvariantCulture) + "\n" + command + "\n");
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The lock is held either way; only the waiting message of others loses its detail.
        }
    }

    private static DeviceLockHolder? ReadHolder(string file)
    {
        try
        {
            string[] lines = File.ReadAllLines(file);
            if (lines.Length >= 2 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return new DeviceLockHolder(pid, lines[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not written yet, or being replaced: the caller says "another process".
        }
        return null;
    }
}
