using System;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Tests.Fingerprint;

/// <summary>shared/fixtures/iscc: images with the ISCC Image-Codes Pillow and iscc-core give them (expected.tsv).</summary>
internal static class IsccFixtures
{
    public static string? Directory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "iscc");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Rows of expected.tsv: file (relative to the iscc folder), reference code, description.</summary>
    public static IReadOnlyList<(string File, string Code, string What)> Rows()
    {
        string dir = Directory() ?? throw new DirectoryNotFoundException("shared/fixtures/iscc was not found above the test directory");
        var rows = new List<(string, string, string)>();
        foreach (string line in File.ReadLines(Path.Combine(dir, "expected.tsv")))
        {
            string[] cells = line.Split('\t');
            if (cells.Length < 3 || cells[0] == "file") continue;
            rows.Add((cells[0], cells[1], cells[2]));
        }
        return rows;
    }

    public static string PathOf(string file) => Path.GetFullPath(Path.Combine(Directory()!, file));
}
