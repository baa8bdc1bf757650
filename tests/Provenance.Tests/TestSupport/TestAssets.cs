using System;
using System.IO;

namespace Provenance.Tests.TestSupport;

/// <summary>Small assets made for the tests, and the shared C2PA fixtures.</summary>
internal static class TestAssets
{
    /// <summary>A 32×24 baseline JPEG (JFIF, no metadata) made with ImageMagick: `convert -size 32x24 gradient:red-blue -quality 80 -strip`.</summary>
    public static byte[] SmallJpeg() => Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAYACADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAUH/8QAFhABAQEAAAAAAAAAAAAAAAAAABNh/8QAFgEBAQEAAAAAAAAAAAAAAAAAAAcE/8QAGREAAQUAAAAAAAAAAAAAAAAAAAMUFlFh/9oADAMBAAIRAxEAPwDML6X1KvpfW6M4VuQ6Vb6X1KvpfSM4JDpIvpfQXNghRG3q1i+l9AYIUHq1n//Z");

    /// <summary>
    /// The shared fixtures folder (…/shared/fixtures/c2pa), found by walking up from the test binaries:
    /// works from /work/main (CI) and from worktrees under /work/wt/*. Null when absent.
    /// </summary>
    public static string? FixturesDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "c2pa");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string Fixture(string name) =>
        Path.Combine(FixturesDirectory() ?? throw new DirectoryNotFoundException("shared/fixtures/c2pa was not found above the test directory"), name);

    /// <summary>A fresh folder under the system temp folder, deleted by the caller's using.</summary>
    public static TempFolder NewFolder() => new();
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "prov-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
