using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Provenance.Formats;

namespace Provenance.Cli.Commands;

/// <summary>One file of a `prov sign` batch: where it is, where its signed copy goes, and why it cannot be signed if it cannot.</summary>
internal sealed record SignItem(string Input, string Target, bool FromFolder, string? Problem = null);

/// <summary>
/// Turns `prov sign PATH...` into the files to sign. A folder is walked recursively; its files keep their paths
/// relative to it under `--out DIR`. Several paths (a shell glob, expanded by the shell) each go to `--out DIR/NAME`.
/// Hidden files, `.c2pa` sidecars and prov's own temp files in a folder are not artwork and are left out, as is
/// the `--out` folder itself when it lies inside an input folder.
/// </summary>
internal static class SignBatch
{
    /// <summary>True when the command line names one file (not a folder): `--out` is then the signed file's name.</summary>
    public static bool IsSingleFile(IReadOnlyList<string> paths) => paths.Count == 1 && !Directory.Exists(paths[0]);

    public static List<SignItem> Plan(IReadOnlyList<string> paths, string? output, bool inPlace)
    {
        var items = new List<SignItem>();
        if (IsSingleFile(paths))
        {
            string target = output is null ? paths[0] : Directory.Exists(output) ? Path.Combine(output, Path.GetFileName(paths[0])) : output;
            items.Add(new SignItem(paths[0], target, FromFolder: false));
            return items;
        }

        string? outDir = inPlace || output is null ? null : Path.GetFullPath(output);
        var targets = new HashSet<string>(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        void Add(SignItem item)
        {
            if (item.Problem is null && !targets.Add(Path.GetFullPath(item.Target)))
                item = item with { Problem = $"another file of this batch is already signed to {item.Target}" };
            items.Add(item);
        }

        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                string folder = Path.GetFullPath(path);
                var files = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
                    .Where(f => IsArtwork(f, folder, outDir))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    items.Add(new SignItem(path, path, FromFolder: false, $"{path} is a folder with no files to sign"));
                    continue;
                }
                foreach (string file in files)
                {
                    string shown = Path.Combine(path, Path.GetRelativePath(folder, file));
                    Add(new SignItem(shown, outDir is null ? shown : Path.Combine(outDir, Path.GetRelativePath(folder, file)), FromFolder: true));
                }
            }
            else if (!File.Exists(path))
            {
                items.Add(new SignItem(path, path, FromFolder: false, $"{path} does not exist"));
            }
            else
            {
                Add(new SignItem(path, outDir is null ? path : Path.Combine(outDir, Path.GetFileName(path)), FromFolder: false));
            }
        }
        return items;
    }

    private static bool IsArtwork(string file, string folder, string? outDir)
    {
        if (outDir is not null && (file.StartsWith(outDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))) return false;
        string relative = Path.GetRelativePath(folder, file);
        // Hidden files and folders (".git", ".DS_Store", prov's ".NAME.prov-tmp-…") are not the artist's work.
        if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) return false;
        return !file.EndsWith(SidecarHandler.Extension, StringComparison.OrdinalIgnoreCase);
    }
}
