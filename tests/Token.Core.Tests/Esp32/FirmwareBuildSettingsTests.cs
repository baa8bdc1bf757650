using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace Token.Core.Tests.Esp32;

/// <summary>
/// Which of the repository's build settings reach Token.Esp32.nfproj when Visual Studio builds it. The nanoFramework
/// project system is not installed here, so MSBuild evaluates the real .nfproj with stand-ins for its three imports that
/// keep what matters for the settings (nanoframework/nf-Visual-Studio-extension, VisualStudio.Extension-2022/Targets):
/// NFProjectSystem.Default.props sets LangVersion 9.0, NFProjectSystem.CSharp.targets sets the .NETnanoFramework target
/// and imports Microsoft.CSharp.targets, which brings in Microsoft.Common.props and so the nearest Directory.Build.props.
/// </summary>
public class FirmwareBuildSettingsTests
{
    private static readonly Lazy<Dictionary<string, string>> Firmware = new(() => Evaluate(NanoFrameworkBuild.AppProject, StandInProjectSystem(),
        "Nullable", "LangVersion", "TreatWarningsAsErrors", "MSBuildTreatWarningsAsErrors", "TargetFramework", "Deterministic", "DirectoryBuildPropsPath", "NoStdLib"));

    [Fact]
    public void WarningsAreErrorsInTheFirmwareBuild()
    {
        Assert.Equal("true", Firmware.Value["TreatWarningsAsErrors"]);
        Assert.Equal("true", Firmware.Value["MSBuildTreatWarningsAsErrors"]);
        Assert.Equal("true", Firmware.Value["Deterministic"]);
    }

    [Fact]
    public void TheFirmwareKeepsTheNanoFrameworkLanguageVersionCompileNfprojUses()
    {
        // compile-nfproj compiles at C# 9.0 (its --langversion default); the root's "latest" must not reach the board
        // build, or Visual Studio would accept code CI refuses.
        Assert.Equal("9.0", Firmware.Value["LangVersion"]);
        Assert.Equal("true", Firmware.Value["NoStdLib"]);
    }

    [Fact]
    public void TheFirmwareCompilesTheCoreWithTheCoresNullableSetting()
    {
        // Nullable=enable from the root plus warnings as errors would fail the Visual Studio build on the core's sources,
        // which Token.Core.csproj compiles with Nullable disabled.
        string core = Evaluate(Path.Combine(NanoFrameworkBuild.RepositoryRoot, "firmware", "Token.Core", "Token.Core.csproj"), null, "Nullable")["Nullable"];

        Assert.Equal("disable", core);
        Assert.Equal(core, Firmware.Value["Nullable"]);
    }

    [Fact]
    public void NoDotNetTargetFrameworkReachesTheFirmware()
    {
        Assert.Equal("", Firmware.Value["TargetFramework"]);
        Assert.Equal(Path.Combine(NanoFrameworkBuild.RepositoryRoot, "firmware", "Token.Esp32", "Directory.Build.props"), Firmware.Value["DirectoryBuildPropsPath"]);
    }

    [Fact]
    public void TheSolutionBesideTheProjectIsWhereTheHintPathsLook()
    {
        // packages.config restores into <solution folder>/packages; every HintPath is packages\..., so the solution a
        // maker opens must sit beside the .nfproj and name it.
        string folder = Path.GetDirectoryName(NanoFrameworkBuild.AppProject)!;
        string solution = File.ReadAllText(Path.Combine(folder, "Token.Esp32.sln"));

        Assert.Contains("\"Token.Esp32.nfproj\"", solution);
        Assert.All(System.Xml.Linq.XDocument.Load(NanoFrameworkBuild.AppProject).Descendants("{http://schemas.microsoft.com/developer/msbuild/2003}HintPath"),
            hint => Assert.StartsWith("packages\\", hint.Value, StringComparison.Ordinal));
    }

    private static string StandInProjectSystem()
    {
        string dir = NanoFrameworkBuild.TempFolder("project-system-stand-in");
        const string Ns = "http://schemas.microsoft.com/developer/msbuild/2003";
        File.WriteAllText(Path.Combine(dir, "NFProjectSystem.Default.props"),
            $"<Project xmlns=\"{Ns}\"><PropertyGroup><Configuration Condition=\"'$(Configuration)' == ''\">Release</Configuration><LangVersion>9.0</LangVersion></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(dir, "NFProjectSystem.props"),
            $"<Project xmlns=\"{Ns}\"><PropertyGroup><NoStdLib>true</NoStdLib><NoCompilerStandardLib>true</NoCompilerStandardLib></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(dir, "NFProjectSystem.CSharp.targets"),
            $"<Project xmlns=\"{Ns}\"><PropertyGroup><TargetFrameworkIdentifier>.NETnanoFramework</TargetFrameworkIdentifier><TargetFrameworkVersion>v1.0</TargetFrameworkVersion></PropertyGroup>" +
            "<Import Project=\"$(MSBuildToolsPath)/Microsoft.CSharp.targets\" /></Project>");
        return dir + Path.DirectorySeparatorChar;
    }

    private static Dictionary<string, string> Evaluate(string project, string? projectSystem, params string[] properties)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("msbuild");
        start.ArgumentList.Add(project);
        start.ArgumentList.Add("-nologo");
        if (projectSystem != null) start.ArgumentList.Add("-p:NanoFrameworkProjectSystemPath=" + projectSystem);
        foreach (string property in properties) start.ArgumentList.Add("-getProperty:" + property);
        using Process process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "dotnet msbuild " + project + " failed:\n" + stdout + stderr.Result);

        // One property prints its bare value; several print {"Properties": {...}}.
        if (properties.Length == 1) return new Dictionary<string, string> { [properties[0]] = stdout.Trim() };
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using JsonDocument json = JsonDocument.Parse(stdout);
        foreach (JsonProperty p in json.RootElement.GetProperty("Properties").EnumerateObject()) result[p.Name] = p.Value.GetString() ?? "";
        return result;
    }
}
