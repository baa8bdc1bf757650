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
            Assert.Contains("<input id=\"choose\" type=\"file\" multiple>", page);
            Assert.Contains("<table id=\"files\">", page); // the report's table, style and script (Reporting/HtmlReport.cs)
            Assert.Contains(Provenance.Reporting.HtmlReport.Style, page, StringComparison.Ordinal);

            JsonElement valid = await PostAsync(http, "signed.png", File.ReadAllBytes(signed));
            Assert.Equal("valid", valid.GetProperty("verdict").GetString());
            Assert.Equal("software", valid.GetProperty("token").GetProperty("keyProtection").GetString());
            Assert.Equal(1, valid.GetProperty("version").GetInt32());
            Assert.Equal("signed.png", valid.GetProperty("file").GetString());

            byte[] tampered = File.ReadAllBytes(signed);
            tampered[^100] ^= 0x01;
            JsonElement invalid = await PostAsync(http, "tampered.png", tampered);
            Assert.Equal("invalid", invalid.GetProperty("verdict").GetString());

            using (HttpResponseMessage rows = await http.PostAsync("/verify?view=html&name=" + Uri.EscapeDataString("<b>tampered<b>.png"), new ByteArrayContent(tampered)))
            {
                string html = await rows.Content.ReadAsStringAsync();
                Assert.StartsWith("text/html", rows.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
                Assert.Contains("data-verdict=\"invalid\"", html, StringComparison.Ordinal);
                Assert.Contains("&lt;b&gt;tampered&lt;b&gt;.png", html, StringComparison.Ordinal);
                Assert.DoesNotContain("<b>tampered", html, StringComparison.Ordinal);
                Assert.DoesNotContain("prov-serve-", html, StringComparison.Ordinal); // no server paths
            }

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

    /// <summary>
    /// The page itself at http://localhost:PORT/, in Debian's Chromium driven by playwright-core
    /// (tests/interop/serve-page.mjs): the report's rows and detail per chosen file, failures first, counts, thumbnail.
    /// </summary>
    [Fact]
    public async Task ThePageShowsTheReportsRowsFailuresFirstWithDetailInChromium()
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
        string signedPng = Path.Combine(_prov.Home, "signed.png");
        Assert.Equal(0, (await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.png"), "--out", signedPng, "--source", "scan")).ExitCode);
        string hostile = Path.Combine(_prov.Home, "<img src=x onerror=\"window.pwned=1\">.png");
        byte[] tampered = File.ReadAllBytes(signedPng);
        File.Delete(signedPng);
        tampered[^100] ^= 0x01;
        File.WriteAllBytes(hostile, tampered);
        var files = new System.Collections.Generic.List<string> { signed, text, hostile };
        string? ca = FixtureCa();
        if (ca is not null) files.Add(ca);

        int port = FreePort();
        using ChildProcess serve = ChildProcess.StartProv(_prov.Home, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the serving line");
            JsonElement seen = await HtmlReportTests.RunNodeAsync(interop!, ["serve-page.mjs", $"http://localhost:{port}/", .. files]);
            JsonElement[] rows = [.. seen.GetProperty("rows").EnumerateArray()];
            Assert.Equal(files.Count, rows.Length);
            JsonElement webp = Array.Find(rows, r => r.GetProperty("file").GetString() == "signed.webp");
            Assert.Equal("valid", webp.GetProperty("verdict").GetString());
            Assert.Equal("valid", webp.GetProperty("badge").GetString());
            Assert.Contains("software key, not hardware-protected", webp.GetProperty("detail").GetString());
            Assert.Contains("claimSignature.validated", webp.GetProperty("detail").GetString());
            Assert.Equal("error", Array.Find(rows, r => r.GetProperty("file").GetString() == "notes.txt").GetProperty("verdict").GetString());

            // Failures first, whatever order the answers came in; the hostile name is shown, not run.
            Assert.Equal("invalid", rows[0].GetProperty("verdict").GetString());
            Assert.Equal("<img src=x onerror=\"window.pwned=1\">.png", rows[0].GetProperty("file").GetString());
            Assert.Equal("error", rows[1].GetProperty("verdict").GetString());
            Assert.False(seen.GetProperty("pwned").GetBoolean(), "a file name ran script in the page");
            Assert.Equal(1, seen.GetProperty("cards").GetProperty("invalid").GetInt32());
            Assert.True(seen.GetProperty("detailVisible").GetBoolean());
            Assert.True(seen.GetProperty("scrollWidth").GetInt32() <= 1280);
            // Every image prov signs carries its claim thumbnail (issue 12): the signed WebP, the tampered PNG (its claim
            // signature still verifies, so the thumbnail of what was signed is shown) and c2pa-rs's CA.jpg.
            Assert.Equal(ca is not null ? 3 : 2, seen.GetProperty("thumbnails").GetInt32());
        }
        finally
        {
            serve.Kill();
        }
    }

    private static string? FixtureCa()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "c2pa", "CA.jpg");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    internal static string? FindInterop()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "serve-page.mjs"))) return candidate;
        }
        return null;
    }

    [Fact]
    public async Task AnAssetAndItsSidecarDroppedTogetherAreCheckedTogether()
    {
        // A PSD keeps its bytes and gets painting.c2pa beside it; the gallery drops both on the page.
        string folder = Path.Combine(_prov.Home, "art");
        Directory.CreateDirectory(folder);
        string psd = Path.Combine(folder, "painting.psd");
        var bytes = new byte[8192];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(psd, bytes);
        Assert.Equal(0, (await _prov.RunAsync("sign", psd, "--in-place", "--source", "tablet")).ExitCode);
        byte[] sidecar = File.ReadAllBytes(Path.Combine(folder, "painting.c2pa"));

        int port = FreePort();
        using ChildProcess serve = ChildProcess.StartProv(_prov.Home, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the serving line");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

            using HttpResponseMessage together = await http.PostAsync($"/verify?name=painting.psd&sidecar={sidecar.Length}", new ByteArrayContent([.. sidecar, .. bytes]));
            Assert.Equal(HttpStatusCode.OK, together.StatusCode);
            JsonElement valid = JsonDocument.Parse(await together.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("valid", valid.GetProperty("verdict").GetString());
            Assert.Equal("painting.psd", valid.GetProperty("file").GetString());

            JsonElement alone = await PostAsync(http, "painting.psd", bytes);
            Assert.Equal("error", alone.GetProperty("verdict").GetString());
            JsonElement stray = await PostAsync(http, "painting.c2pa", sidecar);
            Assert.Equal("error", stray.GetProperty("verdict").GetString());
            Assert.Contains("without its asset", stray.GetProperty("reason").GetString(), StringComparison.Ordinal);

            // The other file's sidecar does not make this one valid: its hash binds other bytes.
            bytes[100] ^= 1;
            using HttpResponseMessage wrong = await http.PostAsync($"/verify?name=painting.psd&sidecar={sidecar.Length}", new ByteArrayContent([.. sidecar, .. bytes]));
            Assert.Equal("invalid", JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement.GetProperty("verdict").GetString());
        }
        finally
        {
            serve.Kill();
        }
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
