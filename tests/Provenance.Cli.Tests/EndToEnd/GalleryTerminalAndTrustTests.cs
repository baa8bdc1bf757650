using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 13 for a gallery at the terminal: `--only-failures`, `--summary`, whether the token bound the counter, a PEM
/// trust list kept by `prov trust add`, and PROV_TRUST_DB / PROV_TRUST_LIST standing in for --trust / --trust-list.
/// </summary>
public sealed class GalleryTerminalAndTrustTests : IDisposable
{
    private readonly ProvRunner _artist = ProvRunner.WithTempHome();
    private readonly ProvRunner _gallery = ProvRunner.WithTempHome();

    public void Dispose()
    {
        foreach (string home in new[] { _artist.Home, _gallery.Home })
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task OnlyFailuresListsTheFailedFilesSummaryOnlyTheCountsAndTextSaysTheCounterIsBound()
    {
        string batch = Directory.CreateDirectory(Path.Combine(_artist.Home, "batch")).FullName;
        string signed = Path.Combine(batch, "signed.jpg");
        Assert.Equal(0, (await _artist.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--source", "scan")).ExitCode);
        byte[] tampered = File.ReadAllBytes(signed);
        tampered[^100] ^= 0x01;
        File.WriteAllBytes(Path.Combine(batch, "tampered.jpg"), tampered);
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(batch, "unsigned.png"));

        ProvResult failures = await _artist.RunAsync("verify", batch, "--only-failures");
        Assert.Equal(1, failures.ExitCode);
        string[] lines = failures.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // the header, then the two files that failed
        Assert.Contains(lines, l => l.Contains("tampered.jpg\tinvalid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("unsigned.png\tmissing", StringComparison.Ordinal));
        Assert.Contains("3 files: 1 valid, 1 invalid, 1 missing", failures.Stderr, StringComparison.Ordinal);

        ProvResult summary = await _artist.RunAsync("verify", batch, "--summary");
        Assert.Equal(["3 files: 1 valid, 1 invalid, 1 missing"], summary.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        JsonElement counts = JsonDocument.Parse((await _artist.RunAsync("verify", batch, "--summary", "--json")).Stdout).RootElement;
        Assert.Equal(["version", "summary"], counts.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, counts.GetProperty("summary").GetProperty("invalid").GetInt32());

        ProvResult one = await _artist.RunAsync("verify", signed);
        Assert.Contains("counter bound by the token", one.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATrustListIsKeptRootByRootAndTheVariablesStandInForTheOptions()
    {
        string signed = Path.Combine(_artist.Home, "signed.jpg");
        Assert.Equal(0, (await _artist.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--source", "scan")).ExitCode);
        string root = Path.Combine(_artist.Home, "root.pem");
        Assert.Equal(0, (await _artist.RunAsync("identity", "export", "--out", root, "--identity", Path.Combine(_artist.Home, "development-identity"))).ExitCode);

        // A bundle: the C2PA trust list when the shared copy is here, else two roots in one PEM file.
        string bundle = C2paTrustList() ?? TwoRoots(root);
        int inBundle = File.ReadAllText(bundle).Split("-----BEGIN CERTIFICATE-----").Length - 1;
        ProvResult added = await _gallery.RunAsync("trust", "add", bundle);
        Assert.True(added.ExitCode == 0, added.ToString());
        JsonElement roots = JsonDocument.Parse((await _gallery.RunAsync("trust", "list", "--json")).Stdout).RootElement.GetProperty("roots");
        Assert.Equal(inBundle, roots.GetArrayLength());
        string list = Path.GetFileNameWithoutExtension(bundle);
        Assert.All(roots.EnumerateArray(), r => Assert.StartsWith(list + ": ", r.GetProperty("name").GetString(), StringComparison.Ordinal));
        ProvResult again = await _gallery.RunAsync("trust", "add", bundle);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"0 of {inBundle} certificates", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(inBundle, JsonDocument.Parse((await _gallery.RunAsync("trust", "list", "--json")).Stdout).RootElement.GetProperty("roots").GetArrayLength());

        // PROV_TRUST_LIST: the artist's root trusted for this run only; PROV_TRUST_DB: another store, here the artist's.
        Assert.Equal("valid", await VerdictAsync(signed, []));
        Assert.Equal("trusted", await VerdictAsync(signed, new() { ["PROV_TRUST_LIST"] = root }));
        string store = Path.Combine(_gallery.Home, "artists.db");
        Assert.Equal(0, (await _gallery.RunAsync(["trust", "add", root], new Dictionary<string, string> { ["PROV_TRUST_DB"] = store }, TimeSpan.FromSeconds(60))).ExitCode);
        Assert.Equal("trusted", await VerdictAsync(signed, new() { ["PROV_TRUST_DB"] = store }));
        ProvResult missing = await _gallery.RunAsync(["verify", signed], new Dictionary<string, string> { ["PROV_TRUST_DB"] = store + ".typo" }, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> VerdictAsync(string file, Dictionary<string, string> environment)
    {
        ProvResult run = await _gallery.RunAsync(["verify", file, "--json"], environment, TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(run.Stdout).RootElement.GetProperty("files")[0].GetProperty("verdict").GetString()!;
    }

    private string TwoRoots(string root)
    {
        string other = Path.Combine(_gallery.Home, "other-root.pem");
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Other Root", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509KeyUsageExtension(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyCertSign, true));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
            File.WriteAllText(other, certificate.ExportCertificatePem() + "\n");
        }
        string bundle = Path.Combine(_gallery.Home, "two-roots.pem");
        File.WriteAllText(bundle, File.ReadAllText(other) + File.ReadAllText(root));
        return bundle;
    }

    private static string? C2paTrustList()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "trust", "c2pa", "C2PA-TRUST-LIST.pem");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
