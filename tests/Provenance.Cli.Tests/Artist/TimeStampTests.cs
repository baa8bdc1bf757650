using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;
using Provenance.Tests.TestSupport;

namespace Provenance.Cli.Tests.Artist;

/// <summary>`prov sign --tsa URL` (or the default set with `prov consent set --tsa`) against a local RFC 3161 authority.</summary>
public sealed class TimeStampTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly TestPki _pki = new();
    private readonly LocalTimeStampAuthority _tsa;
    private readonly string _work;

    public TimeStampTests()
    {
        _tsa = new LocalTimeStampAuthority(_pki);
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        _tsa.Dispose();
        _pki.Dispose();
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private async Task<JsonElement> VerifyAsync(string file)
    {
        ProvResult verify = await _prov.RunAsync("verify", file, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        return JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
    }

    [Fact]
    public async Task TsaOnTheCommandLineTimeStampsTheSignatureAndVerifyProvesTheTime()
    {
        string signed = Path.Combine(_work, "stamped.jpg");
        ProvResult sign = await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--source", "scan", "--tsa", _tsa.Url.ToString(), "--json");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.True(JsonDocument.Parse(sign.Stdout).RootElement.GetProperty("timeStamped").GetBoolean());
        Assert.Equal(1, _tsa.Requests);

        JsonElement file = await VerifyAsync(signed);
        Assert.Contains("timeStamp.validated", file.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.True(file.GetProperty("time").GetProperty("timeStamped").GetBoolean());

        // The same file in c2pa-rs, with the signer's root and the TSA's root as anchors.
        string? interop = ServeTests.FindInterop();
        if (interop is null || !Directory.Exists(Path.Combine(interop, "node_modules", "@contentauth", "c2pa-wasm")))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have tests/interop/node_modules (see .ci/run)");
            return;
        }
        string signerRoot = Path.Combine(_prov.Home, "development-identity", "root.pem");
        string tsaRoot = Path.Combine(_work, "tsa-root.pem");
        File.WriteAllText(tsaRoot, _pki.Root.ExportCertificatePem());
        JsonElement both = await HtmlReportTests.RunNodeAsync(interop, "c2pa-read.mjs", signed, "--trust", signerRoot, "--trust", tsaRoot, "--verbose");
        Assert.True(both.GetProperty("state").GetString() == "Trusted", both.ToString());
        Assert.Contains("timeStamp.validated", C2paRsSuccessCodes(both));
        Assert.Contains("timeStamp.trusted", C2paRsSuccessCodes(both));

        // Without the TSA's root c2pa-rs still matches the time stamp to the signature (validated) but says the TSA is
        // untrusted (informational): the stamp no longer vouches for the time, and the file stays Trusted.
        JsonElement signerOnly = await HtmlReportTests.RunNodeAsync(interop, "c2pa-read.mjs", signed, "--trust", signerRoot, "--verbose");
        Assert.True(signerOnly.GetProperty("state").GetString() == "Trusted", signerOnly.ToString());
        Assert.Contains("timeStamp.validated", C2paRsSuccessCodes(signerOnly));
        Assert.DoesNotContain("timeStamp.trusted", C2paRsSuccessCodes(signerOnly));
        Assert.Contains("timeStamp.untrusted", signerOnly.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    private static string[] C2paRsSuccessCodes(JsonElement result) =>
        [.. result.GetProperty("validation").GetProperty("activeManifest").GetProperty("success").EnumerateArray().Select(s => s.GetProperty("code").GetString()!)];

    [Fact]
    public async Task TheDefaultTsaStampsEverySignatureOfABatch()
    {
        Assert.Equal(0, (await _prov.RunAsync("consent", "set", "--source", "scan", "--tsa", _tsa.Url.ToString())).ExitCode);
        string scans = Path.Combine(_work, "scans");
        Directory.CreateDirectory(scans);
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(scans, "a.jpg"));
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(scans, "b.png"));

        ProvResult sign = await _prov.RunAsync("sign", scans, "--in-place");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Equal(2, _tsa.Requests);
        foreach (string name in new[] { "a.jpg", "b.png" })
            Assert.True((await VerifyAsync(Path.Combine(scans, name))).GetProperty("time").GetProperty("timeStamped").GetBoolean(), name);
    }

    [Fact]
    public async Task AnUnreachableTsaStillSignsAndSaysNoTimeStampWasAdded()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        string signed = Path.Combine(_work, "offline.jpg");

        ProvResult sign = await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--source", "scan", "--tsa", $"http://127.0.0.1:{closedPort}/tsa");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Contains("no time stamp was added", sign.Stderr, StringComparison.Ordinal);

        JsonElement file = await VerifyAsync(signed);
        Assert.Equal("valid", file.GetProperty("verdict").GetString());
        Assert.DoesNotContain("timeStamp.validated", file.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        JsonElement time = file.GetProperty("time");
        Assert.True(time.ValueKind == JsonValueKind.Null || !time.GetProperty("timeStamped").GetBoolean(), time.ToString());
    }
}
