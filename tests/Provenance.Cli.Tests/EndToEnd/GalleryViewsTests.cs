using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 13's acceptance test in Debian's Chromium (tests/interop/gallery-views.mjs): a mixed batch (trusted, valid,
/// tampered, unsigned, corrupt, a file with its .c2pa sidecar, a re-signed file whose history holds its earlier
/// version, and c2pa-rs's CA.jpg with its thumbnail) in the HTML report and in the page of `prov serve` reached at
/// http://localhost:PORT/; and the report printed on A4. With PROV_DOCS_SCREENSHOTS=FOLDER the 1280 px pictures are
/// written there (docs/report-1280.png, docs/page-1280.png).
/// </summary>
public sealed class GalleryViewsTests : IDisposable
{
    private const string Password = "a long test password";
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly ProvRunner _stranger = ProvRunner.WithTempHome();

    public void Dispose()
    {
        foreach (string home in new[] { _prov.Home, _stranger.Home })
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task AMixedBatchInTheReportAndOnThePageSummaryFailuresFirstFilterAndDetailWithHistory()
    {
        if (Interop() is not { } interop) return;
        (string batch, List<string> files, Dictionary<string, int> expected) = await MakeMixedBatchAsync();
        string report = Path.Combine(_prov.Home, "report.html");
        ProvResult verify = await Run("verify", batch, "--html", report);
        Assert.True(verify.ExitCode == 1, verify.ToString());
        string? shots = Environment.GetEnvironmentVariable("PROV_DOCS_SCREENSHOTS");

        string[] reportArgs = ["gallery-views.mjs", "report", report, "--open", "resigned.jpg", .. Shot(shots, "report-1280.png")];
        JsonElement inReport = await HtmlReportTests.RunNodeAsync(interop, reportArgs);
        AssertMixedBatch(inReport, expected);

        int port = FreePort();
        using ChildProcess serve = ChildProcess.StartProv(_prov.Home, "serve", "--port", port.ToString(CultureInfo.InvariantCulture));
        try
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the serving line");
            string[] pageArgs = ["gallery-views.mjs", "page", $"http://localhost:{port}/", "--open", "resigned.jpg", .. Shot(shots, "page-1280.png"), .. files];
            JsonElement onPage = await HtmlReportTests.RunNodeAsync(interop, pageArgs);
            Assert.Equal($"http://localhost:{port}/", onPage.GetProperty("url").GetString());
            AssertMixedBatch(onPage, expected);
            int count = expected.Values.Sum();
            Assert.Equal($"{count} checked", onPage.GetProperty("progress").GetString());

            // The batch's exports: CSV with a header and a row per file, JSON in `prov verify --json`'s shape.
            string[] csv = onPage.GetProperty("exportCsv").GetString()!.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Provenance.Reporting.CsvReport.Header, csv[0]);
            Assert.Equal(count, csv.Length - 1);
            Assert.Contains(csv, l => l.StartsWith("painting.kra,trusted,", StringComparison.Ordinal));
            JsonElement exported = onPage.GetProperty("exportJson");
            Assert.Equal("version", exported.EnumerateObject().First().Name);
            Assert.Equal(count, exported.GetProperty("files").GetArrayLength());
            foreach (var (verdict, n) in expected) Assert.Equal(n, exported.GetProperty("summary").GetProperty(verdict).GetInt32());
            Assert.DoesNotContain("prov-serve-", exported.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            serve.Kill();
        }
    }

    [Fact]
    public async Task ThirtyFilesPrintOnA4WithNothingCutAndAFewPages()
    {
        if (Interop() is not { } interop) return;
        (string batch, _, _) = await MakeMixedBatchAsync();
        string[] originals = Directory.GetFiles(batch).Where(f => !f.EndsWith(".c2pa", StringComparison.Ordinal) && !f.EndsWith(".kra", StringComparison.Ordinal)).ToArray();
        for (int i = 0; Directory.GetFiles(batch).Length < 31; i++)
        {
            string from = originals[i % originals.Length];
            File.Copy(from, Path.Combine(batch, $"submission {i:00} from an artist with a long name - {Path.GetFileName(from)}"));
        }
        string report = Path.Combine(_prov.Home, "print.html");
        await Run("verify", batch, "--html", report);
        JsonElement printed = await HtmlReportTests.RunNodeAsync(interop, "gallery-views.mjs", "print", report);

        int width = printed.GetProperty("printableWidth").GetInt32();
        Assert.True(printed.GetProperty("scrollWidth").GetInt32() <= width, printed.ToString());
        Assert.Empty(printed.GetProperty("cut").EnumerateArray());
        // 30 rows with thumbnails and reasons: a few pages, not one per file and not one squeezed page.
        int pages = printed.GetProperty("pages").GetInt32();
        Assert.InRange(pages, 2, 8);
    }

    private static void AssertMixedBatch(JsonElement seen, Dictionary<string, int> expected)
    {
        foreach (var (verdict, n) in expected) Assert.Equal(n, seen.GetProperty("cards").GetProperty(verdict).GetInt32());
        string[] order = [.. seen.GetProperty("order").EnumerateArray().Select(v => v.GetString()!)];
        Assert.Equal(expected.Values.Sum(), order.Length);
        // Failures first: invalid, then error, then missing, then the files that passed.
        Assert.Equal(["invalid", "error", "missing"], order[..3]);
        Assert.All(order[3..], v => Assert.Contains(v, new[] { "valid", "trusted" }));
        string[] names = [.. seen.GetProperty("names").EnumerateArray().Select(v => v.GetString()!)];
        Assert.Equal(["tampered.jpg", "corrupt.jpg", "unsigned.png"], names[..3]);
        Assert.DoesNotContain("painting.c2pa", names); // the sidecar is read with its file, not a row

        Assert.Equal(["invalid"], seen.GetProperty("filtered").EnumerateArray().Select(v => v.GetString()!));

        JsonElement detail = seen.GetProperty("detail");
        Assert.True(detail.GetProperty("visible").GetBoolean());
        Assert.Equal("trusted", detail.GetProperty("verdict").GetString());
        string history = Assert.Single(detail.GetProperty("history").EnumerateArray()).GetString()!;
        Assert.Contains("trusted", history, StringComparison.Ordinal); // the earlier version's title
        Assert.Contains("parentOf", history, StringComparison.Ordinal);
        if (expected.ContainsKey("valid") && expected["valid"] > 1) Assert.True(seen.GetProperty("thumbnails").GetInt32() >= 1, "no thumbnail for CA.jpg");

        Assert.True(seen.GetProperty("scrollWidth").GetInt32() <= 1280);
        Assert.False(seen.GetProperty("pwned").GetBoolean());
        Assert.Empty(seen.GetProperty("externalRequests").EnumerateArray());
    }

    /// <summary>The batch, the files to drop on the page (the sidecar with its file), and the verdicts expected.</summary>
    private async Task<(string Batch, List<string> Files, Dictionary<string, int> Expected)> MakeMixedBatchAsync()
    {
        string batch = Directory.CreateDirectory(Path.Combine(_prov.Home, "batch")).FullName;
        Assert.Equal(0, (await Run("identity", "create", "--name", "Ada Lovelace")).ExitCode);
        Assert.Equal(0, (await Run("identity", "enroll")).ExitCode);
        string root = Path.Combine(_prov.Home, "root.pem");
        Assert.Equal(0, (await Run("identity", "export", "--out", root)).ExitCode);
        Assert.Equal(0, (await Run("trust", "add", root)).ExitCode);

        string trusted = Path.Combine(batch, "trusted.jpg");
        Assert.Equal(0, (await Run("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", trusted, "--source", "scan")).ExitCode);
        // Signed again: the new manifest has the first one as its parentOf ingredient (a history of two versions).
        Assert.Equal(0, (await Run("sign", trusted, "--out", Path.Combine(batch, "resigned.jpg"), "--source", "scan")).ExitCode);
        // Valid: well signed by someone this gallery does not trust (another prov home's development identity).
        Assert.Equal(0, (await _stranger.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", Path.Combine(batch, "valid.jpg"), "--source", "scan")).ExitCode);
        byte[] tampered = File.ReadAllBytes(trusted);
        tampered[^100] ^= 0x01;
        File.WriteAllBytes(Path.Combine(batch, "tampered.jpg"), tampered);
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(batch, "unsigned.png"));
        File.WriteAllBytes(Path.Combine(batch, "corrupt.jpg"), File.ReadAllBytes(trusted)[..300]);
        // A file prov cannot embed into keeps its bytes and gets painting.c2pa beside it.
        string layers = Path.Combine(_prov.Home, "painting.kra");
        File.WriteAllText(layers, "a layered painting, as a drawing program saves it");
        Assert.Equal(0, (await Run("sign", layers, "--out", Path.Combine(batch, "painting.kra"), "--source", "tablet")).ExitCode);
        Assert.True(File.Exists(Path.Combine(batch, "painting.c2pa")));

        var expected = new Dictionary<string, int> { ["trusted"] = 3, ["valid"] = 1, ["invalid"] = 1, ["missing"] = 1, ["error"] = 1 };
        if (CaFixture() is { } ca)
        {
            File.Copy(ca, Path.Combine(batch, "CA.jpg"));
            expected["valid"]++;
        }
        return (batch, [.. Directory.GetFiles(batch).Order(StringComparer.Ordinal)], expected);
    }

    private Task<ProvResult> Run(params string[] args) =>
        _prov.RunAsync(args, new Dictionary<string, string> { ["PROV_PASSWORD"] = Password }, TimeSpan.FromSeconds(120));

    private static string[] Shot(string? folder, string name) => folder is null ? [] : ["--screenshot", Path.Combine(Path.GetFullPath(folder), name)];

    private static string? Interop()
    {
        string? interop = ServeTests.FindInterop();
        if (interop is not null && Directory.Exists(Path.Combine(interop, "node_modules", "playwright-core")) && File.Exists(Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium"))
            return interop;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have Chromium and tests/interop/node_modules (see .ci/run)");
        return null;
    }

    private static string? CaFixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "c2pa", "CA.jpg");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
