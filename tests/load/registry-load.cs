#:project ../../host/Provenance.Cli/Provenance.Cli.csproj
#:property TreatWarningsAsErrors=false
// Load test of the soft-binding resolution API (issue 17): GET /matches/byBinding against 100,000 stored bindings,
// loopback only, bounded (fixed rounds and clients), interleaved with GET /services/supportedAlgorithms (the same
// server and HTTP path with no database work) so the figure is a ratio on the same machine.
// Usage: nice -n 10 dotnet run -c Release tests/load/registry-load.cs -- [--bindings 100000] [--clients 4] [--rounds 6] [--seconds 5] [--postgres CONNSTRING]
// Half the queries are a stored code with 2 bits flipped (one match), half random codes (almost always none).
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Cli.Serve;
using Provenance.Fingerprint;
using Provenance.Registry;

int bindings = 100_000, clients = 4, rounds = 6, seconds = 5;
string? postgres = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--bindings": bindings = int.Parse(args[++i]); break;
        case "--clients": clients = int.Parse(args[++i]); break;
        case "--rounds": rounds = int.Parse(args[++i]); break;
        case "--seconds": seconds = int.Parse(args[++i]); break;
        case "--postgres": postgres = args[++i]; break;
        default: throw new ArgumentException("unknown argument " + args[i]);
    }
}
string folder = Directory.CreateTempSubdirectory("prov-registry-load-").FullName;
var random = new Random(17);
var codes = new ulong[bindings];
for (int i = 0; i < bindings; i++) codes[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
ISoftBindingStore store = postgres is null ? SoftBindingRegistry.Open(Path.Combine(folder, "load.db")) : PostgresBindingStore.Open(postgres);
var clock = Stopwatch.StartNew();
var works = codes.Select((c, i) => ($"urn:c2pa:load-{i}", new IsccImageCode(c), new byte[] { 1 }, (string?)null));
if (store is SoftBindingRegistry sqlite) sqlite.AddMany(works); else { var pg = (PostgresBindingStore)store; pg.AddMany(works); pg.Analyze(); }
Console.WriteLine($"{store.Location}: {store.Count():N0} bindings stored in {clock.Elapsed.TotalSeconds:0.0} s");

int port;
using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; probe.Stop(); }
using var stop = new CancellationTokenSource();
var started = new TaskCompletionSource();
Task server = Task.Run(() => new RegistryServer(port, store, SoftBindingRegistry.DefaultMaxDistance, TimeSpan.FromSeconds(60), TextWriter.Null).RunAsync(stop.Token, started));
await started.Task;
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

string Query(Random r)
{
    ulong code = r.Next(2) == 0 ? codes[r.Next(codes.Length)] ^ (1UL << r.Next(64)) ^ (1UL << r.Next(64)) : (ulong)r.NextInt64();
    return "matches/byBinding?alg=io.iscc.v0&value=" + Uri.EscapeDataString(RegistryClient.QueryValue(new IsccImageCode(code)));
}

async Task<(long Ok, long Errors, long Matches)> RunAsync(bool byBinding)
{
    long ok = 0, errors = 0, matches = 0;
    var until = DateTime.UtcNow.AddSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
    {
        var r = new Random(c * 7919 + (byBinding ? 1 : 2));
        while (DateTime.UtcNow < until)
        {
            using HttpResponseMessage response = await http.GetAsync(byBinding ? Query(r) : "services/supportedAlgorithms");
            string body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok); else Interlocked.Increment(ref errors);
            if (body.Contains("manifestId", StringComparison.Ordinal)) Interlocked.Increment(ref matches);
        }
    })));
    return (ok, errors, matches);
}

await RunAsync(true); // warm-up
Console.WriteLine($"round | byBinding req/s | supportedAlgorithms req/s | ratio | errors | byBinding answers with a match");
var ratios = new double[rounds];
long totalErrors = 0;
for (int round = 0; round < rounds; round++)
{
    // Interleaved, alternating which goes first.
    (long Ok, long Errors, long Matches) a, b;
    if (round % 2 == 0) { a = await RunAsync(true); b = await RunAsync(false); } else { b = await RunAsync(false); a = await RunAsync(true); }
    double ra = a.Ok / (double)seconds, rb = b.Ok / (double)seconds;
    ratios[round] = ra / rb;
    totalErrors += a.Errors + b.Errors;
    Console.WriteLine($"{round,5} | {ra,16:N0} | {rb,25:N0} | {ratios[round],5:0.00} | {a.Errors + b.Errors,6} | {100.0 * a.Matches / Math.Max(1, a.Ok):0} %");
}
Array.Sort(ratios);
Console.WriteLine($"median ratio byBinding / supportedAlgorithms: {ratios[rounds / 2]:0.00}; errors: {totalErrors}; {clients} clients, {rounds} rounds of {seconds} s each, {Environment.ProcessorCount} cores");
stop.Cancel();
await server;
store.Dispose();
Directory.Delete(folder, recursive: true);
return totalErrors == 0 ? 0 : 1;
