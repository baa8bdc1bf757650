using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Cli.Serve;
using Provenance.Fingerprint;
using Provenance.Registry;
using Provenance.Tests.TestSupport;
using SkiaSharp;

namespace Provenance.Cli.Tests.Registry;

/// <summary>
/// The soft-binding resolution API (`prov registry serve`) with `prov sign --register` and `prov verify --registry`,
/// as an artist and a gallery use them: a signed picture, re-encoded at JPEG quality 70, halved, stripped of its
/// metadata and saved as PNG, is traced back to its credentials; another picture is not. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class RegistryApiContract : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly CancellationTokenSource _stop = new();
    private Task? _server;
    private ISoftBindingStore? _store;

    protected abstract ISoftBindingStore OpenStore(string folder);

    public void Dispose()
    {
        _stop.Cancel();
        try { _server?.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _store?.Dispose();
        _stop.Dispose();
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    private async Task<string> StartAsync()
    {
        Directory.CreateDirectory(_prov.Home);
        _store = OpenStore(_prov.Home);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            int free = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var started = new TaskCompletionSource();
            var server = new RegistryServer(free, _store, SoftBindingRegistry.DefaultMaxDistance, TimeSpan.FromSeconds(60), TextWriter.Null);
            _server = Task.Run(() => server.RunAsync(_stop.Token, started));
            await Task.WhenAny(started.Task, _server);
            if (_server.IsFaulted) await _server;
            return $"http://127.0.0.1:{free}/";
        }
    }

    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "iscc", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/fixtures/iscc/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>What a platform does to an upload: JPEG quality 70, half size, metadata gone, saved as PNG.</summary>
    private static byte[] StrippedCopy(string signed)
    {
        using SKBitmap original = SKBitmap.Decode(signed);
        using SKData jpeg = original.Encode(SKEncodedImageFormat.Jpeg, 70);
        using SKBitmap reencoded = SKBitmap.Decode(jpeg);
        using SKBitmap half = reencoded.Resize(new SKImageInfo(reencoded.Width / 2, reencoded.Height / 2, reencoded.ColorType, reencoded.AlphaType), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using SKData png = half.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    protected async Task A_stripped_copy_is_traced_to_its_registered_credentials_and_another_picture_is_not()
    {
        string url = await StartAsync();
        string signed = Path.Combine(_prov.Home, "earth.png");
        ProvResult sign = await _prov.RunAsync("sign", Fixture("earth_apollo17.png"), "--out", signed, "--source", "scan", "--register", url, "--json");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        JsonElement signedJson = JsonDocument.Parse(sign.Stdout).RootElement;
        Assert.Equal(url, signedJson.GetProperty("registered").GetString());
        string manifest = signedJson.GetProperty("manifest").GetString()!;
        Assert.Equal(1, _store!.Count());

        string copy = Path.Combine(_prov.Home, "copy.png");
        File.WriteAllBytes(copy, StrippedCopy(signed));
        ProvResult verify = await _prov.RunAsync("verify", copy, "--registry", url, "--json");
        Assert.Equal(1, verify.ExitCode); // the copy is not signed: it does not pass
        JsonElement file = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("missing", file.GetProperty("verdict").GetString());
        Assert.StartsWith("No credentials in the file; the registry holds credentials for a matching image (similarity", file.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("its hard binding does not match this copy", file.GetProperty("reason").GetString(), StringComparison.Ordinal);
        JsonElement recovered = file.GetProperty("recovered");
        Assert.True(recovered.GetProperty("found").GetBoolean());
        Assert.Equal(manifest, recovered.GetProperty("manifestId").GetString());
        int distance = recovered.GetProperty("distance").GetInt32();
        Assert.InRange(distance, 0, SoftBindingRegistry.DefaultMaxDistance);
        Assert.Equal((int)Math.Round(100 * (1 - distance / 64.0), MidpointRounding.AwayFromZero), recovered.GetProperty("similarityScore").GetInt32());
        Assert.True(recovered.GetProperty("signatureVerified").GetBoolean());
        Assert.False(recovered.GetProperty("hardBindingMatches").GetBoolean());
        JsonElement credentials = recovered.GetProperty("credentials");
        Assert.Contains("assertion.dataHash.mismatch", credentials.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Object, credentials.GetProperty("signer").ValueKind);

        // The same copy without --registry: nothing is asked, nothing recovered.
        ProvResult plain = await _prov.RunAsync("verify", copy, "--json");
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(plain.Stdout).RootElement.GetProperty("files")[0].GetProperty("recovered").ValueKind);

        // Another picture finds nothing, and says so.
        ProvResult other = await _prov.RunAsync("verify", Fixture("mars.png"), "--registry", url, "--json");
        JsonElement otherFile = JsonDocument.Parse(other.Stdout).RootElement.GetProperty("files")[0];
        Assert.False(otherFile.GetProperty("recovered").GetProperty("found").GetBoolean());
        Assert.Contains("holds none for a matching image", otherFile.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The verification page (prov serve --registry) says the same of a dropped copy.
        await Page_recovers(url, copy, manifest);

        // The terminal words for a person.
        ProvResult text = await _prov.RunAsync("verify", copy, "--registry", url);
        Assert.Contains("signed by", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("distance " + distance + " bits", text.Stdout, StringComparison.Ordinal);
    }

    private static async Task Page_recovers(string registryUrl, string copy, string manifest)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; probe.Stop(); }
        using var registry = new RegistryClient(new Uri(registryUrl));
        var log = new StringWriter();
        TextWriter syncLog = TextWriter.Synchronized(log);
        var page = new VerificationServer(port, TimeSpan.FromSeconds(60), (path, trust) => Provenance.Verification.Verifier.VerifyFile(path, trust), Provenance.Verification.TrustSettings.None, syncLog) { Registry = registry };
        using var stop = new CancellationTokenSource();
        Task run = page.RunAsync(stop.Token);
        for (int i = 0; i < 600 && !log.ToString().Contains("serving", StringComparison.Ordinal); i++)
        {
            if (run.IsCompleted) await run;
            await Task.Delay(50);
        }
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        HttpResponseMessage response = await http.PostAsync("/verify?name=copy.png", new ByteArrayContent(File.ReadAllBytes(copy)));
        JsonElement result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("missing", result.GetProperty("verdict").GetString());
        Assert.Equal(manifest, result.GetProperty("recovered").GetProperty("manifestId").GetString());
        Assert.StartsWith("No credentials in the file; the registry holds credentials", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    protected async Task The_api_answers_in_the_resolution_api_shapes()
    {
        string url = await StartAsync();
        string signed = Path.Combine(_prov.Home, "tuscany.png");
        ProvResult sign = await _prov.RunAsync("sign", Fixture("TUSCANY.png"), "--out", signed, "--source", "scan");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        RegistryEntry entry = RegistryEntry.FromSignedFile(signed);
        using var http = new HttpClient { BaseAddress = new Uri(url) };

        // Registering: the manifest store alone; the code is the one its signed soft binding states.
        using (var body = new ByteArrayContent(entry.Store))
        {
            body.Headers.ContentType = new MediaTypeHeaderValue("application/c2pa");
            HttpResponseMessage added = await http.PostAsync("manifests?title=tuscany.png", body);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            JsonElement addedJson = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(entry.ManifestId, addedJson.GetProperty("manifestId").GetString());
            Assert.Equal(entry.Code.ToString(), addedJson.GetProperty("value").GetString());
        }
        using (var garbage = new ByteArrayContent(Encoding.ASCII.GetBytes("not a manifest store")))
            Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("manifests", garbage)).StatusCode);

        JsonElement algorithms = JsonDocument.Parse(await http.GetStringAsync("services/supportedAlgorithms")).RootElement;
        Assert.Equal("io.iscc.v0", algorithms.GetProperty("fingerprints")[0].GetProperty("alg").GetString());
        Assert.Equal(0, algorithms.GetProperty("watermarks").GetArrayLength());

        string value = Uri.EscapeDataString(RegistryClient.QueryValue(entry.Code));
        JsonElement byGet = JsonDocument.Parse(await http.GetStringAsync($"matches/byBinding?alg=io.iscc.v0&value={value}")).RootElement;
        JsonElement match = Assert.Single(byGet.GetProperty("matches").EnumerateArray());
        Assert.Equal(entry.ManifestId, match.GetProperty("manifestId").GetString());
        Assert.Equal(100, match.GetProperty("similarityScore").GetInt32());
        Assert.Equal(0, match.GetProperty("distance").GetInt32());

        using (var query = new StringContent($"{{\"alg\": \"io.iscc.v0\", \"value\": \"{entry.Code}\"}}", Encoding.UTF8, "application/json"))
        {
            HttpResponseMessage byPost = await http.PostAsync("matches/byBinding?maxResults=1", query);
            Assert.Equal(entry.ManifestId, JsonDocument.Parse(await byPost.Content.ReadAsStringAsync()).RootElement.GetProperty("matches")[0].GetProperty("manifestId").GetString());
        }

        using (var image = new ByteArrayContent(StrippedCopy(signed)))
        {
            image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            JsonElement byContent = JsonDocument.Parse(await (await http.PostAsync("matches/byContent?alg=io.iscc.v0", image)).Content.ReadAsStringAsync()).RootElement;
            JsonElement found = Assert.Single(byContent.GetProperty("matches").EnumerateArray());
            Assert.Equal(entry.ManifestId, found.GetProperty("manifestId").GetString());
            Assert.InRange(found.GetProperty("distance").GetInt32(), 0, SoftBindingRegistry.DefaultMaxDistance);
        }
        using (var other = new ByteArrayContent(File.ReadAllBytes(Fixture("mars.png"))))
            Assert.Equal(0, JsonDocument.Parse(await (await http.PostAsync("matches/byContent", other)).Content.ReadAsStringAsync()).RootElement.GetProperty("matches").GetArrayLength());
        using (var notImage = new ByteArrayContent(Encoding.ASCII.GetBytes("hello")))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.PostAsync("matches/byContent", notImage)).StatusCode);

        HttpResponseMessage store = await http.GetAsync("manifests/" + Uri.EscapeDataString(entry.ManifestId));
        Assert.Equal("application/c2pa", store.Content.Headers.ContentType?.MediaType);
        Assert.Equal(entry.Store, await store.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("manifests/" + Uri.EscapeDataString("urn:c2pa:unknown"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"matches/byBinding?alg=com.example.watermark&value={value}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("matches/byBinding?alg=io.iscc.v0&value=%21%21")).StatusCode);

        // Another host name (DNS rebinding) is refused, as by prov serve.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "services/supportedAlgorithms");
        rebound.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(rebound)).StatusCode);
    }
}

public sealed class SqliteRegistryApiTests : RegistryApiContract
{
    protected override ISoftBindingStore OpenStore(string folder) => SoftBindingRegistry.Open(Path.Combine(folder, "served.db"));

    [Fact] public Task A_stripped_copy_is_traced_to_its_registered_credentials_and_another_picture_is_not_sqlite() => A_stripped_copy_is_traced_to_its_registered_credentials_and_another_picture_is_not();
    [Fact] public Task The_api_answers_in_the_resolution_api_shapes_sqlite() => The_api_answers_in_the_resolution_api_shapes();
}

public sealed class PostgresRegistryApiTests : RegistryApiContract
{
    protected override ISoftBindingStore OpenStore(string folder) => PostgresBindingStore.Open(PostgresCluster.NewDatabase());

    [PostgresFact] public Task A_stripped_copy_is_traced_to_its_registered_credentials_and_another_picture_is_not_postgres() => A_stripped_copy_is_traced_to_its_registered_credentials_and_another_picture_is_not();
    [PostgresFact] public Task The_api_answers_in_the_resolution_api_shapes_postgres() => The_api_answers_in_the_resolution_api_shapes();
}
