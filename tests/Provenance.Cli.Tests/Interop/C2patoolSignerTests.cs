using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Interop;

/// <summary>
/// `prov c2patool-signer` as c2patool's --signer-path: c2pa-rs (its WebAssembly Builder, tests/interop/c2patool-sign.mjs)
/// builds the manifest and starts `prov c2patool-signer --reserve-size N --alg es256 --sign-cert PATH` per signature
/// against the emulator in another process; c2pa-rs and `prov verify` then judge the file.
/// </summary>
public sealed class C2patoolSignerTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private static readonly Dictionary<string, string> Password = new() { ["PROV_PASSWORD"] = "correct horse battery staple" };
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly List<ChildProcess> _children = [];

    public void Dispose()
    {
        foreach (ChildProcess child in _children) child.Dispose();
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private Task<ProvResult> Run(params string[] args) => _prov.RunAsync(args, Password, Generous);

    /// <summary>An emulator with an enrolled key under Ada's identity; returns its address and her root's PEM path.</summary>
    private async Task<(string Device, string Root)> EnrolledEmulatorAsync()
    {
        ChildProcess emulator = ChildProcess.StartProv(_prov.Home, "emulator", "--state", Path.Combine(_prov.Home, "emulator"), "--tcp", "0", "--auto-press");
        _children.Add(emulator);
        string line = await emulator.WaitForLineAsync(l => l.StartsWith("tcp ", StringComparison.Ordinal), Generous, "its tcp endpoint");
        string device = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        string root = Path.Combine(_prov.Home, "ada-root.pem");
        foreach (string[] step in new[]
        {
            new[] { "device", "init", "--device", device },
            ["identity", "create", "--name", "Ada Artist", "--email", "ada@example.org", "--url", "https://ada.example.org"],
            ["identity", "enroll", "--device", device],
            ["identity", "export", "--out", root],
        })
        {
            ProvResult result = await Run(step);
            Assert.True(result.ExitCode == 0, string.Join(' ', step) + ": " + result);
        }
        return (device, root);
    }

    private async Task<long> CounterAsync(string device)
    {
        ProvResult info = await Run("device", "info", "--device", device, "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
        return JsonDocument.Parse(info.Stdout).RootElement.GetProperty("counter").GetInt64();
    }

    [Fact]
    public async Task C2paRsSignsThroughTheTokenAndTrustsItAndProvVerifiesItAsUnbound()
    {
        string? interop = ServeTests.FindInterop();
        if (interop is null || !Directory.Exists(Path.Combine(interop, "node_modules", "@contentauth", "c2pa-wasm")))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have tests/interop/node_modules (see .ci/run)");
            return;
        }
        (string device, string root) = await EnrolledEmulatorAsync();
        string chain = Path.Combine(_prov.Home, "token-chain.pem");
        ProvResult export = await Run("c2patool-signer", "--export-cert", chain, "--device", device);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(chain), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllText(chain).Split("BEGIN CERTIFICATE").Length - 1); // token certificate, then Ada's root
        ProvResult again = await Run("c2patool-signer", "--export-cert", chain, "--device", device);
        Assert.Equal(ExitCodes.AlreadyExists, again.ExitCode);

        long before = await CounterAsync(device);
        string signed = Path.Combine(_prov.Home, "by-c2pa-rs.jpg");
        string[] signer = ChildProcess.ProvExe is { } exe ? [exe] : ["dotnet", ChildProcess.ProvDll];
        JsonElement made = await RunNodeAsync(interop, ["c2patool-sign.mjs", SignVerifyTests.SamplePath("artwork.jpg"), signed, "--cert", chain, "--title", "Swirl", "--",
            .. signer, "c2patool-signer", "--device", device]);
        Assert.Equal(1, made.GetProperty("calls").GetInt32());
        string said = made.GetProperty("signerStderr")[0].GetString()!;
        Assert.Contains("does not carry the token's counter binding", said, StringComparison.Ordinal);
        Assert.Contains("press the button on the token", said, StringComparison.Ordinal);
        // One signature of the token: one counter value, one log entry.
        Assert.Equal(before + 1, await CounterAsync(device));

        JsonElement untrusted = await RunNodeAsync(interop, ["c2pa-read.mjs", signed]);
        Assert.True(untrusted.GetProperty("state").GetString() == "Valid", untrusted.ToString());
        Assert.Contains("signingCredential.untrusted", untrusted.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        JsonElement trusted = await RunNodeAsync(interop, ["c2pa-read.mjs", signed, "--trust", root]);
        Assert.True(trusted.GetProperty("state").GetString() == "Trusted", trusted.ToString());

        Assert.Equal(0, (await Run("trust", "add", root, "--name", "Ada")).ExitCode);
        JsonElement verified = await VerifyAsync(signed, expectExit: 0);
        Assert.Equal("trusted", verified.GetProperty("verdict").GetString());
        Assert.Equal("Ada", verified.GetProperty("signer").GetProperty("verified").GetProperty("trustStoreName").GetString());
        Assert.Contains(verified.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("did not bind its counter", StringComparison.Ordinal));

        // Issue 15, fail safe: revoked from a counter far above this signature's, it still counts as made after.
        string serial = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(_prov.Home, "identity", "tokens"), "*.pem").Single());
        string crl = Path.Combine(_prov.Home, "ada.crl");
        Assert.Equal(0, (await Run("identity", "revoke", "--device", serial, "--from-counter", "1000", "--crl-out", crl)).ExitCode);
        Assert.Equal(0, (await Run("trust", "import-crl", crl)).ExitCode);
        JsonElement revoked = await VerifyAsync(signed, expectExit: 1);
        Assert.Equal("invalid", revoked.GetProperty("verdict").GetString());
        Assert.Contains("signingCredential.revoked", revoked.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task BytesThatNameTheCounterFieldAnotherAlgorithmOrAnotherCertificateGetNoSignature()
    {
        (string device, string root) = await EnrolledEmulatorAsync();
        long before = await CounterAsync(device);

        // A claim naming the token's counter field must be signed with its binding (prov sign), never unbound.
        byte[] naming = [0x84, 0x6A, .. "Signature1"u8, 0x78, 0x1A, .. "org.provenancedevice.token"u8, 0xA0];
        (int refusedExit, byte[] refusedOut, string refusedErr) = await RunWithStdinAsync(naming, "c2patool-signer", "--reserve-size", "10000", "--alg", "es256", "--device", device);
        Assert.Equal(ExitCodes.DeviceError, refusedExit);
        Assert.Empty(refusedOut);
        Assert.Contains("BindingRefused", refusedErr, StringComparison.Ordinal);

        (int algExit, byte[] algOut, string algErr) = await RunWithStdinAsync("Signature1"u8.ToArray(), "c2patool-signer", "--alg", "ps256", "--device", device);
        Assert.Equal(ExitCodes.Usage, algExit);
        Assert.Empty(algOut);
        Assert.Contains("es256", algErr, StringComparison.Ordinal);

        (int certExit, byte[] certOut, string certErr) = await RunWithStdinAsync("Signature1"u8.ToArray(), "c2patool-signer", "--alg", "es256", "--sign-cert", root, "--device", device);
        Assert.Equal(ExitCodes.Usage, certExit);
        Assert.Empty(certOut);
        Assert.Contains("is not this token's", certErr, StringComparison.Ordinal);

        Assert.Equal(before, await CounterAsync(device));

        // Newer c2patool asks for the algorithm and chain first (--signer-info): no press, no signature.
        ProvResult info = await Run("c2patool-signer", "--signer-info", "--device", device);
        Assert.True(info.ExitCode == 0, info.ToString());
        JsonElement signerInfo = JsonDocument.Parse(info.Stdout).RootElement;
        Assert.Equal("es256", signerInfo.GetProperty("alg").GetString());
        Assert.Equal(2, signerInfo.GetProperty("sign_cert").GetString()!.Split("BEGIN CERTIFICATE").Length - 1);
        Assert.True(signerInfo.GetProperty("reserve_size").GetInt32() > 0);
        Assert.Equal(before, await CounterAsync(device));

        // And the same bytes without the field are signed: 64 bytes r‖s, one counter value.
        (int okExit, byte[] okOut, string okErr) = await RunWithStdinAsync("Signature1"u8.ToArray(), "c2patool-signer", "--alg", "es256", "--device", device);
        Assert.True(okExit == 0, okErr);
        Assert.Equal(64, okOut.Length);
        Assert.Equal(before + 1, await CounterAsync(device));
    }

    private async Task<JsonElement> VerifyAsync(string file, int expectExit)
    {
        ProvResult verify = await Run("verify", file, "--json");
        Assert.True(verify.ExitCode == expectExit, verify.ToString());
        return JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0].Clone();
    }

    /// <summary>`prov args` with <paramref name="stdin"/> as its binary standard input, as c2patool starts it.</summary>
    private async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunWithStdinAsync(byte[] stdin, params string[] args)
    {
        var start = new ProcessStartInfo(ChildProcess.ProvExe ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ChildProcess.ProvExe is null) start.ArgumentList.Add(ChildProcess.ProvDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["PROV_HOME"] = _prov.Home;
        start.Environment["PROV_NO_HARDWARE_PROBE"] = "1";
        start.Environment.Remove("PROV_DEVICE");
        using Process process = Process.Start(start)!;
        using var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(Generous);
        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    /// <summary>node in tests/interop with this test's PROV_HOME, so the signer processes it starts find the identity.</summary>
    private async Task<JsonElement> RunNodeAsync(string interop, string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["PROV_HOME"] = _prov.Home;
        start.Environment["PROV_NO_HARDWARE_PROBE"] = "1";
        start.Environment.Remove("PROV_DEVICE");
        using Process node = Process.Start(start)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        string output = await stdout;
        Assert.True(node.ExitCode == 0, output + await stderr);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
