using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// Issue 14, "Token faults", end to end: `prov sign` through a <see cref="FaultyLinkProxy"/> to the emulator in its
/// own process. A fault on the SIGN reply is reported on one line that names the signature number the token may have
/// used; no file (nor temp file) is written; the next signature gets a new number, and the token's log holds the
/// one whose reply was lost, so the number is neither repeated nor skipped silently. A damaged request frame is
/// simply sent again (the token had refused it, so nothing happened twice).
/// </summary>
public sealed class TokenFaultTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "prov-faults-" + Guid.NewGuid().ToString("N"));
    private readonly EmulatorProcess _emulator;

    public TokenFaultTests()
    {
        Directory.CreateDirectory(_home);
        _emulator = new EmulatorProcess(_home, autoPress: true);
    }

    public void Dispose()
    {
        _emulator.Dispose();
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> SignAsync(string output, string device) =>
        await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", Provenance.Cli.Tests.EndToEnd.SignVerifyTests.SamplePath("artwork.jpg"), "--out", output, "--device", device);

    private async Task<long[]> LoggedCountersAsync()
    {
        var log = await ChildProcess.RunProvAsync(_home, "device", "log", "--device", _emulator.Address, "--json");
        Assert.True(log.ExitCode == 0, log.Stderr);
        return [.. JsonDocument.Parse(log.Stdout).RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("counter").GetInt64())];
    }

    private async Task<long> CounterAsync()
    {
        var info = await ChildProcess.RunProvAsync(_home, "device", "info", "--device", _emulator.Address, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        return JsonDocument.Parse(info.Stdout).RootElement.GetProperty("counter").GetInt64();
    }

    [Theory]
    [InlineData(LinkFault.CutSignReply, "closed the connection")]
    [InlineData(LinkFault.GarbleSignReply, "corrupted")]
    [InlineData(LinkFault.SlowSignReply, "no reply from the token")]
    public async Task ALostSignReplyWritesNothingAndTheCounterNeverRepeats(LinkFault fault, string said)
    {
        await _emulator.StartAsync();
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "device", "init", "--device", _emulator.Address)).ExitCode);
        var warmUp = await SignAsync(Path.Combine(_home, "warm-up.jpg"), _emulator.Address);
        Assert.True(warmUp.ExitCode == 0, warmUp.Stderr);
        long before = await CounterAsync();

        string outDir = Path.Combine(_home, "out");
        Directory.CreateDirectory(outDir);
        string lost = Path.Combine(outDir, "lost.jpg");
        using (var proxy = new FaultyLinkProxy(_emulator.Address, fault))
        {
            var faulty = await SignAsync(lost, proxy.Address);
            Assert.True(proxy.Fired);
            Assert.Equal(ExitCodes.DeviceError, faulty.ExitCode);
            string error = Assert.Single(faulty.Stderr.Split('\n'), l => l.StartsWith("prov: ", StringComparison.Ordinal));
            Assert.Contains(said, error, StringComparison.Ordinal);
            Assert.Contains($"may have used signature #{before + 1}", error, StringComparison.Ordinal);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));

        // The token carried the lost SIGN out: its number is spent and logged, and the next signature is the one after.
        var again = await SignAsync(lost, _emulator.Address);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"signature #{before + 2}", again.Stdout, StringComparison.Ordinal);
        long[] logged = await LoggedCountersAsync();
        Assert.Contains(before + 1, logged);
        Assert.Equal(logged.Length, logged.Distinct().Count());
        var verify = await ChildProcess.RunProvAsync(_home, "verify", lost);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    public async Task ADamagedSignRequestFrameIsSentAgainAndSignsOnce()
    {
        await _emulator.StartAsync();
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "device", "init", "--device", _emulator.Address)).ExitCode);
        var warmUp = await SignAsync(Path.Combine(_home, "warm-up.jpg"), _emulator.Address);
        Assert.True(warmUp.ExitCode == 0, warmUp.Stderr);
        long before = await CounterAsync();

        string output = Path.Combine(_home, "resent.jpg");
        using (var proxy = new FaultyLinkProxy(_emulator.Address, LinkFault.BadCrcOnSignRequest))
        {
            var signed = await SignAsync(output, proxy.Address);
            Assert.True(proxy.Fired);
            Assert.True(signed.ExitCode == 0, signed.Stderr);
            Assert.Contains($"signature #{before + 1}", signed.Stdout, StringComparison.Ordinal);
        }
        Assert.Equal(before + 1, await CounterAsync());
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "verify", output)).ExitCode);
    }
}
