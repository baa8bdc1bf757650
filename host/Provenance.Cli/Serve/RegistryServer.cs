using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Cli.Commands;
using Provenance.Fingerprint;
using Provenance.Registry;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Provenance.Cli.Serve;

/// <summary>
/// `prov registry serve`: the C2PA soft-binding resolution API (C2PA 2.2, "Decoupled" soft bindings; the API's OpenAPI
/// description, version 1.0.0) over an <see cref="ISoftBindingStore"/>, for the `io.iscc.v0` fingerprint:
/// <list type="bullet">
/// <item>`GET /services/supportedAlgorithms`: `{"watermarks": [], "fingerprints": [{"alg": "io.iscc.v0"}]}`</item>
/// <item>`GET /matches/byBinding?alg=&amp;value=&amp;maxResults=` and `POST /matches/byBinding` (`{"alg", "value"}`):
/// `{"matches": [{"manifestId", "similarityScore", "distance"}]}`, nearest first, within `maxDistance` bits (default 4)</item>
/// <item>`POST /matches/byContent?alg=&amp;maxResults=`: the image as the body; we compute its Image-Code</item>
/// <item>`GET /manifests/{manifestId}`: the registered manifest store, `application/c2pa`</item>
/// <item>`POST /manifests?title=`: registers a manifest store (`application/c2pa` body); the binding stored is the one
/// its active manifest's signed `c2pa.soft-binding` assertion states (C2PA 2.2 §18.10), so nobody can attach a code the
/// artist did not sign. Answers 201 `{"manifestId", "alg", "value"}`.</item>
/// </list>
/// Loopback only, with the same Kestrel limits (<see cref="LoopbackKestrel"/>) and Host/Origin checks
/// (<see cref="RequestGuard"/>) as `prov serve`. The server keeps no state of its own, so several can share one
/// PostgreSQL database.
/// </summary>
public sealed class RegistryServer
{
    /// <summary>Largest image accepted by byContent (decoded in memory).</summary>
    public const int MaxContentBytes = 64 * 1024 * 1024;

    /// <summary>Most matches one query returns.</summary>
    public const int MaxResults = 100;

    private readonly int _port;
    private readonly ISoftBindingStore _store;
    private readonly TextWriter _log;
    private readonly RequestGuard _guard;
    private readonly int _maxDistance;
    // Decoding uploaded images is the costly part: at most this many at once; the rest wait within their deadline.
    private readonly SemaphoreSlim _decodes = new(Math.Max(2, Environment.ProcessorCount));

    public RegistryServer(int port, ISoftBindingStore store, int maxDistance, TimeSpan requestTimeout, TextWriter log)
    {
        _port = port;
        _store = store;
        _maxDistance = maxDistance;
        RequestTimeout = requestTimeout;
        _log = log;
        _guard = new RequestGuard(port);
    }

