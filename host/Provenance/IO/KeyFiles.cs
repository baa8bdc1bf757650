using System;
using System.Globalization;
using System.IO;

namespace Provenance.IO;

/// <summary>
/// Private key files stay private: created readable by their owner only (0600, in 0700 folders), and refused, as ssh
/// refuses them, when group or other users can read them, with the chmod that fixes it.
/// </summary>
public static class KeyFiles
{
    /// <summary>Group and other permission bits: none may be set on a key file.</summary>
    private const UnixFileMode Shared =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Owner read and write: the mode of a key file.</summary>
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and search: the mode of a folder holding keys.</summary>
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Throws when the key file at <paramref name="path"/> can be read or changed by other users. A missing file is
    /// fine (nothing to leak). On Windows the folder's ACL is what protects it; nothing is checked here.
    /// </summary>
    /// <exception cref="KeyFileExposedException">Group or other permission bits are set.</exception>
    public static void EnsurePrivate(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & Shared) != 0) throw new KeyFileExposedException(Path.GetFullPath(path), mode);
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) readable by its owner only; an existing folder keeps its mode.</summary>
    public static void CreatePrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, OwnerOnlyFolder);
    }
}

/// <summary>A private key file can be read by other users; it was not used.</summary>
public sealed class KeyFileExposedException : IOException
{
    public KeyFileExposedException(string path, UnixFileMode mode)
        : base("permissions " + Convert.ToString((int)mode, 8).PadLeft(4, '0') + " for " + path + " are too open: it holds a private key that other users can read; " +
               "it was not used. Fix with: chmod 600 " + path)
    {
        FilePath = path;
        Mode = mode;
    }

    public string FilePath { get; }

    public UnixFileMode Mode { get; }
}
