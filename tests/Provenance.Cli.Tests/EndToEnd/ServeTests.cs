using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>`prov serve`: the gallery's browser page and its /verify endpoint, on 127.0.0.1.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task PageAndVerdictsForUploadedFiles()
    {
        string signed = Path.Combine(_prov.Home, "signed.png");
        Assert.Equal(0, (await _prov.RunAsync("sign", "--source", "scan", SignVerifyTests.SamplePath("artwork.png"), "--out", signed)).ExitCode);

        int port = FreePort();
        using ChildProcess serve = ChildProcess.StartProv(_prov.Home, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the serving line");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

            string page = await http.GetStringAsync("/");
            Assert.Contains("<input id=\"files\" type=\"file\" multiple>", page);

            JsonElement valid = await PostAsync(http, "signed.png", File.ReadAllBytes(signed));
            Assert.Equal("valid", valid.GetProperty("verdict").GetString());
            Assert.Equal("software", valid.GetProperty("token").GetProperty("keyProtection").GetString());
            Assert.Equal(1, valid.GetProperty("version").GetInt32());
            Assert.Equal("signed.png", valid.GetProperty("file").GetString());

            byte[] tampered = File.ReadAllBytes(signed);
            tampered[^100] ^= 0x01;
            JsonElement invalid = await PostAsync(http, "tampered.png", tampered);
            Assert.Equal("invalid", invalid.GetProperty("verdict").GetString());

            JsonElement error = await PostAsync(http, "../../notes.png", "not an image"u8.ToArray());
            Assert.Equal("error", error.GetProperty("verdict").GetString());
            Assert.Equal("notes.png", error.GetProperty("file").GetString());

            using HttpResponseMessage wrongMethod = await http.DeleteAsync("/");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        }
        finally
        {
            serve.Kill();
        }
    }

    /// <summary>The page itself, in Debian's Chromium driven by playwright-core (tests/interop/serve-page.mjs).</summary>
    [Fact]
    public async Task ThePageShowsAVerdictPerChosenFileInChromium()
    {
        string? interop = FindInterop();
        bool ready = interop is not null && Directory.Exists(Path.Combine(interop, "node_modules", "playwright-core")) && File.Exists("/usr/bin/chromium");
        if (!ready)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have Chromium and tests/interop/node_modules (see .ci/run)");
            return; // Without Chromium or the npm packages this browser check cannot run here; the HTTP test above still does.
        }

        string signed = Path.Combine(_prov.Home, "signed.webp");
        Assert.Equal(0, (await _prov.RunAsync("sign", "--source", "scan", SignVerifyTests.SamplePath("artwork.webp"), "--out", signed)).ExitCode);
        string text = Path.Combine(_prov.Home, "notes.txt");
        File.WriteAllText(text, "not artwork");

        int port = FreePort();
        using ChildProcess serve = ChildProcess.StartProv(_prov.Home, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the serving line");
            var start = new System.Diagnostics.ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "serve-page.mjs", $"http://127.0.0.1:{port}/", signed, text }) start.ArgumentList.Add(arg);
            using var node = System.Diagnostics.Process.Start(start)!;
            Task<string> stdout = node.StandardOutput.ReadToEndAsync();
            Task<string> stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(node.ExitCode == 0, await stderr);
            JsonElement[] rows = [.. JsonDocument.Parse(await stdout).RootElement.EnumerateArray()];
            JsonElement webp = Array.Find(rows, r => r.GetProperty("file").GetString() == "signed.webp");
            Assert.Equal("valid", webp.GetProperty("verdict").GetString());
            Assert.Equal("valid", webp.GetProperty("rowClass").GetString());
            Assert.Contains("software key, not hardware-protected", webp.GetProperty("token").GetString());
            Assert.Equal("error", Array.Find(rows, r => r.GetProperty("file").GetString() == "notes.txt").GetProperty("verdict").GetString());
        }
        finally
        {
            serve.Kill();
        }
    }

    private static string? FindInterop()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "serve-page.mjs"))) return candidate;
        }
        return null;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string name, byte[] body)
    {
        using HttpResponseMessage response = await http.PostAsync("/verify?name=" + Uri.EscapeDataString(name), new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
