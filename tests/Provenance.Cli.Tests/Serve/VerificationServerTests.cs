using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Cli.Serve;
using Provenance.Verification;

namespace Provenance.Cli.Tests.Serve;

/// <summary>
/// The server in-process with a stand-in verifier, for what the real verifier rarely does: quote the path it was
/// given, throw, or take too long.
/// </summary>
public sealed class VerificationServerTests
{
    [Fact]
    public async Task AReasonThatQuotesTheScratchPathIsShownWithTheUploadsNameInstead()
    {
        string? seen = null;
        await using var server = await Running.StartAsync((path, _) =>
        {
            seen = path;
            return new FileVerification { File = path, Verdict = Verdict.Error, Reason = $"The file cannot be opened: {path}: permission denied." };
        });
        (HttpStatusCode status, string body) = await server.PostAsync("scan.jpg");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(seen);
        Assert.DoesNotContain(Path.GetDirectoryName(seen)!, body);
        Assert.DoesNotContain("prov-serve-", body);
        Assert.Contains("The file cannot be opened: scan.jpg: permission denied.", body);
    }

    [Fact]
    public async Task AVerifierThatThrowsGetsA500WithoutTheMessageAndTheServerGoesOn()
    {
        int calls = 0;
        await using var server = await Running.StartAsync((path, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new IOException($"Could not read '{path}'.");
            return new FileVerification { File = path, Verdict = Verdict.Missing, Reason = "No Content Credentials." };
        });
        (HttpStatusCode status, string body) = await server.PostAsync("scan.jpg");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("the file could not be checked; the server's terminal says why\n", body);
        Assert.Contains("prov serve: Could not read", server.Log);

        (status, body) = await server.PostAsync("scan.jpg");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("missing", JsonDocument.Parse(body).RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task ACheckLongerThanTheDeadlineIsAnswered503AtTheDeadlineAndItsSlotComesBack()
    {
        using var release = new SemaphoreSlim(0);
        int calls = 0;
        await using var server = await Running.StartAsync((path, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1) release.Wait(TimeSpan.FromSeconds(30));
            return new FileVerification { File = path, Verdict = Verdict.Missing, Reason = "No Content Credentials." };
        }, TimeSpan.FromSeconds(1));
        var stopwatch = Stopwatch.StartNew();
        (HttpStatusCode status, string body) = await server.PostAsync("slow.jpg");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("checking this file took longer than 1 s\n", body);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        release.Release();
        for (int i = 0; i < 3 * Math.Max(4, 2 * Environment.ProcessorCount); i++)
        {
            (status, _) = await server.PostAsync("next.jpg");
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly StringWriter _log = new();
        private readonly TextWriter _syncLog;
        private readonly HttpClient _http;
        private Task _run = Task.CompletedTask;

        private Running(int port)
        {
            _syncLog = TextWriter.Synchronized(_log);
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        }

        public string Log
        {
            get { lock (_syncLog) return _log.ToString(); }
        }

        public static async Task<Running> StartAsync(Commands.VerifyCommand.FileVerifier verify, TimeSpan? timeout = null)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var running = new Running(port);
            var server = new VerificationServer(port, timeout ?? TimeSpan.FromSeconds(30), verify, TrustSettings.None, running._syncLog);
            running._run = server.RunAsync(running._stop.Token);
            var waited = Stopwatch.StartNew();
            while (!running.Log.Contains("serving", StringComparison.Ordinal))
            {
                if (running._run.IsCompleted) await running._run;
                if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the server did not start: " + running.Log);
                await Task.Delay(50);
            }
            return running;
        }

        public async Task<(HttpStatusCode Status, string Body)> PostAsync(string name)
        {
            using HttpResponseMessage response = await _http.PostAsync("/verify?name=" + Uri.EscapeDataString(name), new ByteArrayContent("bytes"u8.ToArray()));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(15));
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