    public TimeSpan RequestTimeout { get; }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled; <paramref name="started"/> is set once listening.</summary>
    public async Task RunAsync(CancellationToken cancellationToken, TaskCompletionSource? started = null)
    {
        // The empty builder reads no appsettings.json or ASPNETCORE_URLS: nothing can move the server off loopback.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => LoopbackKestrel.Configure(k, _port, SoftBindingRegistry.MaxStoreBytes, RequestTimeout));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        await using WebApplication app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken);
        await _log.WriteLineAsync($"serving the soft-binding resolution API for {_store.Location} on {_guard.Addresses} (this computer only); Ctrl-C stops");
        started?.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).WaitAsync(app.Lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C, or the host was told to stop.
        }
        await app.StopAsync(CancellationToken.None);
    }

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-store";
        string? refusal = _guard.Refusal(context.Request.Headers.Host.ToString(), context.Request.Headers.Origin);
        if (refusal is not null)
        {
            await TextAsync(context, 403, refusal);
            return;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            await DispatchAsync(context, deadline.Token);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            if (!context.Response.HasStarted) await TextAsync(context, 408, $"the request took longer than {RequestTimeout.TotalSeconds:0} s");
        }
        catch (BadHttpRequestException e)
        {
            if (!context.Response.HasStarted) await TextAsync(context, e.StatusCode, e.StatusCode == 413 ? "the body is too large" : "the request could not be read");
        }
        catch (Exception e)
        {
            await _log.WriteLineAsync("prov registry serve: " + CommandErrors.OneLine(e.Message));
            if (!context.Response.HasStarted) await TextAsync(context, 500, "service failure; the server's terminal says why");
        }
    }

    private Task DispatchAsync(HttpContext context, CancellationToken deadline)
    {
        string path = context.Request.Path.Value ?? "/";
        string method = context.Request.Method;
        if (path == "/services/supportedAlgorithms")
            return method is "GET" or "HEAD" ? JsonAsync(context, 200, new JsonObject { ["watermarks"] = new JsonArray(), ["fingerprints"] = new JsonArray(new JsonObject { ["alg"] = IsccImageCode.Algorithm }) }) : TextAsync(context, 405, "method not allowed");
        if (path == "/matches/byBinding")
        {
            return method switch
            {
                "GET" => ByBindingAsync(context, context.Request.Query["alg"], context.Request.Query["value"]),
                "POST" => ByBindingPostAsync(context, deadline),
                _ => TextAsync(context, 405, "method not allowed"),
            };
        }
        if (path == "/matches/byContent") return method == "POST" ? ByContentAsync(context, deadline) : TextAsync(context, 405, "method not allowed");
        if (path == "/manifests") return method == "POST" ? RegisterAsync(context, deadline) : TextAsync(context, 405, "method not allowed");
        if (path.StartsWith("/manifests/", StringComparison.Ordinal))
            return method is "GET" or "HEAD" ? ManifestAsync(context, path["/manifests/".Length..]) : TextAsync(context, 405, "method not allowed");
        return TextAsync(context, 404, "not found");
    }

    private async Task ByBindingPostAsync(HttpContext context, CancellationToken deadline)
    {
        byte[] body = await ReadBodyAsync(context, 64 * 1024, deadline);
        string? alg = null, value = null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject query)
            {
                alg = query["alg"] is JsonValue a && a.TryGetValue(out string? av) ? av : null;
                value = query["value"] is JsonValue v && v.TryGetValue(out string? vv) ? vv : null;
            }
        }
        catch (JsonException)
        {
        }
        if (alg is null || value is null)
        {
            await TextAsync(context, 400, "the body must be a JSON object with the strings alg and value");
            return;
        }
        await ByBindingAsync(context, alg, value);
    }

    private Task ByBindingAsync(HttpContext context, string? alg, string? value)
    {
        if (alg != IsccImageCode.Algorithm) return TextAsync(context, 400, $"unsupported alg {alg}; this registry answers {IsccImageCode.Algorithm}");
        if (!TryParseValue(value, out IsccImageCode code)) return TextAsync(context, 400, "value must be an io.iscc.v0 Image-Code: base64 of its 10 bytes, or ISCC:EEA…");
        return MatchesAsync(context, code);
    }

    private async Task ByContentAsync(HttpContext context, CancellationToken deadline)
    {
        string? alg = context.Request.Query["alg"];
        if (alg is not null && alg != IsccImageCode.Algorithm)
        {
            await TextAsync(context, 400, $"unsupported alg {alg}; this registry answers {IsccImageCode.Algorithm}");
            return;
        }
        byte[] body = await ReadBodyAsync(context, MaxContentBytes, deadline);
        await _decodes.WaitAsync(deadline);
        DecodedImage? image;
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            image = ImageDecoder.TryDecode(stream);
        }
        finally
        {
            _decodes.Release();
        }
        if (image is null)
        {
            await TextAsync(context, 415, "the body is not an image this registry decodes (JPEG, PNG, WebP, GIF, BMP)");
            return;
        }
        await MatchesAsync(context, image.Code());
    }

    private Task MatchesAsync(HttpContext context, IsccImageCode code)
    {
        int maxResults = 10;
        string? requested = context.Request.Query["maxResults"];
        if (requested is not null && (!int.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults < 1))
            return TextAsync(context, 400, "maxResults must be a whole number from 1");
        int maxDistance = _maxDistance;
        string? distance = context.Request.Query["maxDistance"];
        if (distance is not null && (!int.TryParse(distance, NumberStyles.None, CultureInfo.InvariantCulture, out maxDistance) || maxDistance > 64))
            return TextAsync(context, 400, "maxDistance must be 0 to 64 bits");
        var list = new JsonArray();
        foreach (RegistryMatch match in _store.Find(code, maxDistance, Math.Min(maxResults, MaxResults)))
            list.Add((JsonNode)new JsonObject { ["manifestId"] = match.ManifestId, ["similarityScore"] = match.SimilarityScore, ["distance"] = match.Distance });
        return JsonAsync(context, 200, new JsonObject { ["matches"] = list });
    }

    private Task ManifestAsync(HttpContext context, string escapedId)
    {
        string id = Uri.UnescapeDataString(escapedId);
        if (id.Length is 0 or > SoftBindingStores.MaxManifestIdLength) return TextAsync(context, 400, "invalid manifest id");
        // The whole store is returned (returnActiveManifest=true is answered with it too: the active manifest is in it).
        return _store.ManifestStore(id) is { } store ? BytesAsync(context, 200, "application/c2pa", store) : TextAsync(context, 404, "no manifest with that id");
    }

    private async Task RegisterAsync(HttpContext context, CancellationToken deadline)
    {
        byte[] body = await ReadBodyAsync(context, SoftBindingRegistry.MaxStoreBytes, deadline);
        Manifest? active;
        try
        {
            active = ManifestStore.Parse(body).Active;
        }
        catch (JumbfException e)
        {
            await TextAsync(context, 400, $"not a C2PA manifest store: {e.Problem} in {e.BoxPath}");
            return;
        }
        if (active is null)
        {
            await TextAsync(context, 400, "the manifest store has no active manifest");
            return;
        }
        if (SoftBindingReader.IsccCode(active) is not { } code)
        {
            await TextAsync(context, 422, $"the active manifest has no {IsccImageCode.Algorithm} soft binding (c2pa.soft-binding) to be found by");
            return;
        }
        string? title = context.Request.Query["title"];
        if (title is { Length: > 255 }) title = title[..255];
        _store.Add(active.Label, code, body, title);
        await JsonAsync(context, 201, new JsonObject { ["manifestId"] = active.Label, ["alg"] = IsccImageCode.Algorithm, ["value"] = code.ToString() });
    }

    /// <summary>
    /// A query value for io.iscc.v0: base64 of the ISCC unit's 10 bytes (header 0x21 0x01 and digest) or of its 8-byte
    /// digest, or the `ISCC:EEA…` text itself (as the soft-binding assertion writes it), plain or base64.
    /// </summary>
    public static bool TryParseValue(string? value, out IsccImageCode code)
    {
        code = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 256) return false;
        if (IsccImageCode.TryParse(value, out code)) return true;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        int start = bytes.Length switch { 10 when bytes[0] == 0x21 && bytes[1] == 0x01 => 2, 8 => 0, _ => -1 };
        if (start >= 0)
        {
            ulong hash = 0;
            for (int i = start; i < start + 8; i++) hash = (hash << 8) | bytes[i];
            code = new IsccImageCode(hash);
            return true;
        }
        return IsccImageCode.TryParse(Encoding.ASCII.GetString(bytes), out code);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, int max, CancellationToken deadline)
    {
        if (context.Request.ContentLength > max) throw new BadHttpRequestException("too large", 413);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, deadline)) > 0)
        {
            if (buffer.Length + read > max) throw new BadHttpRequestException("too large", 413);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Task JsonAsync(HttpContext context, int status, JsonObject body) =>
        BytesAsync(context, status, "application/json", Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static Task TextAsync(HttpContext context, int status, string message) =>
        BytesAsync(context, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"));

    private static async Task BytesAsync(HttpContext context, int status, string type, byte[] body)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(body, CancellationToken.None);
    }
}
