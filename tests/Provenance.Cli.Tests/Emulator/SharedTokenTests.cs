using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// Several `prov` processes sharing one token (issue 18): each is a separate process on its own connection to one
/// `prov emulator --tcp`, the way a scanner's `prov watch` and an artist's `prov sign` meet on one board.
/// </summary>
public sealed class SharedTokenTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _home = Path.Combine(Path.GetTempPath(), "prov-shared-test-" + Guid.NewGuid().ToString("N"));
    private readonly List<ChildProcess> _children = [];

    public SharedTokenTests()
    {
        Directory.CreateDirectory(_home);
    }

    public void Dispose()
    {
        foreach (ChildProcess child in _children) child.Dispose();
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task FourProcessesSigningAtOnceFourTimesAllSucceedAndAllVerify()
    {
        string device = await StartEmulatorAsync();
        string sample = SignVerifyTests.SamplePath("artwork.jpg");
        var init = await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device);
        Assert.True(init.ExitCode == 0, init.Stderr);
        // The first signature creates the development identity and enrolls the token; then the crowd arrives.
        var warmUp = await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", sample, "--out", Path.Combine(_home, "warm-up.jpg"), "--device", device);
        Assert.True(warmUp.ExitCode == 0, warmUp.Stderr);

        var outputs = new List<string>();
        var counters = new List<long>();
        for (int round = 0; round < 4; round++)
        {
            string[] roundOutputs = Enumerable.Range(0, 4).Select(i => Path.Combine(_home, $"r{round}-p{i}.jpg")).ToArray();
            var runs = roundOutputs.Select(output => ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", sample, "--out", output, "--device", device, "--json")).ToArray();
            var results = await Task.WhenAll(runs);
            for (int i = 0; i < results.Length; i++)
            {
                Assert.True(results[i].ExitCode == 0, $"round {round} process {i}: exit {results[i].ExitCode}\n{results[i].Stderr}");
                counters.Add(JsonDocument.Parse(results[i].Stdout).RootElement.GetProperty("counter").GetInt64());
            }
            outputs.AddRange(roundOutputs);
        }

        Assert.Equal(counters.Count, counters.Distinct().Count());
        var verify = await ChildProcess.RunProvAsync(_home, ["verify", .. outputs, "--json"]);
        JsonElement[] files = VerifiedFiles(verify.Stdout);
        Assert.Equal(outputs.Count, files.Length);
        foreach (JsonElement file in files)
        {
            Assert.True(file.GetProperty("verdict").GetString() == "valid", file.ToString());
        }
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    [Fact]
    public async Task ACommandWaitsForTheTokenWhileAnotherHoldsItAndSaysWho()
    {
        string device = await StartEmulatorAsync();
        string scans = Path.Combine(_home, "scans");
        Directory.CreateDirectory(scans);
        using ChildProcess watch = ChildProcess.StartProv(_home, "watch", "--source", "scan", scans, "--device", device);
        watch.CloseInput();
        await watch.WaitForLineAsync(l => l.StartsWith("watching", StringComparison.Ordinal), Generous, "the watching line");

        using ChildProcess info = ChildProcess.StartProv(_home, "device", "info", "--device", device, "--json");
        info.CloseInput();
        string waiting = await info.WaitForLineAsync(l => l.StartsWith("waiting for the token", StringComparison.Ordinal), Generous, "the waiting line");
        Assert.Equal("waiting for the token, in use by PID " + watch.ProcessId + " (prov watch)", waiting);
        await Task.Delay(500);
        Assert.Empty(info.Stdout);

        // A killed holder releases the token with its last descriptor; the waiting command goes ahead.
        watch.Kill();
        int exit = await info.WaitForExitAsync(Generous);
        Assert.True(exit == 0, info.Stderr);
        Assert.Equal("version", JsonDocument.Parse(info.Stdout).RootElement.EnumerateObject().First().Name);
    }

    [Fact]
    public async Task ASignatureThatDoesNotVerifyIsAnErrorAndNoFileIsWritten()
    {
        string device = await StartEmulatorAsync();
        string sample = SignVerifyTests.SamplePath("artwork.jpg");
        var init = await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device);
        Assert.True(init.ExitCode == 0, init.Stderr);
        var warmUp = await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", sample, "--out", Path.Combine(_home, "warm-up.jpg"), "--device", device);
        Assert.True(warmUp.ExitCode == 0, warmUp.Stderr);
        using var proxy = new CorruptingProxy(device);
        string output = Path.Combine(_home, "out", "signed.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var sign = await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", sample, "--out", output, "--device", proxy.Address);

        Assert.Equal(1, proxy.Corrupted);
        Assert.Equal(ExitCodes.BadTokenSignature, sign.ExitCode);
        string error = Assert.Single(sign.Stderr.Split('\n'), l => l.StartsWith("prov: ", StringComparison.Ordinal));
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(output)!));
    }

    /// <summary>The files of `prov verify --json`: its `files` list (DESIGN.md), or the bare array older builds print.</summary>
    internal static JsonElement[] VerifiedFiles(string json)
    {
        JsonElement root = JsonDocument.Parse(json).RootElement;
        return root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : root.GetProperty("files").EnumerateArray().ToArray();
    }

    private async Task<string> StartEmulatorAsync()
    {
        ChildProcess emulator = ChildProcess.StartProv(_home, "emulator", "--state", Path.Combine(_home, "emulator"), "--tcp", "0", "--auto-press");
        _children.Add(emulator);
        await emulator.WaitForLineAsync(l => l == "software token emulator (development mode)", Generous, "its banner");
        string line = await emulator.WaitForLineAsync(l => l.StartsWith("tcp ", StringComparison.Ordinal), Generous, "its tcp endpoint");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    }
}
