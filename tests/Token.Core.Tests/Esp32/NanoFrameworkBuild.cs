using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Token.Core.Tests.SecureElement;

namespace Token.Core.Tests.Esp32;

/// <summary>What one run of compile-nfproj (or csc) produced: its exit code, everything it printed, and the assembly.</summary>
internal sealed record CompileResult(string Project, int ExitCode, string Output, string AssemblyPath)
{
    public bool Succeeded => ExitCode == 0 && File.Exists(AssemblyPath);

    public string Describe() => $"{Project}: exit {ExitCode}\n{Output}";
}

/// <summary>
/// Compiles the firmware's .nfproj files with ../shared/nanoframework-ref/compile-nfproj (Roslyn against the real
/// nanoFramework 1.x reference assemblies, warnings as errors) into a folder of this test run, once per project,
/// so the build test and the metadata test read the same assemblies.
/// </summary>
internal static class NanoFrameworkBuild
{
    private const string OutputPrefix = "provenance-nfbuild-";
    private static readonly ConcurrentDictionary<string, Lazy<CompileResult>> Results = new(StringComparer.Ordinal);
    private static readonly Lazy<string> OutputRoot = new(() =>
    {
        RemoveFoldersOfFinishedRuns();
        string dir = Path.Combine(Path.GetTempPath(), OutputPrefix + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        return dir;
    });

    public static string RepositoryRoot { get; } = NfprojTests.FindRepositoryRoot();

    public static string AppProject { get; } = Path.Combine(RepositoryRoot, "firmware", "Token.Esp32", "Token.Esp32.nfproj");

    /// <summary>../shared/nanoframework-ref/compile-nfproj above the test binaries, or null.</summary>
    public static string? CompileScript { get; } = FindShared(Path.Combine("nanoframework-ref", "compile-nfproj"));

    /// <summary>../shared/nanoframework-ref/lib: the reference assemblies compile-nfproj compiles against, or null.</summary>
    public static string? ReferenceLibrary { get; } = CompileScript == null ? null : Path.Combine(Path.GetDirectoryName(CompileScript)!, "lib");

    /// <summary>Why the nanoFramework build cannot run here, or null when it can.</summary>
    public static string? MissingTools()
    {
        if (CompileScript == null) return "no shared/nanoframework-ref/compile-nfproj in any parent of " + AppContext.BaseDirectory;
        if (FindOnPath("python3") == null) return "compile-nfproj needs python3 on PATH (.ci/install installs it)";
        return null;
    }

    /// <summary>Fails (with the reason) when the tools are missing: the attributes below only skip outside CI.</summary>
    public static void RequireTools()
    {
        string? missing = MissingTools();
        Assert.True(missing == null, "cannot compile the firmware against nanoFramework: " + missing);
    }

    /// <summary>A folder of this test run under the temp directory (removed by a later run once this process is gone).</summary>
    public static string TempFolder(string name)
    {
        string dir = Path.Combine(OutputRoot.Value, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Every .nfproj in the repository (build output, packages and node_modules left out), repository-relative.</summary>
    public static List<string> Projects()
    {
        var found = new List<string>();
        var pending = new Stack<string>();
        pending.Push(RepositoryRoot);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            foreach (string file in Directory.EnumerateFiles(dir, "*.nfproj")) found.Add(Path.GetRelativePath(RepositoryRoot, file));
            foreach (string sub in Directory.EnumerateDirectories(dir))
            {
                string name = Path.GetFileName(sub);
                if (name is "bin" or "obj" or "packages" or "node_modules" or "TestResults" || name.StartsWith('.')) continue;
                pending.Push(sub);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>compile-nfproj on a repository .nfproj (relative or absolute path), cached for the test run.</summary>
    public static CompileResult Compile(string project)
    {
        string full = Path.GetFullPath(Path.Combine(RepositoryRoot, project));
        return Results.GetOrAdd(full, p => new Lazy<CompileResult>(() => RunCompileNfproj(p, OutputPathFor(p)))).Value;
    }

    /// <summary>The ESP32 app (which links the whole core) as the board would get it.</summary>
    public static CompileResult App() => Compile(AppProject);

    /// <summary>
    /// The portable core alone, compiled for nanoFramework: a generated library .nfproj with exactly the core sources
    /// the app links and the app's references (so the core is proven not to lean on the ESP32 shell).
    /// </summary>
    public static CompileResult Core() => Results.GetOrAdd("core", _ => new Lazy<CompileResult>(() =>
    {
        XDocument app = XDocument.Load(AppProject);
        string appDir = Path.GetDirectoryName(AppProject)!;
        string[] coreSources = app.Descendants(Ms.Compile)
            .Select(c => (string)c.Attribute("Include")!)
            .Where(include => include.StartsWith("..\\Token.Core\\", StringComparison.Ordinal))
            .Select(include => Path.GetFullPath(Path.Combine(appDir, include.Replace('\\', '/'))))
            .ToArray();
        Assert.True(coreSources.Length > 10, "Token.Esp32.nfproj links too few core files: " + coreSources.Length);
        XElement[] references = app.Descendants(Ms.Reference).Select(r => new XElement(r)).ToArray();

        string dir = Path.Combine(OutputRoot.Value, "core");
        Directory.CreateDirectory(dir);
        string project = Path.Combine(dir, "ProvenanceDevice.Token.Core.nfproj");
        WriteProject(project, "ProvenanceDevice.Token.Core", "Library", coreSources, references);
        return RunCompileNfproj(project, Path.Combine(dir, "ProvenanceDevice.Token.Core.dll"));
    })).Value;

    /// <summary>
    /// A throwaway library .nfproj holding <paramref name="sources"/> (file name → C# text) against mscorlib, compiled by
    /// compile-nfproj exactly like the firmware: how the tests show what the nanoFramework build lets through.
    /// </summary>
    public static CompileResult CompileSnippet(string name, IReadOnlyDictionary<string, string> sources)
    {
        string dir = Path.Combine(OutputRoot.Value, "snippets", name);
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        foreach (var (file, text) in sources)
        {
            string path = Path.Combine(dir, file);
            File.WriteAllText(path, text);
            files.Add(path);
        }
        string project = Path.Combine(dir, name + ".nfproj");
        WriteProject(project, name, "Library", files, Array.Empty<XElement>());   // compile-nfproj always adds mscorlib
        return RunCompileNfproj(project, Path.Combine(dir, name + ".dll"));
    }

    /// <summary>
    /// csc from the .NET SDK (the one compile-nfproj uses), with options compile-nfproj never passes (/unsafe, a newer
    /// language version, the net10 core library): for the constructs the nanoFramework build refuses at compile time,
    /// so the metadata checker's second line of defence can still be shown to catch them.
    /// </summary>
    public static CompileResult CompileWithCsc(string name, string source, params string[] options)
    {
        string dir = Path.Combine(OutputRoot.Value, "csc", name);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, name + ".cs");
        File.WriteAllText(file, source);
        string output = Path.Combine(dir, name + ".dll");
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var args = new List<string> { FindCsc(), "-nologo", "-noconfig", "-nostdlib+", "-target:library", "-out:" + output };
        args.Add("-r:" + Path.Combine(runtime, "System.Private.CoreLib.dll"));
        args.Add("-r:" + Path.Combine(runtime, "System.Runtime.dll"));
        args.AddRange(options);
        args.Add(file);
        (int exit, string text) = Run("dotnet", args);
        return new CompileResult(file, exit, text, output);
    }

    // The test host is stopped without running exit handlers, so each run removes the folders of runs whose process is gone
    // (several worktrees may be testing at once: a live process keeps its folder).
    private static void RemoveFoldersOfFinishedRuns()
    {
        foreach (string dir in Directory.EnumerateDirectories(Path.GetTempPath(), OutputPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(dir).AsSpan(OutputPrefix.Length), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                using Process running = Process.GetProcessById(pid);
                continue;
            }
            catch (ArgumentException)
            {
                // no such process any more
            }
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static string OutputPathFor(string project)
    {
        bool exe = XDocument.Load(project).Descendants(Ms.OutputType).Any(e => e.Value.Trim() == "Exe");
        string relative = Path.GetRelativePath(RepositoryRoot, project).Replace(Path.DirectorySeparatorChar, '_');
        string dir = Path.Combine(OutputRoot.Value, Path.GetFileNameWithoutExtension(relative));
        Directory.CreateDirectory(dir);
        XElement? assemblyName = XDocument.Load(project).Descendants(Ms.AssemblyName).FirstOrDefault();
        string name = assemblyName?.Value.Trim() is { Length: > 0 } n ? n : Path.GetFileNameWithoutExtension(project);
        return Path.Combine(dir, name + (exe ? ".exe" : ".dll"));
    }

    private static CompileResult RunCompileNfproj(string project, string output)
    {
        RequireTools();
        if (File.Exists(output)) File.Delete(output);
        (int exit, string text) = Run(CompileScript!, new[] { project, "--out", output });
        return new CompileResult(project, exit, text, output);
    }

    private static void WriteProject(string path, string assemblyName, string outputType, IEnumerable<string> sources, IEnumerable<XElement> references)
    {
        var project = new XElement(Ms.Project,
            new XElement(Ms.PropertyGroup,
                new XElement(Ms.OutputType, outputType),
                new XElement(Ms.AssemblyName, assemblyName)),
            new XElement(Ms.ItemGroup, sources.Select(s => new XElement(Ms.Compile, new XAttribute("Include", s)))),
            new XElement(Ms.ItemGroup, references));
        new XDocument(project).Save(path);
    }

    private static (int ExitCode, string Output) Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        try
        {
            using Process process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, program + " did not finish within 120 s\n" + stdout);
            }
            return (process.ExitCode, (stdout + stderr.Result).Trim());
        }
        catch (Win32Exception e)
        {
            return (-1, "could not start " + program + ": " + e.Message);
        }
    }

    // The same csc.dll compile-nfproj picks: the newest installed SDK's Roslyn.
    private static string FindCsc()
    {
        (int exit, string sdks) = Run("dotnet", new[] { "--list-sdks" });
        Assert.True(exit == 0, "dotnet --list-sdks failed: " + sdks);
        foreach (string line in sdks.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Reverse())
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string csc = Path.Combine(line.Substring(space + 1).Trim('[', ']'), line.Substring(0, space), "Roslyn", "bincore", "csc.dll");
            if (File.Exists(csc)) return csc;
        }
        throw new InvalidOperationException("no Roslyn/bincore/csc.dll in any SDK listed by dotnet --list-sdks:\n" + sdks);
    }

    // The repository sits beside ../shared (CI: /work/main and /work/shared): walk upward, as ApiSurfaceTests does.
    internal static string? FindShared(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string? FindOnPath(string program)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, program))) return Path.Combine(dir, program);
        }
        return null;
    }

    private static class Ms
    {
        private static readonly XNamespace Ns = "http://schemas.microsoft.com/developer/msbuild/2003";
        public static readonly XName Project = Ns + "Project";
        public static readonly XName PropertyGroup = Ns + "PropertyGroup";
        public static readonly XName ItemGroup = Ns + "ItemGroup";
        public static readonly XName OutputType = Ns + "OutputType";
        public static readonly XName AssemblyName = Ns + "AssemblyName";
        public static readonly XName Compile = Ns + "Compile";
        public static readonly XName Reference = Ns + "Reference";
    }
}

/// <summary>
/// A fact that needs ../shared/nanoframework-ref/compile-nfproj and python3. Outside CI it is skipped, with the reason,
/// when they are missing; under CI=true it always runs, so missing tools fail the build instead of hiding it.
/// </summary>
public sealed class RequiresNanoFrameworkFactAttribute : FactAttribute
{
    public RequiresNanoFrameworkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && NanoFrameworkBuild.MissingTools() is string missing) Skip = missing;
    }
}

/// <summary>The theory form of <see cref="RequiresNanoFrameworkFactAttribute"/>.</summary>
public sealed class RequiresNanoFrameworkTheoryAttribute : TheoryAttribute
{
    public RequiresNanoFrameworkTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && NanoFrameworkBuild.MissingTools() is string missing) Skip = missing;
    }
}
