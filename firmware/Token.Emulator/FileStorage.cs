using System;
using System.IO;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>
/// The emulator's non-volatile storage: one file per record in a state folder. The token core is built to survive
/// torn writes, so a plain overwrite is enough here; each write is flushed to the disk before it returns, as a flash
/// write would be.
/// </summary>
public sealed class FileStorage : IStorage
{
    private const string RecordExtension = ".rec";

    /// <summary>Uses (and creates) <paramref name="folder"/>.</summary>
    public FileStorage(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        // The records hold the token's key: owner-only folder (0700) and files (0600), as on a token nobody else can read.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Folder);
        else Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The state folder holding the records.</summary>
    public string Folder { get; }

    /// <inheritdoc/>
    public byte[]? Read(string name)
    {
        string path = PathOf(name);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Write(string name, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string path = PathOf(name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 4096 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(data, 0, data.Length);
        stream.Flush(flushToDisk: true);
    }

    /// <inheritdoc/>
    public void Delete(string name)
    {
        File.Delete(PathOf(name));
    }

    /// <summary>Record names are the core's own constants; anything that could leave the folder is refused.</summary>
    private string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (char c in name)
        {
            bool allowed = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!allowed || name.StartsWith('.'))
            {
                throw new ArgumentException("record name '" + name + "' is not a plain file name", nameof(name));
            }
        }
        return Path.Combine(Folder, name + RecordExtension);
    }
}
