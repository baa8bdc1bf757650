using System;
using System.IO;

namespace Provenance.IO;

/// <summary>
/// Writes a user's file atomically: a temp file in the same folder, flushed to disk, then renamed over the target.
/// A crash leaves either the old file or the new one, never a truncated mix.
/// </summary>
public static class AtomicFile
{
    /// <summary>A temp path beside <paramref name="path"/>, so the final rename stays on one file system.</summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        return Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Writes through <paramref name="write"/> into a temp file, then replaces <paramref name="path"/>.</summary>
    public static void Write(string path, Action<FileStream> write, bool overwrite = true)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes, bool overwrite = true) =>
        Write(path, stream => stream.Write(bytes), overwrite);

    public static void WriteAllText(string path, string text, bool overwrite = true) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), overwrite);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
