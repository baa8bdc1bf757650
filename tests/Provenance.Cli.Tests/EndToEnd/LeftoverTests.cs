using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Crash leftovers (issue 18): a prov killed mid-write leaves `.NAME.prov-tmp-PID-RANDOM` beside the file; the next
/// sign, watch or verify in that folder removes those whose writer is gone, says how much it freed, and keeps those of
/// a process that still runs.
/// </summary>
public sealed class LeftoverTests : IDisposable
{
    private const int LeftoverBytes = 3 * 1024 * 1024;
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work;
    private readonly Process _alive;

    public LeftoverTests()
    {
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
        _alive = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
    }

    public void Dispose()
    {
        try { _alive.Kill(); _alive.WaitForExit(5000); } catch (InvalidOperationException) { }
        _alive.Dispose();
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    /// <summary>A leftover of a dead writer and the temp file of a live one, in <paramref name="folder"/>.</summary>
    private (string Dead, string Live) MakeLeftovers(string folder, string name)
    {
        string dead = Path.Combine(folder, "." + name + ".prov-tmp-" + UnixTools.DeadPid() + "-0123456789ab");
        string live = Path.Combine(folder, "." + name + ".prov-tmp-" + _alive.Id + "-ba9876543210");
        File.WriteAllBytes(dead, new byte[LeftoverBytes]);
        File.WriteAllBytes(live, new byte[1000]);
        return (dead, live);
    }

    [UnixFact]
    public async Task SignInPlaceRemovesALeftoverOfADeadWriterAndKeepsALiveOne()
    {
        string art = Path.Combine(_work, "art.jpg");
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), art);
        var (dead, live) = MakeLeftovers(_work, "art.jpg");

        ProvResult sign = await _prov.RunAsync("sign", "--source", "scan", art, "--in-place");

        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.False(File.Exists(dead), "the dead writer's leftover is still there");
        Assert.True(File.Exists(live), "the temp file of a running process was removed");
        Assert.Contains("removed 1 leftover temp file", sign.Stderr, StringComparison.Ordinal);
        Assert.Contains("3.0 MB freed", sign.Stderr, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task ASignInPlaceKilledWhileTheTokenWaitsLeavesItsTempFileAndTheNextRunRemovesIt()
    {
        string state = Path.Combine(_prov.Home, "emulator-state");
        string art = Path.Combine(_work, "art.jpg");
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), art);
        byte[] original = File.ReadAllBytes(art);

        // Key and development enrollment made with a token that presses itself...
        string device;
        using (ChildProcess setup = await StartEmulatorAsync(state, autoPress: true))
        {
            device = await EndpointAsync(setup);
            ProvResult init = await _prov.RunAsync("device", "init", "--device", device);
            Assert.True(init.ExitCode == 0, init.ToString());
            ProvResult warmUp = await _prov.RunAsync("sign", "--source", "scan", SignVerifyTests.SamplePath("artwork.jpg"), "--out", Path.Combine(_prov.Home, "warm-up.jpg"), "--device", device);
            Assert.True(warmUp.ExitCode == 0, warmUp.ToString());
        }

        // ...then the same token waiting for a press that never comes: prov has written its temp copy and waits.
        using ChildProcess token = await StartEmulatorAsync(state, autoPress: false);
        device = await EndpointAsync(token);
        using ChildProcess sign = ChildProcess.StartProv(_prov.Home, "sign", "--source", "scan", art, "--in-place", "--device", device);
        await sign.WaitForLineAsync(l => l.Contains("press the button", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the press prompt");
        string temp = Assert.Single(Directory.GetFiles(_work, ".art.jpg.prov-tmp-*"));

        // While its writer runs, another prov leaves the temp file alone.
        ProvResult during = await _prov.RunAsync("verify", _work);
        Assert.True(File.Exists(temp), during.ToString());
        Assert.DoesNotContain("freed", during.Stderr, StringComparison.Ordinal);

        sign.Kill();
        Assert.True(File.Exists(temp), "the killed prov removed its temp file after all; nothing to clean up");
        long length = new FileInfo(temp).Length;
        Assert.Equal(original, File.ReadAllBytes(art));

        ProvResult after = await _prov.RunAsync("verify", _work);
        Assert.False(File.Exists(temp), after.ToString());
        Assert.Contains("removed 1 leftover temp file", after.Stderr, StringComparison.Ordinal);
        Assert.Contains(Provenance.IO.TempFiles.FormatBytes(length) + " freed", after.Stderr, StringComparison.Ordinal);
        Assert.Equal(["art.jpg"], Directory.GetFileSystemEntries(_work).Select(p => Path.GetFileName(p)).ToArray());
    }

    private async Task<ChildProcess> StartEmulatorAsync(string state, bool autoPress)
    {
        var args = new System.Collections.Generic.List<string> { "emulator", "--state", state, "--tcp", "0" };
        if (autoPress) args.Add("--auto-press");
        ChildProcess emulator = ChildProcess.StartProv(_prov.Home, [.. args]);
        await emulator.WaitForLineAsync(l => l == "software token emulator (development mode)", TimeSpan.FromSeconds(60), "its banner");
        return emulator;
    }

    private static async Task<string> EndpointAsync(ChildProcess emulator) =>
        (await emulator.WaitForLineAsync(l => l.StartsWith("tcp ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "its tcp endpoint")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

    [UnixFact]
    public async Task VerifyOfAFolderRemovesLeftoversInItAndItsSubfolders()
    {
        string sub = Path.Combine(_work, "sub");
        Directory.CreateDirectory(sub);
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(sub, "a.jpg"));
        var (dead, live) = MakeLeftovers(sub, "a.jpg");

        ProvResult verify = await _prov.RunAsync("verify", _work);

        Assert.False(File.Exists(dead), verify.ToString());
        Assert.True(File.Exists(live));
        Assert.Contains("3.0 MB freed", verify.Stderr, StringComparison.Ordinal);
        Assert.Contains("missing", verify.Stdout, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task WatchRemovesLeftoversInTheWatchedFolder()
    {
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(_work, "scan.jpg"));
        var (dead, live) = MakeLeftovers(_work, "scan.jpg");

        ProvResult watch = await _prov.RunAsync("watch", "--source", "scan", _work, "--once");

        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.Contains("3.0 MB freed", watch.Stderr, StringComparison.Ordinal);
    }
}
