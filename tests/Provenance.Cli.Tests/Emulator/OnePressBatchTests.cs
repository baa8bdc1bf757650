using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// Issue 12, "one button press may sign the whole batch": `prov sign FOLDER --one-press` against the emulator in its
/// own process, whose button is pressed only when prov asks for it (Enter on the emulator's console).
/// </summary>
public sealed class OnePressBatchTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private readonly string _home = Path.Combine(Path.GetTempPath(), "prov-onepress-" + Guid.NewGuid().ToString("N"));
    private readonly EmulatorProcess _emulator;

    public OnePressBatchTests()
    {
        Directory.CreateDirectory(_home);
        _emulator = new EmulatorProcess(_home, autoPress: false);
    }

    public void Dispose()
    {
        _emulator.Dispose();
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs prov, pressing the emulator's button whenever prov asks; returns the result and the presses.</summary>
    private async Task<(int Exit, string Stdout, string Stderr, int Presses)> RunPressingAsync(params string[] args)
    {
        using ChildProcess prov = ChildProcess.StartProv(_home, args);
        prov.CloseInput();
        Task<int> exited = prov.WaitForExitAsync(Generous);
        int presses = await _emulator.PressWheneverAskedAsync(prov, exited);
        return (await exited, prov.Stdout, prov.Stderr, presses);
    }

    private async Task<long> CounterAsync()
    {
        var info = await ChildProcess.RunProvAsync(_home, "device", "info", "--device", _emulator.Address, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        return JsonDocument.Parse(info.Stdout).RootElement.GetProperty("counter").GetInt64();
    }

    [Fact]
    public async Task OnePressSignsAFolderOfFiveAndEveryFileVerifies()
    {
        await _emulator.StartAsync();
        string sample = Provenance.Cli.Tests.EndToEnd.SignVerifyTests.SamplePath("artwork.jpg");
        // The key, and the first signature (which also enrolls the token under the development identity).
        Assert.Equal(0, (await RunPressingAsync("device", "init", "--device", _emulator.Address)).Exit);
        var first = await RunPressingAsync("sign", "--source", "scan", sample, "--out", Path.Combine(_home, "first.jpg"), "--device", _emulator.Address);
        Assert.True(first.Exit == 0, first.Stderr);

        string folder = Path.Combine(_home, "scans");
        Directory.CreateDirectory(folder);
        for (int i = 1; i <= 5; i++) File.Copy(sample, Path.Combine(folder, $"scan-{i}.jpg"));
        long before = await CounterAsync();

        var batch = await RunPressingAsync("sign", folder, "--out", Path.Combine(_home, "signed"), "--one-press", "--source", "scan", "--device", _emulator.Address, "--json");

        Assert.True(batch.Exit == 0, batch.Stdout + batch.Stderr);
        Assert.Equal(1, batch.Presses);
        Assert.Contains("signing session open on token: 5 signatures", batch.Stderr, StringComparison.Ordinal);
        string[] lines = batch.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        JsonElement summary = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(5, summary.GetProperty("summary").GetProperty("signed").GetInt32());
        Assert.True(summary.GetProperty("onePress").GetBoolean());
        Assert.Equal(before + 5, await CounterAsync());
        for (int i = 1; i <= 5; i++)
        {
            var verify = await ChildProcess.RunProvAsync(_home, "verify", Path.Combine(_home, "signed", $"scan-{i}.jpg"));
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        }

        // Without --one-press (a script, no terminal to ask on) every file asks for its own press.
        for (int i = 6; i <= 7; i++) File.Copy(sample, Path.Combine(folder, $"scan-{i}.jpg"));
        var perFile = await RunPressingAsync("sign", folder, "--out", Path.Combine(_home, "signed"), "--source", "scan", "--device", _emulator.Address);
        Assert.True(perFile.Exit == 0, perFile.Stdout + perFile.Stderr);
        Assert.Equal(2, perFile.Presses);
        Assert.Contains("2 signed, 5 skipped, 0 failed", perFile.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSixthSignatureOfABatchOfFiveNeedsANewPress()
    {
        await _emulator.StartAsync();
        Assert.Equal(0, (await RunPressingAsync("device", "init", "--device", _emulator.Address)).Exit);

        await using TokenClient token = await TokenLocator.OpenAsync(_emulator.Address, null, CancellationToken.None);
        var prompt = new PressOnPrompt(_emulator);
        Assert.True(await token.OpenBatchAsync(5, TimeSpan.FromMinutes(5), prompt));
        Assert.Equal(1, prompt.Asked);
        byte[] publicKey = await token.GetPublicKeyAsync();
        using var key = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint { X = publicKey[1..33], Y = publicKey[33..] },
        });
        for (int i = 1; i <= 5; i++)
        {
            byte[] message = Encoding.ASCII.GetBytes("batch signature " + i);
            TokenSignature signature = await token.SignAsync(message, prompt);
            Assert.True(key.VerifyData(message, signature.Signature, System.Security.Cryptography.HashAlgorithmName.SHA256));
            Assert.Equal(1, prompt.Asked);
        }
        TokenStatus status = await token.GetStatusAsync();
        Assert.False(status.SessionOpen);

        TokenSignature sixth = await token.SignAsync("the sixth"u8.ToArray(), prompt);
        Assert.Equal(2, prompt.Asked);
        Assert.True(key.VerifyData("the sixth"u8.ToArray(), sixth.Signature, System.Security.Cryptography.HashAlgorithmName.SHA256));
    }

    /// <summary>Presses the emulator's button when the token asks for it, and counts how often it asked.</summary>
    private sealed class PressOnPrompt(EmulatorProcess emulator) : IPresencePrompt
    {
        private int _asked;

        public int Asked => _asked;

        public void WaitingForPress()
        {
            Interlocked.Increment(ref _asked);
            emulator.Press();
        }

        public void Done()
        {
        }
    }
}
