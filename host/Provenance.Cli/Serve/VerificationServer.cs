using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Provenance.Cli.Commands;
using Provenance.Verification;

namespace Provenance.Cli.Serve;

/// <summary>
/// The HTTP side of `prov serve`: the page, and `POST /verify?name=NAME` with the file as the body, answered with the
/// file's verdict as JSON, or with `&amp;view=html` as the HTML report's row and detail for that file (what the page shows). Loopback only; every request is answered (or cut off) within <see cref="RequestTimeout"/>.
/// </summary>
/// <remarks>
/// Built on Kestrel rather than <see cref="HttpListener"/>: on Linux and macOS HttpListener is a managed listener
/// with no header or body timeouts (its TimeoutManager's EntityBody and HeaderWait throw PlatformNotSupportedException
/// there), no minimum data rate and no connection limit, and it answers a foreign Host with its own 404 before our
/// code sees the request. Kestrel, from the ASP.NET Core shared framework that ships with the .NET SDK and runtime,
/// gives all of these as settings (<see cref="Configure"/>); the Host and Origin checks are ours (<see cref="RequestGuard"/>).
/// </remarks>
public sealed class VerificationServer
{
    /// <summary>Largest upload accepted, so a mistaken drop cannot fill the disk.</summary>
    public const long MaxUploadBytes = 1L << 30;

    /// <summary>Connections held at once (<see cref="LoopbackKestrel"/>).</summary>
    public const int MaxConnections = LoopbackKestrel.MaxConnections;

    private static readonly string TooLarge = $"the file is larger than {MaxUploadBytes >> 20} MB";

    private readonly int _port;
    private readonly VerifyCommand.FileVerifier _verify;
    private readonly TrustSettings _trust;
    private readonly TextWriter _log;
    private readonly RequestGuard _guard;
    private readonly byte[] _page;

    // Uploads being received or checked at once: bounds scratch disk use (this many × MaxUploadBytes) and CPU; the
    // rest wait for a slot, within their deadline.
    private readonly SemaphoreSlim _checks = new(Math.Max(4, 2 * Environment.ProcessorCount));
    private string _scratch = "";

    public VerificationServer(int port, TimeSpan requestTimeout, VerifyCommand.FileVerifier verify, TrustSettings trust, TextWriter log)
    {
        _port = port;
        RequestTimeout = requestTimeout;
        _verify = verify;
        _trust = trust;
        _log = log;
        _guard = new RequestGuard(port);
        using Stream page = typeof(VerificationServer).Assembly.GetManifestResourceStream("Provenance.Cli.Serve.page.html")
            ?? throw new InvalidOperationException("the page is missing from prov's build");
        using var text = new StreamReader(page, Encoding.UTF8);
        // The report's own style, script, cards and column heads (Reporting/HtmlReport.cs): a dropped file looks as it does in `prov verify --html`.
        var cards = new StringBuilder();
        string csvHeader = Provenance.Reporting.CsvReport.Header;
        Provenance.Reporting.HtmlReport.Cards(cards, new int[5], 0);
        _page = Encoding.UTF8.GetBytes(text.ReadToEnd()
            .Replace("/*report-style*/", Provenance.Reporting.HtmlReport.Style, StringComparison.Ordinal)
            .Replace("/*report-script*/", Provenance.Reporting.HtmlReport.Script, StringComparison.Ordinal)
            .Replace("<!--report-cards-->", cards.ToString(), StringComparison.Ordinal)
            .Replace("<!--report-head-->", Provenance.Reporting.HtmlReport.Head, StringComparison.Ordinal)
            .Replace("<!--csv-header-->", Provenance.Reporting.HtmlReport.E(csvHeader), StringComparison.Ordinal));
    }

    /// <summary>The soft-binding registry asked about files without credentials (`prov serve --registry URL`), or null.</summary>
    public Provenance.Registry.RegistryClient? Registry { get; init; }

    /// <summary>The longest any request may take from the end of its headers to the end of its reply.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled; the scratch folder is removed on the way out.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The empty builder reads no appsettings.json, environment variables or command line: nothing in the folder
        // prov is started from, and no ASPNETCORE_URLS, can move the server off loopback.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(Configure);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        await using WebApplication app = builder.Build();
        app.Run(HandleAsync);

