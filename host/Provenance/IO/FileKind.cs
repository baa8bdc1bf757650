using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Provenance.IO;

/// <summary>What a path names, found without opening it.</summary>
public enum FileKindName
{
    /// <summary>Nothing is there.</summary>
    Missing,
    /// <summary>A regular file: the only kind prov reads or signs.</summary>
    Regular,
    /// <summary>A folder.</summary>
    Folder,
    /// <summary>A named pipe (FIFO): opening it for reading waits for a writer, possibly forever.</summary>
    Fifo,
    /// <summary>A Unix domain socket.</summary>
    Socket,
    /// <summary>A character device (a terminal, /dev/zero, a serial port).</summary>
    CharacterDevice,
    /// <summary>A block device (a disk).</summary>
    BlockDevice,
    /// <summary>Something else the operating system reports.</summary>
    Other,
}

/// <summary>
/// Tells regular files from folders, FIFOs, sockets and devices before anything opens them: opening a FIFO blocks
/// until a writer comes, and reading a device may never end, so prov looks at the kind first (issue 18).
/// </summary>
public static class FileKind
{
    // File type bits of st_mode as System.Native reports them (the same on every Unix .NET supports).
    private const int TypeMask = 0xF000;
    private const int TypeFifo = 0x1000;
    private const int TypeCharacter = 0x2000;
    private const int TypeDirectory = 0x4000;
    private const int TypeBlock = 0x6000;
    private const int TypeRegular = 0x8000;
    private const int TypeSocket = 0xC000;

    // System.Native's FileStatus starts { int32 Flags; int32 Mode; ... }; the buffer is larger than the struct so a
    // runtime that grows it cannot write past our memory.
    private const int StatusBufferLength = 512;
    private const int ModeOffset = 4;

    /// <summary>The kind of <paramref name="path"/>, following symbolic links (a link to a FIFO is a FIFO).</summary>
    public static FileKindName Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return FileKindName.Folder;
        if (!File.Exists(path)) return FileKindName.Missing;
        if (OperatingSystem.IsWindows()) return FileKindName.Regular;

        int? mode = UnixMode(path);
        if (mode is null) return FileKindName.Regular;
        return (mode.Value & TypeMask) switch
        {
            TypeRegular => FileKindName.Regular,
            TypeDirectory => FileKindName.Folder,
            TypeFifo => FileKindName.Fifo,
            TypeSocket => FileKindName.Socket,
            TypeCharacter => FileKindName.CharacterDevice,
            TypeBlock => FileKindName.BlockDevice,
            _ => FileKindName.Other,
        };
    }

    /// <summary>True when <paramref name="path"/> is a regular file (or a link to one).</summary>
    public static bool IsRegularFile(string path) => Of(path) == FileKindName.Regular;

    /// <summary>
    /// Why <paramref name="path"/> cannot be read as a file, as the end of a sentence ("is a folder",
    /// "is not a regular file (a FIFO)"), or null when it is a regular file.
    /// </summary>
    public static string? Problem(string path) => Of(path) switch
    {
        FileKindName.Regular => null,
        FileKindName.Missing => "does not exist",
        FileKindName.Folder => "is a folder",
        FileKindName.Fifo => "is not a regular file (a named pipe, FIFO)",
        FileKindName.Socket => "is not a regular file (a socket)",
        FileKindName.CharacterDevice => "is not a regular file (a character device)",
        FileKindName.BlockDevice => "is not a regular file (a block device)",
        _ => "is not a regular file",
    };

    /// <summary>Throws unless <paramref name="path"/> is a regular file; the message names the path and what it is.</summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="NotARegularFileException">A folder, FIFO, socket or device.</exception>
    public static void RequireRegularFile(string path)
    {
        string? problem = Problem(path);
        if (problem is null) return;
        if (Of(path) == FileKindName.Missing) throw new FileNotFoundException(path + " " + problem, path);
        throw new NotARegularFileException(path, problem);
    }

    private static int? UnixMode(string path)
    {
        byte[] utf8 = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, utf8);
        byte[] status = new byte[StatusBufferLength];
        try
        {
            if (NativeMethods.SystemNativeStat(utf8, status) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return BitConverter.ToInt32(status, ModeOffset);
    }

    private static class NativeMethods
    {
        // The runtime's own POSIX shim (shipped with every .NET on Unix, used by System.IO itself): its FileStatus
        // layout is fixed across Linux and macOS, unlike libc's struct stat, so one declaration serves both.
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
        public static extern int SystemNativeStat(byte[] path, [Out] byte[] status);
    }
}

/// <summary>A path names a folder, FIFO, socket or device where a regular file was needed; it was not opened.</summary>
public sealed class NotARegularFileException : IOException
{
    public NotARegularFileException(string path, string problem) : base(path + " " + problem)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
