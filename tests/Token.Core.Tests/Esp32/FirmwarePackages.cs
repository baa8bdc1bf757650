using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Token.Core.Tests.Esp32;

/// <summary>The nanoFramework packages the ESP32 app references, read from its packages.config and .nfproj.</summary>
internal static class FirmwarePackages
{
    private static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    private static string Esp32Folder => Path.GetDirectoryName(NanoFrameworkBuild.AppProject)!;

    /// <summary>packages.config: package id → version.</summary>
    public static Dictionary<string, string> Referenced()
    {
        XDocument packages = XDocument.Load(Path.Combine(Esp32Folder, "packages.config"));
        return packages.Descendants("package").ToDictionary(p => (string)p.Attribute("id")!, p => (string)p.Attribute("version")!, StringComparer.Ordinal);
    }

    /// <summary>
    /// The .nfproj's References: assembly name → the package (id, version) its HintPath
    /// (packages\&lt;id&gt;.&lt;version&gt;\lib\&lt;assembly&gt;.dll) takes it from, and the version its Include names, if any.
    /// </summary>
    public static Dictionary<string, (string Package, string Version, string? IncludeVersion)> AssemblySources()
    {
        var result = new Dictionary<string, (string, string, string?)>(StringComparer.Ordinal);
        var hintPath = new Regex(@"^packages\\(?<folder>[^\\]+)\\lib\\(?<assembly>[^\\]+)\.dll$", RegexOptions.CultureInvariant);
        var versionInFolder = new Regex(@"^(?<id>.+?)\.(?<version>\d+\.\d+\.\d+(?:[-.][0-9A-Za-z.-]+)?)$", RegexOptions.CultureInvariant);
        var includeVersion = new Regex(@"Version=(?<version>[0-9.]+)", RegexOptions.CultureInvariant);
        foreach (XElement reference in XDocument.Load(NanoFrameworkBuild.AppProject).Descendants(MsBuild + "Reference"))
        {
            string hint = reference.Element(MsBuild + "HintPath")?.Value.Trim() ?? "";
            Match path = hintPath.Match(hint);
            Assert.True(path.Success, "Reference without a packages\\<id>.<version>\\lib\\<name>.dll HintPath: " + reference);
            Match folder = versionInFolder.Match(path.Groups["folder"].Value);
            Assert.True(folder.Success, "HintPath folder is not <id>.<version>: " + hint);
            Match include = includeVersion.Match((string)reference.Attribute("Include")!);
            result.Add(path.Groups["assembly"].Value, (folder.Groups["id"].Value, folder.Groups["version"].Value, include.Success ? include.Groups["version"].Value : null));
        }
        return result;
    }

    /// <summary>
    /// ../shared/nanoframework-ref/README.md: assembly name → the package version its reference assembly in lib/ was
    /// built from (the ten libraries other than mscorlib carry assembly version 0.0.0.0, so the README is their record).
    /// </summary>
    public static Dictionary<string, string> ReferenceAssemblyVersions()
    {
        string? readme = NanoFrameworkBuild.FindShared(Path.Combine("nanoframework-ref", "README.md"));
        Assert.True(readme != null, "no shared/nanoframework-ref/README.md above " + AppContext.BaseDirectory);
        var row = new Regex(@"^\|\s*(?<assembly>[A-Za-z0-9.]+?)(?:\.dll)?\s*\|(?<source>[^|]*(?<![0-9.])(?<version>\d+\.\d+\.\d+)(?![0-9.])[^|]*)\|\s*$", RegexOptions.CultureInvariant);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(readme!))
        {
            Match m = row.Match(line);
            if (m.Success) result[m.Groups["assembly"].Value] = m.Groups["version"].Value;
        }
        Assert.True(result.ContainsKey("mscorlib") && result.Count >= 10, "could not read the version table of " + readme);
        return result;
    }

    /// <summary>"1.17.11" or "1.17.11.0" → "1.17.11"; the fourth (revision) part is not part of the package version.</summary>
    public static string ThreeParts(string version) => string.Join(".", version.Split('.').Take(3));
}
