using System;
using System.IO;
using System.Security.Cryptography;

namespace Provenance.Identity;

/// <summary>Writes a file so a crash leaves either the old content or the new, never a torn one: temp file in the same folder, flush to disk, rename.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; with <paramref name="overwrite"/> false an existing file is a <see cref="FileExistsException"/> and stays as it was. <paramref name="ownerOnly"/> creates it readable by its owner only (Unix mode 0600).</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite, bool ownerOnly = false)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("Path has no folder: " + path, nameof(path));
        Directory.CreateDirectory(folder);
        if (!overwrite && File.Exists(fullPath))
        {
            throw new FileExistsException(fullPath);
        }

        string temp = Path.Combine(folder, "." + Path.GetFileName(fullPath) + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
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
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes <paramref name="content"/> as UTF-8, atomically (see <see cref="Write"/>).</summary>
    public static void WriteText(string path, string content, bool overwrite, bool ownerOnly = false) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), overwrite, ownerOnly);
}

/// <summary>The file to be created already exists and was left as it was.</summary>
public sealed class FileExistsException : IOException
{
    public FileExistsException(string path) : base(path + " already exists; refusing to overwrite it.")
    {
        FilePath = path;
    }

    /// <summary>The file that exists.</summary>
    public string FilePath { get; }
}
