using System;
using System.IO;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.Formats;

/// <summary>Signing's heavy parts (copy with placeholder, hashing, reading) allocate the same whatever the file's size.</summary>
public class JpegStreamingTests
{
    private const long ImageBytes = 24L * 1024 * 1024;
    private const long AllocationBudget = 2L * 1024 * 1024;

    [Fact]
    public void CopyingHashingAndReadingA24MegabyteJpegAllocateUnder2Megabytes()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string source = folder.File("big.jpg");
        WriteLargeJpeg(source);
        var handler = new JpegHandler();

        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var output = new FileStream(folder.File("out.jpg"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        StorePlacement placement = handler.WriteWithPlaceholder(input, output, 20_000, null);
        DataHasher.Hash(output, placement.Exclusions, "sha256");
        handler.ReadManifestStore(output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(output.Length > ImageBytes);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes for a {output.Length}-byte file");
    }

    /// <summary>The small test JPEG with 24 MiB of zero bytes added to its entropy-coded data (structurally valid JPEG).</summary>
    private static void WriteLargeJpeg(string path)
    {
        byte[] small = TestAssets.SmallJpeg();
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(small, 0, small.Length - 2);
        byte[] zeros = new byte[1 << 20];
        for (long written = 0; written < ImageBytes; written += zeros.Length) file.Write(zeros);
        file.Write([0xFF, 0xD9]);
    }
}
