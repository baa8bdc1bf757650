using System;
using System.IO;
using System.Threading;

namespace Provenance.Formats;

/// <summary>
/// Where signing and verification open the files they read (the asset and its sidecar). One place, so the
/// performance model's "the input is read once" (DESIGN.md "Performance model") can be checked: a test wraps the
/// stream in one that counts the bytes read.
/// </summary>
public static class AssetFile
{
    /// <summary>The read buffer: large enough that the hashing pass makes few system calls.</summary>
    public const int BufferSize = 1 << 16;

    private static readonly AsyncLocal<Func<string, Stream>?> Opener = new();

    /// <summary>Opens <paramref name="path"/> for reading, shared with other readers.</summary>
    public static Stream OpenRead(string path)
    {
        Stream file = Opener.Value?.Invoke(path) ?? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        return new ReadAheadStream(file, BufferSize);
    }

    /// <summary>
    /// Makes <see cref="OpenRead"/> call <paramref name="open"/> for the unbuffered file stream, in this async flow
    /// until the result is disposed (tests: to count the bytes the system is asked for). Other flows are not affected.
    /// </summary>
    public static IDisposable UseOpener(Func<string, Stream> open)
    {
        Func<string, Stream>? previous = Opener.Value;
        Opener.Value = open;
        return new Restore(previous);
    }

    private sealed class Restore(Func<string, Stream>? previous) : IDisposable
    {
        public void Dispose() => Opener.Value = previous;
    }
}
