using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Provenance.Formats;

namespace Provenance.Tests.Formats;

/// <summary>Builds small valid images in code and runs the external tools the format tests cross-check against.</summary>
internal static class FormatTestSupport
{
    /// <summary>A store-shaped byte string: a JUMBF superbox header with the c2pa label, then deterministic filler.</summary>
    public static byte[] FakeStore(int length, int seed = 1)
    {
        var store = new byte[length];
        new Random(seed).NextBytes(store);
        BinaryPrimitives.WriteInt32BigEndian(store, length);
        "jumb"u8.CopyTo(store.AsSpan(4));
        return store;
    }

    public static byte[] Png(int width, int height, IEnumerable<(string Type, byte[] Data)>? extraChunksBeforeIdat = null)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        PngChunk(png, "IHDR", ihdr);
        foreach (var (type, data) in extraChunksBeforeIdat ?? []) PngChunk(png, type, data);
        var raw = new byte[height * (1 + 3 * width)];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = y * (1 + 3 * width) + 1 + 3 * x;
                raw[p] = (byte)(x * 16);
                raw[p + 1] = (byte)(y * 16);
                raw[p + 2] = (byte)(x ^ y);
            }
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        PngChunk(png, "IDAT", compressed.ToArray());
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static void PngChunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(header, 4);
        s.Write(header);
        s.Write(data);
        var crcInput = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type).CopyTo(crcInput, 0);
        data.CopyTo(crcInput, 4);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngCrc(crcInput));
        s.Write(crc);
    }

    /// <summary>Independent bitwise CRC-32 (no table) so tests do not check the handler against itself.</summary>
    public static uint PngCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
        }
        return ~c;
    }

    /// <summary>SHA-256 over every byte outside the exclusions, as a C2PA data hash computes it.</summary>
    public static byte[] HashOutside(byte[] file, IReadOnlyList<HashRange> exclusions)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long position = 0;
        foreach (var range in exclusions)
        {
            sha.AppendData(file, (int)position, (int)(range.Start - position));
            position = range.End;
        }
        sha.AppendData(file, (int)position, (int)(file.Length - position));
        return sha.GetHashAndReset();
    }

    public static (StorePlacement Placement, byte[] File) Embed(IAssetHandler handler, byte[] source, byte[] store, string? xmp = null)
    {
        using var input = new MemoryStream(source, writable: false);
        using var output = new MemoryStream();
        var placement = handler.WriteWithPlaceholder(input, output, store.Length, xmp);
        handler.WriteStore(output, placement, store);
        return (placement, output.ToArray());
    }

    /// <summary>The folder that holds `shared/fixtures/c2pa`, found by walking up from the test binaries.</summary>
    public static string FixturePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "c2pa");
            if (Directory.Exists(candidate)) return Path.Combine(candidate, name);
        }
        throw new InvalidOperationException("no shared/fixtures/c2pa folder above " + AppContext.BaseDirectory);
    }

    public static string? FindTool(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Runs a tool on a temp copy of <paramref name="file"/>; returns exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Errors) RunTool(string tool, string extension, byte[] file, params string[] args)
    {
        string path = Path.Combine(Path.GetTempPath(), "prov-fmt-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, file);
        try
        {
            var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in args) info.ArgumentList.Add(a);
            info.ArgumentList.Add(path);
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Lets a tool edit a temp copy of <paramref name="file"/> in place and returns the edited bytes.</summary>
    public static byte[] EditWithTool(string tool, string extension, byte[] file, params string[] args)
    {
        string path = Path.Combine(Path.GetTempPath(), "prov-fmt-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, file);
        try
        {
            var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in args) info.ArgumentList.Add(a);
            info.ArgumentList.Add(path);
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, stderr.Result);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The `exclusions` of the c2pa.hash.data assertion inside a store, decoded from its CBOR.</summary>
    public static List<HashRange> DataHashExclusions(byte[] store)
    {
        byte[] key = [0x6A, .. "exclusions"u8];
        int at = store.AsSpan().IndexOf(key);
        Assert.True(at >= 0, "store has no c2pa.hash.data exclusions");
        var reader = new System.Formats.Cbor.CborReader(store.AsMemory(at + key.Length), System.Formats.Cbor.CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
        var ranges = new List<HashRange>();
        int? count = reader.ReadStartArray();
        for (int i = 0; i < count; i++)
        {
            long start = 0, length = 0;
            int? fields = reader.ReadStartMap();
            for (int f = 0; f < fields; f++)
            {
                string name = reader.ReadTextString();
                if (name == "start") start = reader.ReadInt64();
                else if (name == "length") length = reader.ReadInt64();
                else reader.SkipValue();
            }
            reader.ReadEndMap();
            ranges.Add(new HashRange(start, length));
        }
        return ranges;
    }
}

/// <summary>A theory that is skipped, with the reason, when a command-line tool is not on PATH.</summary>
public sealed class RequiresToolTheoryAttribute : TheoryAttribute
{
    public RequiresToolTheoryAttribute(string tool)
    {
        if (FormatTestSupport.FindTool(tool) is null) Skip = $"{tool} is not installed (CI installs it)";
    }
}
