using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace Provenance.IO;

/// <summary>
/// An exclusive lock between prov processes on a lock file beside the data it guards (open with FileShare.None:
/// flock on Unix, a share lock on Windows). Read-modify-write of a JSON store happens while holding it, so two
/// processes at once cannot lose each other's change.
/// </summary>
public static class FileLock
{
    /// <summary>How long <see cref="Take"/> waits for another process by default.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>Takes the lock on <paramref name="path"/> (created, owner-only, when absent); dispose to release.</summary>
    /// <exception cref="IOException">Another process held it for longer than <paramref name="wait"/>.</exception>
    public static IDisposable Take(string path, TimeSpan? wait = null)
    {
        TimeSpan limit = wait ?? DefaultWait;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (waited.Elapsed < limit && File.Exists(path))
            {
                Thread.Sleep(50);
            }
            catch (IOException e)
            {
                throw new IOException(path + " is held by another prov process for more than " + limit.TotalSeconds + " s; try again when it has finished.", e);
            }
        }
    }
}
