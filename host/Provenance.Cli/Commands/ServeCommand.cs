using System;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Verification;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov serve`: a verification page on this computer (127.0.0.1 only) for galleries that prefer a browser to a
/// terminal: drop files, see one verdict per file. Files are verified with the same verifier and trust store as
/// `prov verify`; they are held in a private temp folder only while being checked.
/// </summary>
public sealed class ServeCommand : Command
{
    /// <summary>Largest upload accepted, so a mistaken drop cannot fill the disk.</summary>
    public const long MaxUploadBytes = 1L << 30;

    public ServeCommand(VerifyCommand.FileVerifier verify, Func<string?, string?, TrustSettings> loadTrust)
        : base("serve", "Open a verification page in the browser (listens on 127.0.0.1 only).")
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1.", DefaultValueFactory = _ => 8420 };
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 65535) r.AddError("--port must be 1..65535"); });
        var trustDb = new Option<string?>("--trust") { Description = "Trust store database (default: the one in the prov home folder)." };
        var trustList = new Option<string?>("--trust-list") { Description = "Also trust the roots in this PEM file." };
        Add(port);
        Add(trustDb);
        Add(trustList);
        SetAction(async (parse, cancellationToken) =>
        {
            TrustSettings trust = loadTrust(parse.GetValue(trustDb), parse.GetValue(trustList));
            string prefix = $"http://127.0.0.1:{parse.GetValue(port)}/";
            using var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            listener.Start();
            string scratch = Directory.CreateTempSubdirectory("prov-serve-").FullName;
            Console.Error.WriteLine($"serving the verification page on {prefix} (this computer only); Ctrl-C stops");
            using CancellationTokenRegistration stop = cancellationToken.Register(listener.Stop);
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }
                    _ = Task.Run(() => HandleAsync(context, verify, trust, scratch), CancellationToken.None);
                }
            }
            finally
            {
                try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
            }
            return ExitCodes.Success;
        });
    }

    private static async Task HandleAsync(HttpListenerContext context, VerifyCommand.FileVerifier verify, TrustSettings trust, string scratch)
    {
        HttpListenerResponse response = context.Response;
        try
        {
            string path = context.Request.Url?.AbsolutePath ?? "/";
            if (context.Request.HttpMethod == "GET" && path == "/")
            {
                await Reply(response, 200, "text/html; charset=utf-8", Page);
            }
            else if (context.Request.HttpMethod == "POST" && path == "/verify")
            {
                await Reply(response, 200, "application/json", await VerifyUploadAsync(context.Request, verify, trust, scratch));
            }
            else
            {
                await Reply(response, context.Request.HttpMethod is "GET" or "POST" ? 404 : 405, "text/plain", "not found\n");
            }
        }
        catch (InvalidDataException e)
        {
            await Reply(response, 413, "text/plain", e.Message + "\n");
        }
        catch (HttpListenerException)
        {
            // The browser went away.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { await Reply(response, 500, "text/plain", CommandErrors.OneLine(e.Message) + "\n"); } catch (HttpListenerException) { }
        }
    }

    /// <summary>Streams the upload to a private temp file (bounded), verifies it, deletes it.</summary>
    private static async Task<string> VerifyUploadAsync(HttpListenerRequest request, VerifyCommand.FileVerifier verify, TrustSettings trust, string scratch)
    {
        if (request.ContentLength64 > MaxUploadBytes) throw new InvalidDataException($"the file is larger than {MaxUploadBytes >> 20} MB");
        string name = Path.GetFileName(Uri.UnescapeDataString(request.QueryString["name"] ?? "upload"));
        if (string.IsNullOrWhiteSpace(name)) name = "upload";
        string folder = Directory.CreateDirectory(Path.Combine(scratch, Guid.NewGuid().ToString("N"))).FullName;
        string file = Path.Combine(folder, name);
        try
        {
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                byte[] buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await request.InputStream.ReadAsync(buffer)) > 0)
                {
                    total += read;
                    if (total > MaxUploadBytes) throw new InvalidDataException($"the file is larger than {MaxUploadBytes >> 20} MB");
                    await output.WriteAsync(buffer.AsMemory(0, read));
                }
            }
            FileVerification result = verify(file, trust);
            return Provenance.Reporting.VerificationJson.RenderOne(result.WithFile(name));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task Reply(HttpListenerResponse response, int status, string contentType, string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Content-Security-Policy"] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private const string Page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>prov: check Content Credentials</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-top:1em}
        td,th{border:1px solid #ccc;padding:.4em;text-align:left;vertical-align:top}.trusted{background:#d8f5d8}.valid{background:#dff0ff}
        .missing{background:#fff5cc}.invalid,.error{background:#ffd9d9}#drop{border:2px dashed #888;padding:2em;text-align:center}</style></head>
        <body><h1>Check Content Credentials</h1>
        <div id="drop"><p>Drop artwork files here, or choose them:</p><input id="files" type="file" multiple></div>
        <table><thead><tr><th>file</th><th>verdict</th><th>artist / signer</th><th>token</th><th>consent</th><th>reason</th></tr></thead><tbody id="results"></tbody></table>
        <script>
        const results = document.getElementById('results');
        function cell(row, text) { const td = document.createElement('td'); td.textContent = text ?? ''; row.appendChild(td); }
        async function check(file) {
          const row = document.createElement('tr'); results.appendChild(row);
          cell(row, file.name); cell(row, 'checking…');
          const reply = await fetch('/verify?name=' + encodeURIComponent(file.name), { method: 'POST', body: file });
          if (!reply.ok) { row.children[1].textContent = 'error'; cell(row, ''); cell(row, ''); cell(row, ''); cell(row, await reply.text()); return; }
          const r = await reply.json();
          row.className = r.verdict; row.children[1].textContent = r.verdict;
          const s = r.signer;
          cell(row, s && s.verified ? s.verified.name + ' (verified: ' + s.verified.trustStoreName + ')' : s && s.claimed.length ? s.claimed[0].name + ' (claimed, not verified)' : '');
          const t = r.token;
          cell(row, t ? t.serial + ' #' + t.counter + (t.keyProtection === 'software' ? ' (software key, not hardware-protected)' : t.keyProtection === 'secureElement' ? ' (secure element, as the token states)' : t.keyProtection === 'attested' ? ' (attested secure element)' : '') : '');
          cell(row, r.consent ? Object.entries(r.consent).map(([k, v]) => k + ': ' + v.use + (v.constraint_info ? ' (' + v.constraint_info + ')' : '')).join(', ') : '');
          cell(row, r.reason);
        }
        document.getElementById('files').addEventListener('change', e => { for (const f of e.target.files) check(f); });
        const drop = document.getElementById('drop');
        drop.addEventListener('dragover', e => e.preventDefault());
        drop.addEventListener('drop', e => { e.preventDefault(); for (const f of e.dataTransfer.files) check(f); });
        </script></body></html>
        """;
}
