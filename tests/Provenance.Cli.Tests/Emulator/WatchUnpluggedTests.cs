using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// Issue 12, "`prov watch` keeps going when the token is unplugged and re-plugged": the emulator process is stopped
/// (the token unplugged) and started again on the same port with the same state folder (plugged back in).
/// </summary>
public sealed class WatchUnpluggedTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private readonly string _home = Path.Combine(Path.GetTempPath(), "prov-watch-unplug-" + Guid.NewGuid().ToString("N"));
    private readonly EmulatorProcess _emulator;

    public WatchUnpluggedTests()
    {
        Directory.CreateDirectory(_home);
        _emulator = new EmulatorProcess(_home, autoPress: true);
    }

    public void Dispose()
    {
        _emulator.Dispose();
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task FilesWaitWhileTheTokenIsUnpluggedAndAreSignedWhenItIsBack()
    {
        if (OperatingSystem.IsWindows()) return; // Ctrl-C is sent as SIGINT.
        await _emulator.StartAsync();
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "device", "init", "--device", _emulator.Address)).ExitCode);
        string studio = Path.Combine(_home, "studio");
        Directory.CreateDirectory(studio);
        string sample = Provenance.Cli.Tests.EndToEnd.SignVerifyTests.SamplePath("artwork.jpg");

        using ChildProcess watch = ChildProcess.StartProv(_home, "watch", studio, "--source", "scan", "--settle-ms", "300", "--device", _emulator.Address);
        watch.CloseInput();
        await watch.WaitForLineAsync(l => l.StartsWith("watching", StringComparison.Ordinal), Generous, "the watching line");
        File.Copy(sample, Path.Combine(studio, "scan-1.jpg"));
        await watch.WaitForLineAsync(l => l.StartsWith("signed " + Path.Combine(studio, "scan-1.jpg"), StringComparison.Ordinal), Generous, "scan-1 signed");

        _emulator.Unplug();
        for (int i = 2; i <= 4; i++) File.Copy(sample, Path.Combine(studio, $"scan-{i}.jpg"));
        await watch.WaitForLineAsync(l => l.StartsWith("token unplugged: 3 files waiting", StringComparison.Ordinal), Generous, "the unplugged line");

        await _emulator.StartAsync();
        await watch.WaitForLineAsync(l => l.StartsWith("token back", StringComparison.Ordinal), Generous, "the token-back line");
        for (int i = 2; i <= 4; i++)
        {
            string path = Path.Combine(studio, $"scan-{i}.jpg");
            await watch.WaitForLineAsync(l => l.StartsWith("signed " + path, StringComparison.Ordinal), Generous, $"scan-{i} signed");
        }

        using (Process kill = Process.Start("kill", ["-INT", watch.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        int exit = await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit {exit}\n{watch.Stdout}\n{watch.Stderr}");
        Assert.Contains("4 signed, 0 skipped, 0 failed", watch.Stdout, StringComparison.Ordinal);
        Assert.Single(watch.Stderr.Split('\n'), l => l.StartsWith("token unplugged", StringComparison.Ordinal));
        Assert.DoesNotContain("failed " , watch.Stdout, StringComparison.Ordinal);
        for (int i = 1; i <= 4; i++)
        {
            var verify = await ChildProcess.RunProvAsync(_home, "verify", Path.Combine(studio, "signed", $"scan-{i}.jpg"));
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        }
    }
}
