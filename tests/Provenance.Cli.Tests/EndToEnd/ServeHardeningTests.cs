using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// `prov serve` attacked the way issue 18 found it could be knocked over: hostile names, other sites' pages, DNS
/// rebinding, slow clients. Each test runs `prov serve` as its own process and talks raw HTTP to it, so what is
/// asserted is what a browser or a script on this computer would see.
/// </summary>
public sealed class ServeHardeningTests : IDisposable
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _temp;

    public ServeHardeningTests()
    {
        // The server's scratch folder goes under here, so a test can look for it in what the server says.
        _temp = Path.Combine(_prov.Home, "tmp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_temp);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task NulNamesAreAnsweredAtOnceAndLeaveNoSocketOpen()
    {
        await using Server server = await StartAsync();
        Assert.Equal(200, (await server.SendAsync("GET / HTTP/1.1\r\nHost: " + server.Authority + "\r\n\r\n")).Status);
        (int Sockets, int Total) before = server.OpenDescriptors();

        for (int i = 0; i < 200; i++)
        {
            Reply reply = await server.SendAsync(Post(server.Authority, "/verify?name=%00", 5), "hello"u8.ToArray());
            Assert.InRange(reply.Status, 400, 499);
        }

        // The server closes its side once the client has gone; give it a moment, then count again. Sockets are what a
        // leak shows; the total also grows by the odd assembly the runtime maps on first use.
        (int Sockets, int Total) after = await WaitForAsync(server.OpenDescriptors, n => n.Sockets <= before.Sockets, TimeSpan.FromSeconds(10));
        Assert.True(after.Sockets <= before.Sockets && after.Total <= before.Total + 10,
            $"after 200 NUL-name requests the server holds {after.Sockets} sockets ({after.Total} descriptors); before: {before.Sockets} ({before.Total})");
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("a%00.png")]
    [InlineData("a%01b.png")]
    [InlineData("a%1B%5B31m.png")]
    [InlineData("line%0Abreak.png")]
    public async Task NamesWithControlCharactersAreRefusedWith400(string name)
    {
        await using Server server = await StartAsync();
        Reply reply = await server.SendAsync(Post(server.Authority, "/verify?name=" + name, 5), "hello"u8.ToArray());
        Assert.Equal(400, reply.Status);
        Assert.DoesNotContain('\n', reply.Body.TrimEnd('\n'));
    }

    [Fact]
    public async Task NamesLoseTheirFoldersAndErrorsNeverShowTheServersPaths()
    {
        await using Server server = await StartAsync();
        var bodies = new List<string>();
        async Task<Reply> Send(string name)
        {
            Reply reply = await server.SendAsync(Post(server.Authority, "/verify?name=" + name, 12), "not an image"u8.ToArray());
            bodies.Add(reply.Body);
            return reply;
        }

        Reply traversal = await Send("..%2F..%2F..%2Fetc%2Fpasswd");
        Assert.Equal(200, traversal.Status);
        Assert.Equal("passwd", Field(traversal.Body, "file"));
        Reply backslashes = await Send("..%5C..%5Cwin.ini");
        Assert.Equal(200, backslashes.Status);
        Assert.Equal("win.ini", Field(backslashes.Body, "file"));
        foreach (string dots in new[] { ".", "..", "%2F", "" })
        {
            Reply reply = await Send(dots);
            Assert.Equal(200, reply.Status);
            Assert.Equal("upload", Field(reply.Body, "file"));
        }
        Reply tooLong = await Send(new string('a', 300) + ".png");
        Assert.Equal(400, tooLong.Status);

        foreach (string body in bodies)
        {
            Assert.DoesNotContain(_temp, body);
            Assert.DoesNotContain("prov-serve-", body);
            Assert.DoesNotContain(Path.GetTempPath(), body);
        }
    }

    [Fact]
    public async Task PostsFromOtherSitesAreRefusedWith403AndNotProcessed()
    {
        await using Server server = await StartAsync();
        foreach (string origin in new[] { "http://evil.example", "null", $"http://127.0.0.1:{server.Port + 1}", $"https://127.0.0.1:{server.Port}", $"http://localhost:{server.Port}" })
        {
            Reply reply = await server.SendAsync(Post(server.Authority, "/verify?name=a.png", 5, "Origin: " + origin), "hello"u8.ToArray());
            Assert.True(reply.Status == 403, $"Origin {origin} on Host {server.Authority}: {reply.Status} {reply.Body}");
            Assert.DoesNotContain("verdict", reply.Body);
        }

        Reply own = await server.SendAsync(Post(server.Authority, "/verify?name=a.png", 5, $"Origin: http://{server.Authority}"), "hello"u8.ToArray());
        Assert.Equal(200, own.Status);
        Assert.Equal("error", Field(own.Body, "verdict"));
    }

    [Theory]
    [InlineData("evil.example:{port}")]
    [InlineData("evil.example")]
    [InlineData("127.0.0.1:{other}")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1.nip.io:{port}")]
    public async Task RequestsForAnotherHostAreRefusedWith403(string host)
    {
        await using Server server = await StartAsync();
        host = host.Replace("{port}", server.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{other}", (server.Port + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Reply page = await server.SendAsync("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        Assert.Equal(403, page.Status);
        Assert.DoesNotContain("<input", page.Body);
        Reply post = await server.SendAsync(Post(host, "/verify?name=a.png", 5), "hello"u8.ToArray());
        Assert.Equal(403, post.Status);
        Assert.DoesNotContain("verdict", post.Body);
    }

    [Fact]
    public async Task ThePageAnswersOnLocalhostAndChecksFilesThere()
    {
        await using Server server = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{server.Port}/"), Timeout = TimeSpan.FromSeconds(30) };
        using HttpResponseMessage page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<input id=\"choose\" type=\"file\" multiple>", await page.Content.ReadAsStringAsync());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/verify?name=notes.png") { Content = new ByteArrayContent("not an image"u8.ToArray()) };
        request.Headers.Add("Origin", $"http://localhost:{server.Port}");
        using HttpResponseMessage verdict = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, verdict.StatusCode);
        Assert.Equal("error", Field(await verdict.Content.ReadAsStringAsync(), "verdict"));
    }

    /// <summary>
    /// The page opened at http://localhost:PORT/ in Debian's Chromium: its own uploads carry Origin
    /// http://localhost:PORT and must pass the checks that refuse other sites.
    /// </summary>
    [Fact]
    public async Task ThePageWorksInChromiumOnLocalhost()
    {
        string? interop = FindInterop();
        if (interop is null || !Directory.Exists(Path.Combine(interop, "node_modules", "playwright-core")) || !File.Exists("/usr/bin/chromium"))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have Chromium and tests/interop/node_modules (see .ci/install)");
            return; // Without Chromium or the npm packages this browser check cannot run here; the HTTP tests still do.
        }
        string text = Path.Combine(_prov.Home, "notes.txt");
        File.WriteAllText(text, "not artwork");
        string unsigned = SignVerifyTests.SamplePath("artwork.png");

        await using Server server = await StartAsync();
        var start = new ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "serve-page.mjs", $"http://localhost:{server.Port}/", unsigned, text }) start.ArgumentList.Add(arg);
        using Process node = Process.Start(start)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(node.ExitCode == 0, await stderr);
        JsonElement[] rows = [.. JsonDocument.Parse(await stdout).RootElement.GetProperty("rows").EnumerateArray()];
        Assert.Equal("missing", Array.Find(rows, r => r.GetProperty("file").GetString() == "artwork.png").GetProperty("verdict").GetString());
        Assert.Equal("error", Array.Find(rows, r => r.GetProperty("file").GetString() == "notes.txt").GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task SlowClientsAreCutOffAtTheDeadlineAndDoNotStarveOthers()
    {
        await using Server server = await StartAsync("--request-timeout", "3");

        // A body that keeps coming, fast enough to pass any minimum data rate, for longer than the deadline.
        var stopwatch = Stopwatch.StartNew();
        using (var slowBody = new TcpClient())
        {
            await slowBody.ConnectAsync(IPAddress.Loopback, server.Port);
            NetworkStream stream = slowBody.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Post(server.Authority, "/verify?name=slow.png", 100_000_000)));
            Task closedByServer = DrainAsync(stream, CancellationToken.None);
            byte[] chunk = new byte[8192];
            while (!closedByServer.IsCompleted && stopwatch.Elapsed < TimeSpan.FromSeconds(20))
            {
                try
                {
                    await stream.WriteAsync(chunk);
                }
                catch (IOException)
                {
                    break;
                }
                await Task.Delay(250);
            }
            await closedByServer.WaitAsync(TimeSpan.FromSeconds(2));
            Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3 + 5));
        }

        // Headers that never finish: 100 of them, held open while a well-behaved client asks for the page.
        var loris = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + server.Authority + "\r\nX-a: "));
                loris.Add(client);
            }
            stopwatch.Restart();
            Task[] closed = [.. loris.Select(c => DrainAsync(c.GetStream(), CancellationToken.None))];
            Reply page = await server.SendAsync("GET / HTTP/1.1\r\nHost: " + server.Authority + "\r\n\r\n");
            Assert.Equal(200, page.Status);
            Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, Quick);

            // Every unfinished request is closed by the server within the deadline (plus Kestrel's one-second timer).
            Task all = Task.WhenAll(closed);
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(3 + 5)));
            Assert.True(all.IsCompleted, $"{closed.Count(t => !t.IsCompleted)} of 100 unfinished requests still open after {stopwatch.Elapsed.TotalSeconds:0} s");
        }
        finally
        {
            foreach (TcpClient client in loris) client.Dispose();
        }
    }

    [Fact]
    public async Task UploadsOverTheLimitAreRefusedWith413WithoutReadingThem()
    {
        await using Server server = await StartAsync();
        var stopwatch = Stopwatch.StartNew();
        Reply reply = await server.SendAsync(Post(server.Authority, "/verify?name=huge.tif", 2L << 30), new byte[1 << 20]);
        Assert.Equal(413, reply.Status);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, Quick);
    }

    private static string? Field(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty(name).GetString();

    private static string? FindInterop()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "serve-page.mjs"))) return candidate;
        }
        return null;
    }

    private static string Post(string host, string target, long length, string? extraHeader = null) =>
        $"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n" + (extraHeader is null ? "" : extraHeader + "\r\n") + "\r\n";

    /// <summary>Reads until the server closes (or resets) the connection.</summary>
    private static async Task DrainAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the server: closed all the same.
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<T> measure, Func<T, bool> good, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        T value = measure();
        while (!good(value) && stopwatch.Elapsed < timeout)
        {
            await Task.Delay(200);
            value = measure();
        }
        return value;
    }

    private async Task<Server> StartAsync(params string[] extra)
    {
        int port = FreePort();
        string[] args = ["serve", "--port", port.ToString(CultureInfo.InvariantCulture), .. extra];
        ChildProcess process = ChildProcess.StartProv(_prov.Home, new Dictionary<string, string> { ["TMPDIR"] = _temp }, args);
        try
        {
            await process.WaitForLineAsync(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the serving line");
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new Server(process, port);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private sealed record Reply(int Status, string Body);

    private sealed class Server(ChildProcess process, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public string Authority => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// Sends one request on a new connection and reads the reply (status line, headers, Content-Length body);
        /// fails when no complete reply arrives within <see cref="Quick"/>.
        /// </summary>
        public async Task<Reply> SendAsync(string head, byte[]? body = null)
        {
            using var client = new TcpClient();
            using var deadline = new CancellationTokenSource(Quick);
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port, deadline.Token);
                NetworkStream stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), deadline.Token);
                if (body is not null)
                {
                    try
                    {
                        await stream.WriteAsync(body, deadline.Token);
                    }
                    catch (IOException)
                    {
                        // The server may answer and close before taking a body it refuses; the reply is what counts.
                    }
                }
                return await ReadReplyAsync(stream, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no reply within {Quick.TotalSeconds} s to: {head.Split('\r')[0]}");
            }
        }

        private static async Task<Reply> ReadReplyAsync(NetworkStream stream, CancellationToken cancellationToken)
        {
            var received = new List<byte>();
            byte[] buffer = new byte[8192];
            int headerEnd = -1;
            int contentLength = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer, cancellationToken);
                }
                catch (IOException) when (headerEnd >= 0)
                {
                    read = 0;
                }
                if (read == 0) break;
                received.AddRange(buffer.AsSpan(0, read));
                if (headerEnd < 0)
                {
                    string sofar = Encoding.Latin1.GetString(received.ToArray());
                    headerEnd = sofar.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (headerEnd >= 0)
                    {
                        string? length = sofar[..headerEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                        contentLength = length is null ? 0 : int.Parse(length["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
                if (headerEnd >= 0 && received.Count >= headerEnd + 4 + contentLength) break;
            }
            string text = Encoding.UTF8.GetString(received.ToArray());
            if (!text.StartsWith("HTTP/1.", StringComparison.Ordinal)) throw new InvalidDataException("the connection closed without a reply: '" + text + "'");
            int status = int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture);
            int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return new Reply(status, split < 0 ? "" : text[(split + 4)..]);
        }

        /// <summary>How many sockets, and file descriptors in all, the `prov serve` process holds now.</summary>
        public (int Sockets, int Total) OpenDescriptors()
        {
            string[] fds = Directory.GetFiles($"/proc/{ServerPid()}/fd");
            int sockets = fds.Count(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
                }
                catch (IOException)
                {
                    return false; // closed while we looked
                }
            });
            return (sockets, fds.Length);
        }

        private int ServerPid()
        {
            // `dotnet prov.dll serve --port N` is the server itself (the dotnet host runs prov in-process).
            string port = Port.ToString(CultureInfo.InvariantCulture);
            foreach (string dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                string[] args;
                try
                {
                    args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                }
                catch (IOException)
                {
                    continue;
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }
                int serve = Array.IndexOf(args, "serve");
                if (serve > 0 && (args[serve - 1].EndsWith("prov.dll", StringComparison.Ordinal) || args[serve - 1] == ChildProcess.ProvExe) && Array.IndexOf(args, port) > serve)
                {
                    return pid;
                }
            }
            throw new InvalidOperationException("the prov serve process on port " + port + " is not running");
        }

        public ValueTask DisposeAsync()
        {
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
