using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Formats;

/// <summary>Bounded stream helpers shared by the format handlers.</summary>
internal static class AssetIo
{
    private const int CopyBufferSize = 81920;

    /// <summary>Largest manifest store a handler reads into memory (C2PA stores with thumbnails run to a few MB).</summary>
    public const int MaxStoreBytes = 256 * 1024 * 1024;

    /// <summary>Largest XMP packet a handler reads into memory.</summary>
    public const int MaxXmpBytes = 16 * 1024 * 1024;

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/> or throws naming what was being read.</summary>
    public static void ReadAt(Stream stream, long offset, Span<byte> buffer, string format, string what)
    {
        if (offset < 0 || offset + buffer.Length > stream.Length)
            throw new AssetFormatException(format, offset, $"{what} ({buffer.Length} bytes) runs past the end of the file ({stream.Length} bytes)");
        stream.Position = offset;
        stream.ReadExactly(buffer);
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> into a new array; the caller has bounded the length by the file size.</summary>
    public static byte[] ReadBytesAt(Stream stream, long offset, long length, string format, string what)
    {
        if (length < 0 || length > Array.MaxLength || offset < 0 || offset + length > stream.Length)
            throw new AssetFormatException(format, offset, $"{what} ({length} bytes) runs past the end of the file ({stream.Length} bytes)");
        var data = new byte[length];
        ReadAt(stream, offset, data, format, what);
        return data;
    }

    /// <summary>Copies <paramref name="count"/> bytes from the current position of <paramref name="source"/>.</summary>
    public static void Copy(Stream source, Stream destination, long count, string format)
    {
        if (count <= 0) return;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long remaining = count;
            while (remaining > 0)
            {
                int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0) throw new AssetFormatException(format, source.Position, "file ended while copying");
                destination.Write(buffer, 0, read);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies bytes [start, start+count) of the source, replacing the bytes of each patch (ascending, non-overlapping, inside the range).</summary>
    public static void CopyWithPatches(Stream source, Stream destination, long start, long count, IReadOnlyList<(long Offset, byte[] Bytes)> patches, string format)
    {
        long position = start;
        long end = start + count;
        source.Position = start;
        foreach (var (offset, bytes) in patches)
        {
            Copy(source, destination, offset - position, format);
            destination.Write(bytes);
            position = offset + bytes.Length;
            source.Position = position;
        }
        Copy(source, destination, end - position, format);
    }

    /// <summary>
    /// Reads a decompressing stream to its end, refusing output past <paramref name="limit"/> bytes (a small
    /// compressed box must not inflate into all of memory).
    /// </summary>
    public static byte[] Decompress(Stream decompressing, int limit, string format, long offset, string what)
    {
        using var output = new MemoryStream();
        var buffer = new byte[65536];
        int read;
        while ((read = decompressing.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (output.Length + read > limit)
                throw new AssetFormatException(format, offset, $"{what} inflates past the {limit}-byte limit");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }

    public static void WriteZeros(Stream destination, long count)
    {
        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        while (count > 0)
        {
            int n = (int)Math.Min(zeros.Length, count);
            destination.Write(zeros[..n]);
            count -= n;
        }
    }

    public static void CheckStoreLength(StorePlacement placement, byte[] store)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(store);
        if (store.Length != placement.StoreLength)
            throw new ArgumentException($"the store is {store.Length} bytes but the placeholder holds {placement.StoreLength}", nameof(store));
    }
}

/// <summary>CRC-32 as used by PNG (ISO 3309, polynomial 0xEDB88320, reflected).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = crc ^ 0xFFFFFFFFu;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0, data);
}

internal static class StoreLimits
{
    /// <summary>Throws when an embedded store is larger than <see cref="AssetIo.MaxStoreBytes"/>.</summary>
    public static void Check(string format, long offset, long length, string what)
    {
        if (length > AssetIo.MaxStoreBytes)
            throw new AssetFormatException(format, offset, $"{what} of {length} bytes is larger than the {AssetIo.MaxStoreBytes}-byte limit");
    }
}
