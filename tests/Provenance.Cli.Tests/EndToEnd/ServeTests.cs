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
        Assert.Equal(0, (await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.png"), "--out", signed)).ExitCode);

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
            Assert.Equal("software", valid.GetProperty("keyProtection").GetString());
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
