using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.Device;
using Provenance.Verification;
using ProvenanceDevice.Token.Crypto;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov bench`: measures our code side by side with a reference doing the least possible work for the same job,
/// in one run, and reports ratios (DESIGN.md "Performance model"). Figures depend on the machine; ratios travel.
/// </summary>
public sealed class BenchCommand : Command
{
    public BenchCommand()
        : base("bench", "Benchmark hashing, token crypto, signing and verification against reference implementations.")
    {
        var sizeMb = new Option<int>("--size-mb") { Description = "Size of the large artwork file to sign and verify.", DefaultValueFactory = _ => 64 };
        var files = new Option<int>("--files") { Description = "Number of files for the batch verification.", DefaultValueFactory = _ => 48 };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        Add(sizeMb);
        Add(files);
        Add(json);
        sizeMb.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) r.AddError("--size-mb must be 1..4096"); });
        files.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 2 or > 10000) r.AddError("--files must be 2..10000"); });
        SetAction(async (parse, ct) =>
        {
            bool asJson = parse.GetValue(json);
            var results = await RunAsync(parse.GetValue(sizeMb), parse.GetValue(files), asJson ? null : Console.Error, ct);
            if (asJson)
            {
                var array = new JsonArray();
                foreach (BenchResult r in results)
                {
                    array.Add((JsonNode)new JsonObject
                    {
                        ["name"] = r.Name, ["ours"] = r.Ours, ["reference"] = r.Reference,
                        ["oursSeconds"] = r.OursSeconds, ["referenceSeconds"] = r.ReferenceSeconds, ["ratio"] = r.Ratio, ["unit"] = r.Unit,
                    });
                }
                Console.WriteLine(new JsonObject { ["version"] = 1, ["processors"] = Environment.ProcessorCount, ["results"] = array }
                    .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Console.WriteLine($"{"benchmark",-34} {"ours",12} {"reference",12} {"ratio",8}  (ratio = our time / reference time)");
                foreach (BenchResult r in results)
                    Console.WriteLine($"{r.Name,-34} {Format(r.OursSeconds, r.Unit),12} {Format(r.ReferenceSeconds, r.Unit),12} {r.Ratio,8:0.00}  {r.Ours} vs {r.Reference}");
            }
            return ExitCodes.Success;
        });
    }

    public sealed record BenchResult(string Name, string Ours, string Reference, double OursSeconds, double ReferenceSeconds, string Unit)
    {
        public double Ratio => OursSeconds / ReferenceSeconds;
    }

    private static string Format(double seconds, string unit) => seconds >= 1 ? $"{seconds:0.00} s{unit}" : $"{seconds * 1000:0.00} ms{unit}";

    public static async Task<List<BenchResult>> RunAsync(int sizeMb, int fileCount, TextWriter? progress, CancellationToken ct)
    {
        string work = Path.Combine(Path.GetTempPath(), "prov-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var results = new List<BenchResult>();
            progress?.WriteLine("hashing with the token's SHA-256 ...");
            results.Add(Sha256Bench());
            progress?.WriteLine("signing with the token's P-256 ...");
            results.Add(EcdsaBench());

            await using var token = EmbeddedToken.Open(Path.Combine(work, "token"));
            await token.GenerateKeyAsync(null, ct);
            var options = new ArtworkSignOptions
            {
                IdentityDirectory = Path.Combine(work, "no-identity"),
                DevelopmentIdentityDirectory = Path.Combine(work, "dev-identity"),
            };
            string small = Path.Combine(work, "small.jpg");
            File.WriteAllBytes(small, SampleJpeg(0));
            await ArtworkSigner.SignFileAsync(small, Path.Combine(work, "warmup.jpg"), token, options, null, null, ct);
            Expect(Verifier.VerifyFile(Path.Combine(work, "warmup.jpg"), TrustSettings.None), Verdict.Valid);

            progress?.WriteLine($"signing a {sizeMb} MB file ...");
            string large = Path.Combine(work, "large.jpg");
            File.WriteAllBytes(large, SampleJpeg(sizeMb * 1024L * 1024));
            string signedLarge = Path.Combine(work, "large.signed.jpg");
            double signSeconds = await TimeAsync(() => ArtworkSigner.SignFileAsync(large, signedLarge, token, options, null, null, ct));
            double copyHashSeconds = Time(() => CopyAndHash(large, Path.Combine(work, "large.copy.jpg")));
            results.Add(new BenchResult($"sign {sizeMb} MB JPEG", "prov sign (embedded token)", "copy + SHA-256 (one read, one write)", signSeconds, copyHashSeconds, ""));

            progress?.WriteLine($"verifying the {sizeMb} MB file ...");
            double verifySeconds = Time(() => Expect(Verifier.VerifyFile(signedLarge, TrustSettings.None), Verdict.Valid));
            double hashSeconds = Time(() => HashFile(signedLarge));
            results.Add(new BenchResult($"verify {sizeMb} MB JPEG", "prov verify", "SHA-256 of the file", verifySeconds, hashSeconds, ""));

            progress?.WriteLine($"verifying {fileCount} files sequentially and on {Environment.ProcessorCount} cores ...");
            var batch = new List<string>();
            for (int i = 0; i < fileCount; i++)
            {
                string source = Path.Combine(work, $"b{i}.jpg");
                File.WriteAllBytes(source, SampleJpeg(2L * 1024 * 1024 + i));
                string signed = Path.Combine(work, $"b{i}.signed.jpg");
                await ArtworkSigner.SignFileAsync(source, signed, token, options, null, null, ct);
                batch.Add(signed);
            }
            double sequential = Time(() => { foreach (string f in batch) Expect(Verifier.VerifyFile(f, TrustSettings.None), Verdict.Valid); });
            double parallel = await TimeAsync(() => VerifyCommand.VerifyAllAsync(batch, TrustSettings.None, Verifier.VerifyFile, false, ct));
            results.Add(new BenchResult($"verify {fileCount} × 2 MB files", $"parallel ({Environment.ProcessorCount} cores)", "sequential", parallel, sequential, ""));
            return results;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static BenchResult Sha256Bench()
    {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(1).NextBytes(data);
        byte[] ours = [], reference = [];
        double oursSeconds = Best(3, () => ours = Sha256.Hash(data));
        double referenceSeconds = Best(3, () => reference = SHA256.HashData(data));
        if (!ours.AsSpan().SequenceEqual(reference)) throw new InvalidOperationException("the token's SHA-256 disagrees with .NET's");
        return new BenchResult("SHA-256, 8 MB", "token core (portable C#)", ".NET SHA256 (native)", oursSeconds, referenceSeconds, "");
    }

    private static BenchResult EcdsaBench()
    {
        const int count = 100;
        using var dotnet = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] d = dotnet.ExportParameters(true).D!;
        byte[] publicKey = [0x04, .. dotnet.ExportParameters(false).Q.X!, .. dotnet.ExportParameters(false).Q.Y!];
        byte[] digest = SHA256.HashData("bench"u8);
        byte[] signature = [];
        double ours = Best(3, () => { for (int i = 0; i < count; i++) signature = EcdsaP256.Sign(d, digest); }) / count;
        double reference = Best(3, () => { for (int i = 0; i < count; i++) dotnet.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation); }) / count;
        if (!dotnet.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) || !EcdsaP256.Verify(publicKey, digest, signature))
            throw new InvalidOperationException("the token's ECDSA signature does not verify");
        return new BenchResult("ECDSA P-256 sign (per signature)", "token core (RFC 6979, portable C#)", ".NET ECDsa (OpenSSL)", ours, reference, "");
    }

    /// <summary>
    /// A JPEG of about <paramref name="size"/> bytes shaped like a photo: the small image's header segments, then a
    /// long entropy-coded scan (random bytes, 0xFF stuffed as the format requires) and EOI.
    /// </summary>
    private static byte[] SampleJpeg(long size)
    {
        byte[] sample = Convert.FromBase64String(TinyJpeg);
        int sos = 2;
        while (!(sample[sos] == 0xFF && sample[sos + 1] == 0xDA)) sos += 2 + ((sample[sos + 2] << 8) | sample[sos + 3]);
        int scanStart = sos + 2 + ((sample[sos + 2] << 8) | sample[sos + 3]);
        using var output = new MemoryStream();
        output.Write(sample, 0, scanStart);
        var random = new Random((int)(size & 0x7fffffff));
        byte[] chunk = new byte[1 << 16];
        while (output.Length < size)
        {
            random.NextBytes(chunk);
            foreach (byte b in chunk)
            {
                output.WriteByte(b);
                if (b == 0xFF) output.WriteByte(0x00);
            }
        }
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    private static void CopyAndHash(string source, string destination)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 16];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            output.Write(buffer, 0, read);
        }
        output.Flush(flushToDisk: true);
        hash.GetHashAndReset();
    }

    private static void HashFile(string path)
    {
        using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        SHA256.HashData(input);
    }

    private static void Expect(FileVerification result, Verdict expected)
    {
        if (result.Verdict != expected) throw new InvalidOperationException($"benchmark file verified as {result.Verdict}: {result.Reason}");
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Best(int runs, Action action) => Enumerable.Range(0, runs).Min(_ => Time(action));

    // An 8×8 grey baseline JPEG, so the benchmark needs no file from the repository.
    private const string TinyJpeg =
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/" +
        "wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAv/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AL//Z";
}