        _scratch = Directory.CreateTempSubdirectory("prov-serve-").FullName;
        try
        {
            await app.StartAsync(cancellationToken);
            await _log.WriteLineAsync($"serving the verification page on {_guard.Addresses} (this computer only); Ctrl-C stops");
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
        finally
        {
            try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
        }
    }

    private void Configure(KestrelServerOptions kestrel) => LoopbackKestrel.Configure(kestrel, _port, MaxUploadBytes, RequestTimeout);

    private async Task HandleAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";

        string? refusal = _guard.Refusal(context.Request.Headers.Host.ToString(), context.Request.Headers.Origin);
        if (refusal is not null)
        {
            await ReplyAsync(context, 403, refusal, close: true);
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
            // The client went away; there is no one to answer.
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            if (!response.HasStarted) await ReplyAsync(context, 408, $"the request took longer than {RequestTimeout.TotalSeconds:0} s", close: true);
            else context.Abort();
        }
        catch (BadHttpRequestException e)
        {
            // Raised by Kestrel while reading the body: too large (413), too slow (408), malformed (400).
            if (!response.HasStarted) await ReplyAsync(context, e.StatusCode, e.StatusCode == 413 ? TooLarge : "the upload could not be read", close: true);
        }
        catch (Exception e)
        {
            await _log.WriteLineAsync("prov serve: " + CommandErrors.OneLine(e.Message));
            if (!response.HasStarted) await ReplyAsync(context, 500, "the file could not be checked; the server's terminal says why", close: true);
            else context.Abort();
        }
    }

    /// <summary>The routes; a new view is a new line here.</summary>
    private Task DispatchAsync(HttpContext context, CancellationToken deadline) => (context.Request.Method, context.Request.Path.Value) switch
    {
        ("GET" or "HEAD", "/") => ReplyAsync(context, 200, "text/html; charset=utf-8", _page),
        ("POST", "/verify") => VerifyUploadAsync(context, deadline),
        (_, "/" or "/verify") => ReplyAsync(context, 405, "method not allowed", close: false),
        _ => ReplyAsync(context, 404, "not found", close: false),
    };

    /// <summary>Streams the upload to a private scratch file (bounded), verifies it, deletes it.</summary>
    private async Task VerifyUploadAsync(HttpContext context, CancellationToken deadline)
    {
        if (!UploadName.TryClean(context.Request.Query["name"], out string name, out string problem))
        {
            await ReplyAsync(context, 400, problem, close: true);
            return;
        }
        if (context.Request.ContentLength > MaxUploadBytes)
        {
            await ReplyAsync(context, 413, TooLarge, close: true);
            return;
        }
        // An asset and its .c2pa sidecar dropped together: the body is the sidecar (`sidecar` bytes) then the asset.
        long sidecarLength = 0;
        if (context.Request.Query.ContainsKey("sidecar")
            && (!long.TryParse(context.Request.Query["sidecar"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sidecarLength)
                || sidecarLength > Provenance.Formats.SidecarHandler.MaxStoreBytes || name.EndsWith(".c2pa", StringComparison.OrdinalIgnoreCase)))
        {
            await ReplyAsync(context, 400, "sidecar must be the byte length of a .c2pa sent before its file", close: true);
            return;
        }

        try
        {
            await _checks.WaitAsync(deadline);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Headers.RetryAfter = "5";
            await ReplyAsync(context, 503, "busy checking other files; try again", close: true);
            return;
        }
        string folder = Directory.CreateDirectory(Path.Combine(_scratch, Guid.NewGuid().ToString("N"))).FullName;
        string file = Path.Combine(folder, UploadName.OnDisk(name));
        Task<FileVerification>? check = null;
        try
        {
            if (sidecarLength > 0)
            {
                // Written as NAME.EXT.c2pa beside the upload: the sidecar the verifier looks for first.
                await using var sidecar = new FileStream(file + Provenance.Formats.SidecarHandler.Extension, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                byte[] head = new byte[Math.Min(sidecarLength, 1 << 16)];
                long left = sidecarLength;
                while (left > 0)
                {
                    int read = await context.Request.Body.ReadAsync(head.AsMemory(0, (int)Math.Min(left, head.Length)), deadline);
                    if (read == 0) throw new BadHttpRequestException("the body ended inside the sidecar", 400);
                    await sidecar.WriteAsync(head.AsMemory(0, read), deadline);
                    left -= read;
                }
            }
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                byte[] buffer = new byte[1 << 16];
                long total = sidecarLength;
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, deadline)) > 0)
                {
                    total += read;
                    if (total > MaxUploadBytes) throw new BadHttpRequestException(TooLarge, 413);
                    await output.WriteAsync(buffer.AsMemory(0, read), deadline);
                }
            }

            // The verifier cannot be interrupted; past the deadline the client gets its answer (503) and the check
            // finishes on its own, still holding its slot and its scratch folder until it does.
            check = Task.Run(async () =>
            {
                try
                {
                    FileVerification verified = _verify(file, _trust);
                    // Issue 17: a dropped file without credentials may be a stripped copy of a registered work.
                    return Registry is null ? verified : await Provenance.Registry.CredentialRecovery.RecoverAsync(verified, file, Registry, _trust, CancellationToken.None);
                }
                finally
                {
                    DeleteFolder(folder);
                    _checks.Release();
                }
            }, CancellationToken.None);
            FileVerification result;
            try
            {
                result = await check.WaitAsync(deadline);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                context.Response.Headers.RetryAfter = "30";
                await ReplyAsync(context, 503, $"checking this file took longer than {RequestTimeout.TotalSeconds:0} s", close: true);
                return;
            }
            if (context.Request.Query["view"] == "html")
                await ReplyAsync(context, 200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(RenderRows(result, name, file)));
            else
                await ReplyAsync(context, 200, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(RenderResult(result, name, file)));
        }
        finally
        {
            if (check is null)
            {
                DeleteFolder(folder);
                _checks.Release();
            }
        }
    }

    /// <summary>
    /// The file's JSON object as `prov verify --json` renders it, named as the browser named it, with the server's
    /// own paths (which a reason may quote, e.g. "cannot be opened: …") replaced by that name.
    /// </summary>
    private string RenderResult(FileVerification result, string name, string file)
    {
        JsonNode item = JsonNode.Parse(Provenance.Reporting.VerificationJson.RenderOne(result.WithFile(name)))!;
        Scrub(item, file, name);
        return item.ToJsonString();
    }

    /// <summary>
    /// The file's row and detail as the HTML report renders them (`POST /verify?view=html`), for the page to place;
    /// the server's paths are replaced as in <see cref="RenderResult"/>, in their escaped form.
    /// </summary>
    private string RenderRows(FileVerification result, string name, string file)
    {
        var rows = new StringBuilder();
        Provenance.Reporting.HtmlReport.FileRows(rows, result.WithFile(name), 0);
        // The batch's CSV and JSON exports are made in the page from what each file's answer carries: its JSON object
        // (as `prov verify --json` has it) and its CSV row (Reporting/CsvReport.cs), both already free of our paths.
        const string Open = "<tbody ";
        if (rows.ToString(0, Open.Length) == Open)
        {
            string json = JsonNode.Parse(RenderResult(result, name, file))!.ToJsonString();
            string csv = Hide(Provenance.Reporting.CsvReport.Row(result.WithFile(name)), file, name);
            rows.Insert(Open.Length, "data-json=\"" + Provenance.Reporting.HtmlReport.E(json) + "\" data-csv=\"" + Provenance.Reporting.HtmlReport.E(csv) + "\" ");
        }
        return rows.ToString()
            .Replace(Provenance.Reporting.HtmlReport.E(file), Provenance.Reporting.HtmlReport.E(name), StringComparison.Ordinal)
            .Replace(Provenance.Reporting.HtmlReport.E(_scratch), "(upload)", StringComparison.Ordinal);
    }

    private void Scrub(JsonNode node, string file, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToArray())
                {
                    if (child is JsonValue value && value.TryGetValue(out string? text)) obj[key] = Hide(text, file, name);
                    else if (child is not null) Scrub(child, file, name);
                }
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue(out string? text)) array[i] = Hide(text, file, name);
                    else if (array[i] is { } child) Scrub(child, file, name);
                }
                break;
        }
    }

    private string Hide(string text, string file, string name) =>
        text.Replace(file, name, StringComparison.Ordinal).Replace(_scratch, "(upload)", StringComparison.Ordinal);

    private static void DeleteFolder(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static Task ReplyAsync(HttpContext context, int status, string message, bool close) =>
        ReplyAsync(context, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"), close);

    private static async Task ReplyAsync(HttpContext context, int status, string contentType, byte[] body, bool close = false)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        // After a refusal the rest of the body is not wanted: closing beats draining a body we will not read.
        if (close) response.Headers.Connection = "close";
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(body, CancellationToken.None);
    }
}
