#:project ../../host/Provenance/Provenance.csproj
#:property TreatWarningsAsErrors=false
// The token link (issue 14): SIGN round trips to the emulator over TCP, protocol 2 (every byte of the Sig_structure)
// against protocol 3 (SHA-256 midstate + the tail holding the counter binding), beside the token core's own P-256
// signature in this process (the emulator's "chip"). Rounds interleave the three, so load on the machine hits all
// alike; figures are medians of the rounds, and ratios to the bare signature.
// Usage (from the repository root; see docs/benchmarks.md):
//   prov emulator --tcp 0 --auto-press --state /tmp/bench-emu &     # prints tcp://127.0.0.1:PORT
//   nice -n 10 dotnet run tests/bench/token-link.cs -- tcp://127.0.0.1:PORT [rounds] [signs-per-round]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.Device;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Protocol;

string address = args.Length > 0 ? args[0] : throw new ArgumentException("usage: token-link.cs tcp://127.0.0.1:PORT [rounds] [signs-per-round]");
int rounds = args.Length > 1 ? int.Parse(args[1]) : 7;
int perRound = args.Length > 2 ? int.Parse(args[2]) : 100;

// The real shape: sign samples/artwork.jpg once through the emulator and record what SIGN carried.
string work = Path.Combine(Path.GetTempPath(), "token-link-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
Environment.SetEnvironmentVariable("PROV_HOME", work);
await using TokenClient hashed = await TokenLocator.OpenAsync(address);
TokenStatus status = await hashed.GetStatusAsync();
if (!status.HasKey) await hashed.GenerateKeyAsync(null);
var recorder = new RecordingToken(hashed);
await ArtworkSigner.SignFileAsync(Path.Combine("samples", "artwork.jpg"), Path.Combine(work, "signed.jpg"), recorder, new ArtworkSignOptions
{
    IdentityDirectory = Path.Combine(work, "no-identity"),
    DevelopmentIdentityDirectory = Path.Combine(work, "dev-identity"),
}, null);
int length = recorder.Length, offset = recorder.Offset;
int prefix = offset / 64 * 64;
Console.WriteLine($"Sig_structure of samples/artwork.jpg: {length} bytes, binding at {offset}; protocol 3 hashes {prefix} on the host and sends {length - prefix} + 42");

TokenClient p2 = new(new TcpTransport(address)) { HashPrefix = false };
TokenClient p3 = new(new TcpTransport(address)) { HashPrefix = true };
await p2.GetStatusAsync();
await p3.GetStatusAsync();
if (p3.ProtocolVersion < 3) throw new InvalidOperationException($"the token at {address} speaks protocol {p3.ProtocolVersion}; the hashed-prefix SIGN needs 3");
string serial = status.Serial;
byte[] privateKey = new byte[32];
RandomNumberGenerator.Fill(privateKey);
privateKey[0] &= 0x7F;

async Task<double> SignRate(TokenClient client)
{
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < perRound; i++)
    {
        long counter = (await client.GetStatusAsync()).Counter + 1;
        byte[] field = CounterBinding.Encode(serial, counter);
        byte[] message = [0x84, .. RandomNumberGenerator.GetBytes(offset - 1), .. field, .. RandomNumberGenerator.GetBytes(Math.Max(1, length - offset - field.Length))];
        await client.SignBoundAsync(message, offset, null);
    }
    return clock.Elapsed.TotalMilliseconds / perRound;
}

async Task<double> InfoRate(TokenClient client)
{
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < perRound; i++) await client.GetStatusAsync();
    return clock.Elapsed.TotalMilliseconds / perRound;
}

double BareSign()
{
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < perRound; i++) EcdsaP256.Sign(privateKey, Sha256.Hash(RandomNumberGenerator.GetBytes(length)));
    return clock.Elapsed.TotalMilliseconds / perRound;
}

var results = new Dictionary<string, List<double>> { ["p2"] = [], ["p3"] = [], ["bare"] = [], ["info"] = [] };
await SignRate(p3); // warm-up
await SignRate(p2);
BareSign();
for (int r = 0; r < rounds; r++)
{
    // Alternate the order each round so neither form always runs first.
    if (r % 2 == 0) { results["p2"].Add(await SignRate(p2)); results["p3"].Add(await SignRate(p3)); }
    else { results["p3"].Add(await SignRate(p3)); results["p2"].Add(await SignRate(p2)); }
    results["bare"].Add(BareSign());
    results["info"].Add(await InfoRate(p3));
    Console.WriteLine($"round {r + 1}: SIGN p2 {results["p2"][^1]:0.00} ms, p3 {results["p3"][^1]:0.00} ms, bare P-256 sign {results["bare"][^1]:0.00} ms, INFO {results["info"][^1]:0.00} ms");
}
double Median(List<double> v) { var s = v.Order().ToList(); return s[s.Count / 2]; }
double m2 = Median(results["p2"]), m3 = Median(results["p3"]), mb = Median(results["bare"]), mi = Median(results["info"]);
Console.WriteLine($"median per SIGN (each preceded by one INFO, as prov does): protocol 2 {m2:0.00} ms ({1000 / m2:0} signatures/s), protocol 3 {m3:0.00} ms ({1000 / m3:0}/s)");
Console.WriteLine($"median INFO round trip {mi:0.00} ms; bare P-256 sign in the core {mb:0.00} ms");
Console.WriteLine($"ratios: protocol 2 / bare sign {m2 / mb:0.00}, protocol 3 / bare sign {m3 / mb:0.00}, protocol 3 / protocol 2 {m3 / m2:0.00}");
await p2.DisposeAsync();
await p3.DisposeAsync();
try { Directory.Delete(work, true); } catch (IOException) { }

/// <summary>Forwards to a token and records the last bound SIGN's length and binding offset.</summary>
sealed class RecordingToken(TokenClient inner) : IToken
{
    public int Length;
    public int Offset;
    public string Endpoint => inner.Endpoint;
    public Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);
    public Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default) => inner.GetPublicKeyAsync(cancellationToken);
    public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default) => inner.SignAsync(toBeSigned, presence, cancellationToken);
    public Task<TokenSignature> SignBoundAsync(byte[] toBeSigned, int bindingOffset, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        Length = toBeSigned.Length;
        Offset = bindingOffset;
        return inner.SignBoundAsync(toBeSigned, bindingOffset, presence, cancellationToken);
    }
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
