using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Artist;

/// <summary>`prov watch` signs whatever the artist makes (sidecars for PSD, KRA, CLIP), filtered by --include/--exclude.</summary>
public sealed class WatchEveryFileTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _studio;

    public WatchEveryFileTests()
    {
        _studio = Path.Combine(_prov.Home, "studio");
        Directory.CreateDirectory(_studio);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private void Studio()
    {
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(_studio, "scan.jpg"));
        File.WriteAllBytes(Path.Combine(_studio, "painting.psd"), [.. "8BPS"u8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]);
        File.WriteAllBytes(Path.Combine(_studio, "painting.kra"), [.. "PK\u0003\u0004"u8, .. "mimetypeapplication/x-krita"u8]);
        File.WriteAllBytes(Path.Combine(_studio, "comic.clip"), [.. "CSFCHUNK"u8, 0, 0, 0, 0, 0, 0, 0, 24]);
        File.WriteAllText(Path.Combine(_studio, "notes.txt"), "palette ideas");
    }

    [Fact]
    public async Task OnceSignsEveryFileTypeWithSidecarsAndHonoursExclude()
    {
        Studio();
        ProvResult run = await _prov.RunAsync("watch", _studio, "--once", "--source", "tablet", "--exclude", "*.txt", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement[] lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        string[] signed = lines.Where(l => l.TryGetProperty("status", out var s) && s.GetString() == "signed")
            .Select(l => Path.GetFileName(l.GetProperty("file").GetString()!)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "comic.clip", "painting.kra", "painting.psd", "scan.jpg" }, signed);
        Assert.DoesNotContain(lines, l => l.TryGetProperty("file", out var f) && f.GetString()!.EndsWith("notes.txt", StringComparison.Ordinal));
        JsonElement summary = lines[^1].GetProperty("summary");
        Assert.Equal(4, summary.GetProperty("signed").GetInt32());

        string output = Path.Combine(_studio, "signed");
        Assert.Equal(Directory.GetFiles(output).Length, Directory.GetFiles(output).Distinct().Count());
        ProvResult verify = await _prov.RunAsync("verify", output, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var verdicts = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => Path.GetFileName(f.GetProperty("file").GetString()!), f => f.GetProperty("verdict").GetString());
        foreach (string name in signed) Assert.Equal("valid", verdicts[name]);
    }

    [Fact]
    public async Task IncludeLimitsWhatIsSigned()
    {
        Studio();
        ProvResult run = await _prov.RunAsync("watch", _studio, "--once", "--source", "tablet", "--include", "*.psd", "--include", "*.CLIP");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 signed, 0 skipped, 0 failed", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_studio, "signed", "painting.psd")));
        Assert.True(File.Exists(Path.Combine(_studio, "signed", "comic.clip")));
        Assert.False(File.Exists(Path.Combine(_studio, "signed", "scan.jpg")));
    }

    [Fact]
    public async Task CtrlCEndsWithASummary()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is how a terminal sends Ctrl-C on Linux and macOS.
        using ChildProcess watch = ChildProcess.StartProv(_prov.Home, "watch", _studio, "--in-place", "--source", "tablet", "--settle-ms", "200");
        await watch.WaitForLineAsync(l => l.StartsWith("watching", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the watching line");
        string drawing = Path.Combine(_studio, "page-1.clip");
        File.WriteAllBytes(drawing, [.. "CSFCHUNK"u8, 0, 0, 0, 0, 0, 0, 0, 24, 7, 7, 7]);
        await watch.WaitForLineAsync(l => l.StartsWith("signed " + drawing, StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the signed line");

        using (Process kill = Process.Start("kill", ["-INT", watch.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        int exit = await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit {exit}\n{watch.Stdout}\n{watch.Stderr}");
        Assert.Contains("1 signed, 0 skipped, 0 failed", watch.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await _prov.RunAsync("verify", drawing)).ExitCode);
    }
}
