using System;
using System.IO;

namespace Provenance.IO;

/// <summary>
/// Writes a user's file atomically: a temp file in the same folder, flushed to disk, then renamed over the target.
/// A crash leaves either the old file or the new one, never a torn mix.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// A temp path beside <paramref name="path"/>, so the final rename stays on one file system; named so a later run
    /// can remove it should this process die before the rename (<see cref="TempFiles"/>).
    /// </summary>
    public static string TempPathFor(string path) => TempFiles.PathBeside(path);

    /// <summary>
    /// Writes through <paramref name="write"/> into a temp file, then renames it to <paramref name="path"/>. With
    /// <paramref name="overwrite"/> false an existing file is a <see cref="FileExistsException"/> and stays as it was;
    /// <paramref name="ownerOnly"/> creates the file readable by its owner only (Unix mode 0600).
    /// </summary>
    public static void Write(string path, Action<FileStream> write, bool overwrite = true, bool ownerOnly = false)
    {
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath) ?? ".");
        if (!overwrite && File.Exists(fullPath)) throw new FileExistsException(fullPath);
        string temp = TempPathFor(fullPath);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 1 << 16 };
        if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(fullPath))
        {
            throw new FileExistsException(fullPath);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite = true, bool ownerOnly = false)
    {
        byte[] bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes), overwrite, ownerOnly);
    }

    public static void WriteText(string path, string content, bool overwrite = true, bool ownerOnly = false) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), overwrite, ownerOnly);
}

/// <summary>The file to be created already exists and was left as it was.</summary>
public sealed class FileExistsException : IOException
{
    public FileExistsException(string path) : base(path + " already exists; refusing to overwrite it.")
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
