using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace Token.Core.Tests.SecureElement;

/// <summary>
/// The .nfproj's file lists: it must link every portable core source (never a copy) and name only files that exist.
/// (Compiling it against nanoFramework is Esp32/NanoFrameworkBuildTests.)
/// </summary>
public class NfprojTests
{
    private static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private static readonly string Esp32Folder = Path.Combine(RepositoryRoot, "firmware", "Token.Esp32");
    private static readonly XDocument Project = XDocument.Load(Path.Combine(Esp32Folder, "Token.Esp32.nfproj"));

    [Fact]
    public void EveryCompileItemExists()
    {
        var missing = CompileItems().Where(path => !File.Exists(path)).ToList();

        Assert.True(missing.Count == 0, "Token.Esp32.nfproj names files that do not exist:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryCoreSourceIsLinked()
    {
        string core = Path.Combine(RepositoryRoot, "firmware", "Token.Core");
        var linked = new HashSet<string>(CompileItems().Select(Path.GetFullPath), StringComparer.Ordinal);
        var unlisted = SourcesUnder(core).Where(file => !linked.Contains(file)).Select(file => Path.GetRelativePath(RepositoryRoot, file)).ToList();

        Assert.True(unlisted.Count == 0,
            "Token.Esp32.nfproj does not link these core files (run firmware/Token.Esp32/update-compile-list.sh):\n" + string.Join("\n", unlisted));
    }

    [Fact]
    public void EveryFirmwareSourceIsCompiledAndNoneIsACopyOfTheCore()
    {
        var compiled = new HashSet<string>(CompileItems().Select(Path.GetFullPath), StringComparer.Ordinal);
        var unlisted = SourcesUnder(Esp32Folder).Where(file => !compiled.Contains(file)).ToList();
        Assert.True(unlisted.Count == 0, "Token.Esp32 sources missing from the .nfproj:\n" + string.Join("\n", unlisted));

        var coreNames = SourcesUnder(Path.Combine(RepositoryRoot, "firmware", "Token.Core")).Select(f => Path.GetRelativePath(Path.Combine(RepositoryRoot, "firmware", "Token.Core"), f)).ToHashSet();
        var copies = SourcesUnder(Esp32Folder).Select(f => Path.GetRelativePath(Esp32Folder, f)).Where(coreNames.Contains).ToList();
        Assert.Empty(copies);
    }

    [Fact]
    public void EveryPackageHasAReferenceOfTheSameVersion()
    {
        XDocument packages = XDocument.Load(Path.Combine(Esp32Folder, "packages.config"));
        var hintPaths = Project.Descendants(MsBuild + "HintPath").Select(h => h.Value).ToList();
        var ids = packages.Descendants("package").Select(p => (Id: (string)p.Attribute("id")!, Version: (string)p.Attribute("version")!)).ToList();

        Assert.Contains(ids, p => p.Id == "nanoFramework.CoreLibrary");
        foreach (var (id, version) in ids)
        {
            Assert.True(hintPaths.Any(h => h.StartsWith("packages\\" + id + "." + version + "\\lib\\", StringComparison.Ordinal)),
                "no <Reference> HintPath for " + id + " " + version);
        }
        Assert.Equal(ids.Count, hintPaths.Count);
    }

    private static List<string> CompileItems()
    {
        return Project.Descendants(MsBuild + "Compile")
            .Select(item => (string)item.Attribute("Include")!)
            .Select(include => Path.GetFullPath(Path.Combine(Esp32Folder, include.Replace('\\', Path.DirectorySeparatorChar))))
            .ToList();
    }

    private static IEnumerable<string> SourcesUnder(string folder)
    {
        string bin = Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar;
        string obj = Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Select(Path.GetFullPath)
            .Where(file => !file.Contains(bin, StringComparison.Ordinal) && !file.Contains(obj, StringComparison.Ordinal))
            .OrderBy(file => file, StringComparer.Ordinal);
    }

    internal static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProvenanceDevice.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ProvenanceDevice.sln not found above " + AppContext.BaseDirectory);
    }
}
