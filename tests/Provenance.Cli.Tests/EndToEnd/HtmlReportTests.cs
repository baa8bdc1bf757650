using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// `prov verify --html` on a 300-file mixed batch, opened in Debian's Chromium at 1280 px (tests/interop/report-page.mjs),
/// and the same batch piped: what a registrar sees in the report and what a script reads from the pipe.
/// </summary>
public sealed class HtmlReportTests : IDisposable
{
    private const string Hostile = "<img src=x onerror=\"window.pwned=1\">.png";
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task ThreeHundredFilesFailuresFirstFilterAndDetailAt1280Px()
    {
        string batch = await MakeBatchAsync(300);
        string report = Path.Combine(_prov.Home, "report.html");
        string csv = Path.Combine(_prov.Home, "batch.csv");
        ProvResult verify = await _prov.RunAsync(["verify", batch, "--html", report, "--csv", csv], null, TimeSpan.FromMinutes(3));
        Assert.True(verify.ExitCode == 1, verify.ToString()); // some files fail

        // The same batch for a spreadsheet: the header, then a row per file.
        string[] rows = File.ReadAllText(csv).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Provenance.Reporting.CsvReport.Header, rows[0]);
        Assert.Equal(301, rows.Length);

        // Piped: a header and one line per file, however long the names and reasons.
        string[] lines = verify.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(301, lines.Length);
        Assert.All(lines, l => Assert.Equal(4, l.Count(c => c == '\t')));
        Assert.Contains("300 files", verify.Stderr, StringComparison.Ordinal);

        string? interop = ServeTests.FindInterop();
        bool ready = interop is not null && Directory.Exists(Path.Combine(interop, "node_modules", "playwright-core")) && File.Exists("/usr/bin/chromium");
        if (!ready)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have Chromium and tests/interop/node_modules (see .ci/run)");
            return; // The piped half above still ran.
        }
        JsonElement seen = await RunNodeAsync(interop!, "report-page.mjs", report);

        Assert.True(seen.GetProperty("scrollWidth").GetInt32() <= 1280, seen.ToString());
        Assert.True(seen.GetProperty("scrollWidthWithDetail").GetInt32() <= 1280, "a detail widens the page");
        Assert.True(seen.GetProperty("narrowestColumn").GetDouble() >= 60, "a column is squeezed");
        string[] order = [.. seen.GetProperty("order").EnumerateArray().Select(v => v.GetString()!)];
        Assert.Equal(300, order.Length);
        int lastFailure = Array.FindLastIndex(order, v => v is "invalid" or "error" or "missing");
        int firstPass = Array.FindIndex(order, v => v is "valid" or "trusted");
        Assert.True(lastFailure < firstPass, "failures are not first: " + string.Join(",", order.Take(40)));
        Assert.Equal(order.Count(v => v == "invalid"), seen.GetProperty("cards").GetProperty("invalid").GetInt32());
        Assert.True(seen.GetProperty("cards").GetProperty("invalid").GetInt32() > 0);

        string[] filtered = [.. seen.GetProperty("filtered").EnumerateArray().Select(v => v.GetString()!)];
        Assert.NotEmpty(filtered);
        Assert.All(filtered, v => Assert.Equal("invalid", v));
        Assert.Equal(300, seen.GetProperty("afterShowAll").GetInt32());

        JsonElement detail = seen.GetProperty("detail");
        Assert.True(detail.GetProperty("visible").GetBoolean());
        Assert.Equal(0, detail.GetProperty("heightBefore").GetDouble());
        Assert.NotEmpty(detail.GetProperty("codes").EnumerateArray());

        Assert.False(seen.GetProperty("pwned").GetBoolean(), "a file name ran script in the report");
        Assert.Contains(seen.GetProperty("sortedByName").EnumerateArray(), n => n.GetString()!.EndsWith(Hostile, StringComparison.Ordinal));
        Assert.Empty(seen.GetProperty("externalRequests").EnumerateArray());
        if (CaFixture() is not null) Assert.True(seen.GetProperty("thumbnails").GetInt32() > 0, "no thumbnail shown for a manifest that carries one");
    }

    /// <summary>Signed, tampered, unsigned, not-an-image, a hostile name and (when the shared fixtures are here) c2pa-rs's CA.jpg with its thumbnail, copied up to <paramref name="count"/> files.</summary>
    private async Task<string> MakeBatchAsync(int count)
    {
        string batch = Directory.CreateDirectory(Path.Combine(_prov.Home, "batch")).FullName;
        string signedJpg = Path.Combine(batch, "signed.jpg");
        string signedPng = Path.Combine(batch, "signed.png");
        Assert.Equal(0, (await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signedJpg, "--source", "scan")).ExitCode);
        Assert.Equal(0, (await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.png"), "--out", signedPng, "--source", "scan")).ExitCode);
        byte[] tampered = File.ReadAllBytes(signedJpg);
        tampered[^100] ^= 0x01;
        var bases = new List<(string Name, byte[] Bytes)>
        {
            ("signed.jpg", File.ReadAllBytes(signedJpg)),
            ("signed.png", File.ReadAllBytes(signedPng)),
            ("tampered.jpg", tampered),
            ("unsigned.png", File.ReadAllBytes(SignVerifyTests.SamplePath("artwork.png"))),
            ("notes.jpg", "not an image"u8.ToArray()),
        };
        if (CaFixture() is { } ca) bases.Add(("CA.jpg", File.ReadAllBytes(ca)));
        File.Delete(signedJpg);
        File.Delete(signedPng);
        File.WriteAllBytes(Path.Combine(batch, Hostile), bases[1].Bytes);
        for (int i = 1; i < count; i++)
        {
            (string name, byte[] bytes) = bases[i % bases.Count];
            File.WriteAllBytes(Path.Combine(batch, $"submission {i:000} by an artist with a rather long name - {name}"), bytes);
        }
        return batch;
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

    internal static async Task<JsonElement> RunNodeAsync(string interop, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var node = System.Diagnostics.Process.Start(start)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(node.ExitCode == 0, await stderr);
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
