using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;
using Provenance.Device;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// `prov emulator` and `prov device ...` as separate processes, the way a developer without a board uses them:
/// over TCP and over a pseudo-terminal opened like a USB serial port.
/// </summary>
public sealed class EmulatorEndToEndTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _home = Path.Combine(Path.GetTempPath(), "prov-emu-test-" + Guid.NewGuid().ToString("N"));
    private readonly List<ChildProcess> _children = [];

    public EmulatorEndToEndTests()
    {
        Directory.CreateDirectory(_home);
    }

    public void Dispose()
    {
        foreach (ChildProcess child in _children) child.Dispose();
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    public static TheoryData<string> Transports()
    {
        var data = new TheoryData<string> { "tcp" };
        if (OperatingSystem.IsLinux()) data.Add("pty");
        return data;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task InitInfoAndLogAgainstTheEmulatorInAnotherProcess(string transport)
    {
        string device = await StartEmulatorAsync(transport, autoPress: true);

        var init = await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device);
        Assert.True(init.ExitCode == 0, init.Stderr);
        Assert.Contains("software key", init.Stderr, StringComparison.Ordinal);

        var again = await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device);
        Assert.Equal(ExitCodes.Failed, again.ExitCode);
        Assert.Contains("already has a signing key", again.Stderr, StringComparison.Ordinal);

        // The first signature also enrolls the token under the development identity (one challenge signature).
        string sample = Provenance.Cli.Tests.EndToEnd.SignVerifyTests.SamplePath("artwork.jpg");
        var warmUp = await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", sample, "--out", Path.Combine(_home, "warm-up.jpg"), "--device", device);
        Assert.True(warmUp.ExitCode == 0, warmUp.Stderr);

        JsonElement before = await InfoAsync(device);
        Assert.Equal("version", before.EnumerateObject().First().Name);
        Assert.StartsWith("EMU-", before.GetProperty("serial").GetString(), StringComparison.Ordinal);
        Assert.Equal("software", before.GetProperty("keyProtection").GetString());
        Assert.Equal(3, before.GetProperty("protocolVersion").GetInt32());
        Assert.False(string.IsNullOrEmpty(before.GetProperty("firmwareVersion").GetString()));
        Assert.True(before.GetProperty("hasKey").GetBoolean());
        long counterBefore = before.GetProperty("counter").GetInt64();

        var list = await ChildProcess.RunProvAsync(_home, "device", "list", "--device", device, "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        JsonElement listed = JsonDocument.Parse(list.Stdout).RootElement;
        Assert.Equal("version", listed.EnumerateObject().First().Name);
        JsonElement found = listed.GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("endpoint").GetString() == device);
        Assert.Equal(before.GetProperty("serial").GetString(), found.GetProperty("serial").GetString());
        Assert.True(found.GetProperty("hasKey").GetBoolean());

        // Two signatures by `prov sign`, each its own process, through the emulator.
        string[] signed = [Path.Combine(_home, "first.jpg"), Path.Combine(_home, "second.jpg")];
        foreach (string output in signed)
        {
            var sign = await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", sample, "--out", output, "--device", device);
            Assert.True(sign.ExitCode == 0, sign.Stderr);
            Assert.Contains("software key", sign.Stderr, StringComparison.Ordinal);
        }

        JsonElement after = await InfoAsync(device);
        Assert.Equal(counterBefore + 2, after.GetProperty("counter").GetInt64());
        Assert.Equal(before.GetProperty("publicKey").GetString(), after.GetProperty("publicKey").GetString());

        var log = await ChildProcess.RunProvAsync(_home, "device", "log", "--device", device, "--json");
        Assert.True(log.ExitCode == 0, log.Stderr);
        Assert.Contains("log chain intact", log.Stderr, StringComparison.Ordinal);
        JsonElement[] all = JsonDocument.Parse(log.Stdout).RootElement.GetProperty("entries").EnumerateArray().ToArray();
        for (int i = 1; i < all.Length; i++) Assert.Equal(all[i - 1].GetProperty("hash").GetString(), all[i].GetProperty("previous").GetString());
        JsonElement[] entries = all.Where(e => e.GetProperty("counter").GetInt64() > counterBefore).ToArray();
        Assert.Equal(2, entries.Length);
        Assert.Equal(counterBefore + 1, entries[0].GetProperty("counter").GetInt64());
        Assert.Equal(counterBefore + 2, entries[1].GetProperty("counter").GetInt64());
        for (int i = 0; i < 2; i++)
        {
            var verify = await ChildProcess.RunProvAsync(_home, "verify", signed[i], "--json");
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
            JsonElement verdict = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
            Assert.Equal("valid", verdict.GetProperty("verdict").GetString());
            Assert.Equal(before.GetProperty("serial").GetString(), verdict.GetProperty("token").GetProperty("serial").GetString());
            Assert.Equal(entries[i].GetProperty("counter").GetInt64(), verdict.GetProperty("token").GetProperty("counter").GetInt64());
        }
        Assert.Equal(new string('0', 64), all[0].GetProperty("previous").GetString());
        Assert.Equal(entries[0].GetProperty("hash").GetString(), entries[1].GetProperty("previous").GetString());
        foreach (JsonElement entry in entries) Assert.Equal(EntryHash(entry), entry.GetProperty("hash").GetString());
        Assert.True(DateTimeOffset.TryParse(entries[1].GetProperty("time").GetString(), out _));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task KillingTheEmulatorMidCommandGivesOneLineAndADeviceErrorExit(string transport)
    {
        ChildProcess emulator = null!;
        string device = await StartEmulatorAsync(transport, autoPress: false, started: e => emulator = e);

        // init waits for the button, which nobody presses; then the token disappears.
        using ChildProcess init = ChildProcess.StartProv(_home, "device", "init", "--device", device);
        init.CloseInput();
        await init.WaitForLineAsync(l => l == "press the button on the token", Generous, "the press prompt");
        emulator.Kill();

        int exit = await init.WaitForExitAsync(Generous);

        Assert.Equal(ExitCodes.DeviceError, exit);
        string[] errors = init.Stderr.Split('\n').Where(l => l.StartsWith("prov: ", StringComparison.Ordinal)).ToArray();
        string error = Assert.Single(errors);
        Assert.Contains(device, error, StringComparison.Ordinal);

        var info = await ChildProcess.RunProvAsync(_home, "device", "info", "--device", device);
        Assert.Equal(ExitCodes.DeviceError, info.ExitCode);
        Assert.Single(info.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(device, info.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnterOnTheEmulatorConsolePressesItsButton()
    {
        ChildProcess emulator = null!;
        string device = await StartEmulatorAsync("tcp", autoPress: false, started: e => emulator = e);

        using ChildProcess init = ChildProcess.StartProv(_home, "device", "init", "--device", device, "--json");
        init.CloseInput();
        await init.WaitForLineAsync(l => l == "press the button on the token", Generous, "the press prompt");
        emulator.WriteLine("");

        int exit = await init.WaitForExitAsync(Generous);

        Assert.True(exit == 0, init.Stderr);
        JsonElement result = JsonDocument.Parse(init.Stdout).RootElement;
        Assert.True(result.GetProperty("hasKey").GetBoolean());
        Assert.Equal(130, result.GetProperty("publicKey").GetString()!.Length);
    }

    private async Task<string> StartEmulatorAsync(string transport, bool autoPress, Action<ChildProcess>? started = null, bool secureElement = false)
    {
        var args = new List<string> { "emulator", "--state", Path.Combine(_home, "emulator-" + transport + (secureElement ? "-se" : "")) };
        if (transport == "tcp") args.AddRange(["--tcp", "0"]);
        else args.Add("--pty");
        if (autoPress) args.Add("--auto-press");
        if (secureElement) args.Add("--secure-element");
        ChildProcess emulator = ChildProcess.StartProv(_home, [.. args]);
        _children.Add(emulator);
        started?.Invoke(emulator);
        string banner = secureElement
            ? "secure element model emulator (development mode: the model keeps its key in a readable file)"
            : "software token emulator (development mode)";
        await emulator.WaitForLineAsync(l => l == banner, Generous, "its banner");
        string line = await emulator.WaitForLineAsync(l => l.StartsWith(transport + " ", StringComparison.Ordinal), Generous, "its " + transport + " endpoint");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    }

    [Fact]
    public async Task ProvisionInitSignAndVerifyWithTheSecureElementModel()
    {
        ChildProcess emulator = null!;
        string device = await StartEmulatorAsync("tcp", autoPress: true, started: e => emulator = e, secureElement: true);

        JsonElement blank = await InfoAsync(device);
        Assert.Equal("secureElement", blank.GetProperty("keyProtection").GetString());
        Assert.True(blank.GetProperty("secureElementPresent").GetBoolean());
        Assert.False(blank.GetProperty("secureElementProvisioned").GetBoolean());
        Assert.Matches("^[0-9A-F]{18}$", blank.GetProperty("serial").GetString());

        // Without --yes and without a terminal to ask on, nothing happens.
        var unconfirmed = await ChildProcess.RunProvAsync(_home, "device", "provision", "--device", device);
        Assert.Equal(ExitCodes.Usage, unconfirmed.ExitCode);
        Assert.Contains("cannot be undone", unconfirmed.Stderr, StringComparison.Ordinal);
        var early = await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device);
        Assert.Equal(ExitCodes.Failed, early.ExitCode);
        Assert.Contains("prov device provision", early.Stderr, StringComparison.Ordinal);
        var text = await ChildProcess.RunProvAsync(_home, "device", "info", "--device", device);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("not provisioned yet (run: prov device provision)", text.Stdout, StringComparison.Ordinal);
        Assert.False((await InfoAsync(device)).GetProperty("secureElementProvisioned").GetBoolean());

        var provision = await ChildProcess.RunProvAsync(_home, "device", "provision", "--yes", "--device", device, "--json");
        Assert.True(provision.ExitCode == 0, provision.Stderr);
        Assert.Contains("press the button on the token", provision.Stderr, StringComparison.Ordinal);
        JsonElement locked = JsonDocument.Parse(provision.Stdout).RootElement;
        Assert.Equal(blank.GetProperty("serial").GetString(), locked.GetProperty("secureElementSerial").GetString());
        Assert.True(locked.GetProperty("configLocked").GetBoolean());
        Assert.True(locked.GetProperty("dataLocked").GetBoolean());
        var twice = await ChildProcess.RunProvAsync(_home, "device", "provision", "--yes", "--device", device);
        Assert.Equal(ExitCodes.Failed, twice.ExitCode);
        Assert.Contains("already provisioned", twice.Stderr, StringComparison.Ordinal);

        var init = await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device);
        Assert.True(init.ExitCode == 0, init.Stderr);
        Assert.Contains("in the secure element", init.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("software key", init.Stderr, StringComparison.Ordinal);
        JsonElement ready = await InfoAsync(device);
        Assert.Equal("secureElement", ready.GetProperty("keyProtection").GetString());
        Assert.True(ready.GetProperty("secureElementProvisioned").GetBoolean());
        Assert.True(ready.GetProperty("hasKey").GetBoolean());
        long counterBefore = ready.GetProperty("counter").GetInt64();

        string signed = Path.Combine(_home, "artwork-signed.jpg");
        var sign = await ChildProcess.RunProvAsync(_home, "sign", "--source", "scan", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--device", device, "--json");
        Assert.True(sign.ExitCode == 0, sign.Stderr);
        JsonElement signResult = JsonDocument.Parse(sign.Stdout).RootElement;
        Assert.Equal("secureElement", signResult.GetProperty("keyProtection").GetString());
        long signedCounter = signResult.GetProperty("counter").GetInt64();
        // The first signature also enrolls the token under the development identity (a proof-of-possession signature).
        Assert.True(signedCounter > counterBefore);

        var verify = await ChildProcess.RunProvAsync(_home, "verify", signed, "--json");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        JsonElement verdict = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("valid", verdict.GetProperty("verdict").GetString());
        // The emulator's chip model is said as such in the manifest, never as a hardware secure element.
        Assert.Equal("emulatedSecureElement", verdict.GetProperty("token").GetProperty("keyProtection").GetString());

        var log = await ChildProcess.RunProvAsync(_home, "device", "log", "--device", device, "--json");
        Assert.True(log.ExitCode == 0, log.Stderr);
        Assert.Contains("log chain intact", log.Stderr, StringComparison.Ordinal);
        JsonElement[] entries = JsonDocument.Parse(log.Stdout).RootElement.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(signedCounter - counterBefore, entries.Length);
        Assert.Equal(signedCounter, entries[^1].GetProperty("counter").GetInt64());
        Assert.Equal(signedCounter, (await InfoAsync(device)).GetProperty("counter").GetInt64());

        // The chip model keeps its state in the emulator's state folder: a restarted emulator has the same chip and key.
        emulator.Kill();
        string restarted = await StartEmulatorAsync("tcp", autoPress: true, secureElement: true);
        JsonElement after = await InfoAsync(restarted);
        Assert.Equal(ready.GetProperty("serial").GetString(), after.GetProperty("serial").GetString());
        Assert.True(after.GetProperty("secureElementProvisioned").GetBoolean());
        Assert.Equal(ready.GetProperty("publicKey").GetString(), after.GetProperty("publicKey").GetString());
        Assert.Equal(signedCounter, after.GetProperty("counter").GetInt64());
    }

    [Fact]
    public async Task ALostTokenRevokedFromSignature4KeepsFiles1To3TrustedAndFails4And5()
    {
        // Issue 15 through the emulator in another process: sign 5 files, lose the token, revoke from the 4th.
        string device = await StartEmulatorAsync("tcp", autoPress: true);
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "device", "init", "--device", device)).ExitCode);
        string sample = Provenance.Cli.Tests.EndToEnd.SignVerifyTests.SamplePath("artwork.jpg");
        var files = new List<string>();
        var counters = new List<long>();
        for (int i = 1; i <= 5; i++)
        {
            string output = Path.Combine(_home, $"work{i}.jpg");
            var sign = await ChildProcess.RunProvAsync(_home, "sign", sample, "--out", output, "--device", device, "--json", "--source", "scan");
            Assert.True(sign.ExitCode == 0, sign.Stderr);
            files.Add(output);
        }
        string serial = (await InfoAsync(device)).GetProperty("serial").GetString()!;
        string identity = Path.Combine(_home, "development-identity");
        string root = Path.Combine(_home, "root.pem");
        string crl = Path.Combine(_home, "lost.crl");
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "identity", "export", "--out", root, "--identity", identity)).ExitCode);
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "trust", "add", root, "--name", "Dev")).ExitCode);
        var verified = await ChildProcess.RunProvAsync(_home, ["verify", .. files, "--json"]);
        foreach (JsonElement file in JsonDocument.Parse(verified.Stdout).RootElement.GetProperty("files").EnumerateArray())
        {
            Assert.Equal("trusted", file.GetProperty("verdict").GetString());
            Assert.True(file.GetProperty("token").GetProperty("counterBound").GetBoolean());
            counters.Add(file.GetProperty("token").GetProperty("counter").GetInt64());
        }
        long lostAt = counters[3];

        var revoke = await ChildProcess.RunProvAsync(_home, "identity", "revoke", "--device", serial, "--from-counter", lostAt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--crl-out", crl, "--identity", identity);
        Assert.True(revoke.ExitCode == 0, revoke.Stderr);
        Assert.Equal(0, (await ChildProcess.RunProvAsync(_home, "trust", "import-crl", crl)).ExitCode);
        // (A file the thief signs later is covered in Provenance.Tests' RevocationFromCounterTests: here the development
        // identity, whose root key sits unprotected on this machine, would simply certify the token again.)
        var after = await ChildProcess.RunProvAsync(_home, ["verify", .. files, "--json"]);
        JsonElement[] results = JsonDocument.Parse(after.Stdout).RootElement.GetProperty("files").EnumerateArray().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("trusted", results[i].GetProperty("verdict").GetString());
            Assert.Contains($"token reported lost at signature {lostAt}; this signature came before",
                results[i].GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        }
        foreach (JsonElement revoked in results.Skip(3))
        {
            Assert.Equal("invalid", revoked.GetProperty("verdict").GetString());
            Assert.Contains("signingCredential.revoked", revoked.GetProperty("status").EnumerateArray().Select(s => s.GetProperty("code").GetString()));
        }
    }

    private async Task<JsonElement> InfoAsync(string device)
    {
        var info = await ChildProcess.RunProvAsync(_home, "device", "info", "--device", device, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        return JsonDocument.Parse(info.Stdout).RootElement;
    }

    /// <summary>SHA-256(counter ‖ time ‖ digest ‖ previous), recomputed from the JSON alone.</summary>
    private static string EntryHash(JsonElement entry)
    {
        var input = new byte[80];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(input.AsSpan(0), entry.GetProperty("counter").GetInt64());
        long time = DateTimeOffset.Parse(entry.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(input.AsSpan(8), time);
        Convert.FromHexString(entry.GetProperty("digest").GetString()!).CopyTo(input, 16);
        Convert.FromHexString(entry.GetProperty("previous").GetString()!).CopyTo(input, 48);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
