using System;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Tests.Conformance;

/// <summary>One row of the corpus's verdicts.tsv: what c2pa-rs 0.91.3 (no trust anchors, no network) said of a file.</summary>
internal sealed record ReferenceVerdict(string File, string State, IReadOnlyList<string> FailureCodes, string From);

/// <summary>
/// The third-party corpus in ../shared/fixtures/c2pa-rs-corpus (125 files from other C2PA implementations' test suites)
/// and c2pa-rs's verdicts on it. Read in place, never copied into the repository.
/// </summary>
internal static class Corpus
{
    public const int FileCount = 125;

    /// <summary>The corpus folder, found by walking up from the test binaries (works from /work/main and worktrees); null when absent.</summary>
    public static string? Directory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "c2pa-rs-corpus");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string RequireDirectory() =>
        Directory() ?? throw new DirectoryNotFoundException("shared/fixtures/c2pa-rs-corpus was not found above " + AppContext.BaseDirectory);

    public static string PathOf(string file) => Path.Combine(RequireDirectory(), file);

    /// <summary>verdicts.tsv, in its order: file, c2pa-rs state, failure codes (comma-separated, `-` for none), source.</summary>
    public static List<ReferenceVerdict> Verdicts()
    {
        var rows = new List<ReferenceVerdict>();
        string[] lines = File.ReadAllLines(Path.Combine(RequireDirectory(), "verdicts.tsv"));
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] cells = lines[i].Split('\t');
            if (cells.Length < 3) throw new InvalidDataException($"verdicts.tsv line {i + 1} has {cells.Length} cells");
            string[] codes = cells[2] == "-" ? [] : cells[2].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            rows.Add(new ReferenceVerdict(cells[0], cells[1], codes, cells.Length > 3 ? cells[3] : ""));
        }
        return rows;
    }

    /// <summary>Corpus files whose name ends with one of the extensions (case-insensitive), for per-format tests.</summary>
    public static IEnumerable<string> FilesEndingWith(params string[] extensions)
    {
        foreach (ReferenceVerdict row in Verdicts())
        {
            foreach (string extension in extensions)
            {
                if (row.File.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                {
                    yield return row.File;
                    break;
                }
            }
        }
    }
}
