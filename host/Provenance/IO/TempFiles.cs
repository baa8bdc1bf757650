using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Provenance.IO;

/// <summary>What <see cref="TempFiles.RemoveAbandoned"/> removed.</summary>
/// <param name="Files">The leftovers removed, full paths.</param>
/// <param name="BytesFreed">Their total size.</param>
public sealed record LeftoverCleanup(IReadOnlyList<string> Files, long BytesFreed)
{
    /// <summary>Nothing removed.</summary>
    public static LeftoverCleanup None { get; } = new([], 0);

    /// <summary>
    /// One line for stderr ("removed 2 leftover temp files of interrupted prov runs in DIR, 301.2 MB freed"),
    /// or null when nothing was removed.
    /// </summary>
    public string? Describe(string where)
    {
        if (Files.Count == 0) return null;
        string what = Files.Count == 1 ? "1 leftover temp file" : Files.Count.ToString(CultureInfo.InvariantCulture) + " leftover temp files";
        return "removed " + what + " of interrupted prov runs in " + where + ", " + TempFiles.FormatBytes(BytesFreed) + " freed";
    }
}

/// <summary>
/// Names of the temp files prov writes beside a user's file before renaming them into place, and the clean-up of those
/// a killed prov left behind. A temp file is <c>.NAME.prov-tmp-PID-RANDOM</c>: hidden, recognisable, and naming the
/// process that writes it, so a later run can tell a leftover (its writer is gone) from work in progress.
/// </summary>
public static partial class TempFiles
{
    /// <summary>The marker every prov temp file name carries.</summary>
    public const string Marker = ".prov-tmp-";

    /// <summary>A new temp path beside <paramref name="path"/> (same folder, so the final rename stays on one file system).</summary>
    public static string PathBeside(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        return Path.Combine(directory, "." + Path.GetFileName(full) + Marker + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + random);
    }

    /// <summary>The PID of the process that wrote the temp file named <paramref name="fileName"/>, or null when it is not a prov temp file name.</summary>
    public static int? WriterOf(string fileName)
    {
        Match match = TempName().Match(fileName);
        if (!match.Success) return null;
        return int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    /// <summary>
    /// Removes the prov temp files in <paramref name="folder"/> (and its subfolders with <paramref name="recursive"/>)
    /// whose writer process no longer runs. A temp file of a live process is kept, even when that PID now belongs to
    /// another program: a leftover kept is better than a file in progress destroyed. Never throws for one file it
    /// cannot remove; it is simply not counted.
    /// </summary>
    public static LeftoverCleanup RemoveAbandoned(string folder, bool recursive = false)
    {
        if (!Directory.Exists(folder)) return LeftoverCleanup.None;
        var removed = new List<string>();
        long freed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, ".*" + Marker + "*", new EnumerationOptions
            {
                RecurseSubdirectories = recursive,
                IgnoreInaccessible = true,
                AttributesToSkip = 0,
                MatchType = MatchType.Simple,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return LeftoverCleanup.None;
        }

        var liveness = new Dictionary<int, bool>();
        foreach (string path in candidates)
        {
            int? writer = WriterOf(Path.GetFileName(path));
            if (writer is null) continue;
            if (!liveness.TryGetValue(writer.Value, out bool alive))
            {
                alive = IsProcessAlive(writer.Value);
                liveness[writer.Value] = alive;
            }
            if (alive) continue;
            try
            {
                if (!FileKind.IsRegularFile(path)) continue;
                long length = new FileInfo(path).Length;
                File.Delete(path);
                removed.Add(path);
                freed += length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already (another prov cleaned it) or not ours to delete: leave it.
            }
        }
        return removed.Count == 0 ? LeftoverCleanup.None : new LeftoverCleanup(removed, freed);
    }

    /// <summary>True while a process with this PID runs (on Linux: /proc/PID exists).</summary>
    public static bool IsProcessAlive(int pid)
    {
        if (pid <= 0) return false;
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux() && Directory.Exists("/proc/self")) return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>"301.2 MB", "512 bytes".</summary>
    public static string FormatBytes(long bytes)
    {
        if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
        string[] units = ["KB", "MB", "GB", "TB"];
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    [GeneratedRegex(@"^\..+\.prov-tmp-(?<pid>[0-9]{1,10})-[0-9a-f]{8,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();
}
