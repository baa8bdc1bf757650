using System;
using System.IO;
using System.Security.Cryptography;

namespace Provenance.Identity;

/// <summary>Writes a file so a crash leaves either the old content or the new, never a torn one: temp file in the same folder, flush to disk, rename.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite, bool ownerOnly = false)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("Path has no folder: " + path, nameof(path));
        Directory.CreateDirectory(folder);
        if (!overwrite && File.Exists(fullPath))
        {
            throw new IdentityExistsException(fullPath + " already exists; refusing to overwrite it.");
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
            throw new IdentityExistsException(fullPath + " already exists; refusing to overwrite it.");
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public static void WriteText(string path, string content, bool overwrite, bool ownerOnly = false) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), overwrite, ownerOnly);
}
