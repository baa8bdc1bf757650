using System.Collections.Generic;
using System.IO;

namespace Token.Core.Tests.Esp32;

/// <summary>
/// The firmware compiles against the real nanoFramework 1.x API: every .nfproj in the repository goes through
/// ../shared/nanoframework-ref/compile-nfproj (Roslyn, C# 9, the project's own Compile items and References, the
/// nanoFramework reference assemblies instead of the desktop library, warnings as errors) and must exit 0.
/// </summary>
public class NanoFrameworkBuildTests
{
    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (string project in NanoFrameworkBuild.Projects()) data.Add(project);
        return data;
    }

    [Fact]
    public void TheEsp32AppIsAmongTheProjectsCompiled()
    {
        List<string> projects = NanoFrameworkBuild.Projects();

        Assert.Contains(Path.Combine("firmware", "Token.Esp32", "Token.Esp32.nfproj"), projects);
    }

    [RequiresNanoFrameworkTheory]
    [MemberData(nameof(Projects))]
    public void ProjectCompilesAgainstTheNanoFrameworkReferenceAssemblies(string project)
    {
        CompileResult result = NanoFrameworkBuild.Compile(project);

        Assert.True(result.ExitCode == 0, "compile-nfproj failed on " + result.Describe());
        Assert.True(File.Exists(result.AssemblyPath), "compile-nfproj exited 0 but wrote no " + result.AssemblyPath + "\n" + result.Output);
    }

    [RequiresNanoFrameworkFact]
    public void TheCoreAloneCompilesForNanoFramework()
    {
        CompileResult result = NanoFrameworkBuild.Core();

        Assert.True(result.Succeeded, "the core's sources, compiled as a nanoFramework library, failed: " + result.Describe());
    }

    [RequiresNanoFrameworkFact]
    public void ACallTheNanoFrameworkApiLacksFailsTheBuild()
    {
        // System.Environment.ProcessorCount exists on desktop .NET, not in nanoFramework 1.x: the build must say so.
        CompileResult result = NanoFrameworkBuild.CompileSnippet("DesktopOnlyApi", new Dictionary<string, string>
        {
            ["Uses.cs"] = "namespace Snippet { public static class Uses { public static int Cores() { return System.Environment.ProcessorCount; } } }",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Environment", result.Output);
        Assert.Contains("error CS", result.Output);
    }

    [RequiresNanoFrameworkFact]
    public void AWarningFailsTheBuild()
    {
        // CS0168: declared but never used. compile-nfproj passes -warnaserror+, as the root Directory.Build.props does.
        CompileResult result = NanoFrameworkBuild.CompileSnippet("WarningIsError", new Dictionary<string, string>
        {
            ["Warns.cs"] = "namespace Snippet { public static class Warns { public static void M() { int unused; } } }",
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CS0168", result.Output);
    }
}
