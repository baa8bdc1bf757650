using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>The foundation slice as a user runs it: `prov sign` with the embedded software token, then `prov verify`.</summary>
public sealed class SignVerifyTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work;

    public SignVerifyTests()
    {
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    internal static string SamplePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"samples/{name} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public async Task GalleryPoliciesFailASoftwareKeyAndAnUntrustedSignerAndSaySo()
    {
        string signed = Path.Combine(_work, "policy.jpg");
        Assert.Equal(0, (await _prov.RunAsync("sign", "--source", "scan", SamplePath("artwork.jpg"), "--out", signed)).ExitCode);
        Assert.Equal(0, (await _prov.RunAsync("verify", signed)).ExitCode);

        ProvResult hardware = await _prov.RunAsync("verify", signed, "--require-hardware-key", "--json");
        Assert.Equal(1, hardware.ExitCode);
        JsonElement entry = JsonDocument.Parse(hardware.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("valid", entry.GetProperty("verdict").GetString());    // the verdict stays what validation found
        Assert.False(entry.GetProperty("policy").GetProperty("passed").GetBoolean());
        Assert.Contains("--require-hardware-key: the key is a software key", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);

        ProvResult trusted = await _prov.RunAsync("verify", signed, "--require-trusted");
        Assert.Equal(1, trusted.ExitCode);
        Assert.Contains("--require-trusted", trusted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedSampleVerifiesValidAndOriginalIsUntouched()
    {
        string sample = SamplePath("artwork.jpg");
        byte[] original = File.ReadAllBytes(sample);
        string signed = Path.Combine(_work, "signed.jpg");

        ProvResult sign = await _prov.RunAsync("sign", "--source", "scan", sample, "--out", signed);
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Contains("software token", sign.Stderr + sign.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(original, File.ReadAllBytes(sample));

        ProvResult verify = await _prov.RunAsync("verify", signed);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("valid", verify.Stdout);

        ProvResult json = await _prov.RunAsync("verify", signed, "--json");
        Assert.Equal(0, json.ExitCode);
        JsonElement entry = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("files").EnumerateArray().Single();
        Assert.Equal("valid", entry.GetProperty("verdict").GetString());
        Assert.Equal(signed, entry.GetProperty("file").GetString());
        Assert.Contains("claimSignature.validated", entry.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("software", entry.GetProperty("token").GetProperty("keyProtection").GetString());
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task ChangedScanDataIsInvalid()
    {
        string signed = Path.Combine(_work, "signed.jpg");
        Assert.Equal(0, (await _prov.RunAsync("sign", "--source", "scan", SamplePath("artwork.jpg"), "--out", signed)).ExitCode);
        byte[] bytes = File.ReadAllBytes(signed);
        int scan = EntropyCodedByteOffset(bytes);
        bytes[scan] ^= 0x01;
        File.WriteAllBytes(signed, bytes);

        ProvResult verify = await _prov.RunAsync("verify", signed, "--json");
        Assert.Equal(1, verify.ExitCode);
        JsonElement entry = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("invalid", entry.GetProperty("verdict").GetString());
        Assert.Contains("assertion.dataHash.mismatch", entry.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task UnsignedJpegIsMissing()
    {
        ProvResult verify = await _prov.RunAsync("verify", SamplePath("artwork.jpg"));
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("missing", verify.Stdout);
    }

    [Fact]
    public async Task TruncatedOrNonImageFileIsErrorWithOneLineReason()
    {
        string truncated = Path.Combine(_work, "truncated.jpg");
        File.WriteAllBytes(truncated, File.ReadAllBytes(SamplePath("artwork.jpg")).AsSpan(0, 300).ToArray());
        string text = Path.Combine(_work, "notes.jpg");
        File.WriteAllText(text, "this is not an image\n");

        foreach (string file in new[] { truncated, text })
        {
            ProvResult verify = await _prov.RunAsync("verify", file, "--json");
            Assert.Equal(1, verify.ExitCode);
            JsonElement entry = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
            Assert.Equal("error", entry.GetProperty("verdict").GetString());
            string reason = entry.GetProperty("reason").GetString()!;
            Assert.DoesNotContain('\n', reason);
            Assert.DoesNotContain("   at ", verify.Stdout + verify.Stderr);
        }
    }

    [Fact]
    public async Task FolderVerifiesEveryFileAndExitCodeReflectsTheWorst()
    {
        string folder = Path.Combine(_work, "submissions");
        Directory.CreateDirectory(folder);
        Assert.Equal(0, (await _prov.RunAsync("sign", "--source", "scan", SamplePath("artwork.jpg"), "--out", Path.Combine(folder, "a.jpg"))).ExitCode);
        File.Copy(SamplePath("artwork.jpg"), Path.Combine(folder, "b.jpg"));
        File.Copy(SamplePath("artwork.jpg"), Path.Combine(folder, "x<b>.jpg"));
        string report = Path.Combine(_work, "report.html");

        ProvResult verify = await _prov.RunAsync("verify", folder, "--json", "--html", report);
        Assert.Equal(1, verify.ExitCode);
        var verdicts = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(e => Path.GetFileName(e.GetProperty("file").GetString()!), e => e.GetProperty("verdict").GetString());
        Assert.Equal("valid", verdicts["a.jpg"]);
        Assert.Equal("missing", verdicts["b.jpg"]);
        Assert.Equal("missing", verdicts["x<b>.jpg"]);

        string html = File.ReadAllText(report);
        Assert.Matches("<tbody class=\"file valid\" data-verdict=\"valid\"[^>]*data-name=\"[^\"]*a\\.jpg\"", html);
        Assert.Matches("<tbody class=\"file missing failed\" data-verdict=\"missing\"[^>]*data-name=\"[^\"]*b\\.jpg\"", html);
        Assert.Contains("x&lt;b&gt;.jpg", html);
        Assert.DoesNotContain("x<b>", html);
    }

    [Fact]
    public async Task UsageErrorExitsTwo()
    {
        ProvResult noPath = await _prov.RunAsync("verify");
        Assert.Equal(2, noPath.ExitCode);
        ProvResult noOutput = await _prov.RunAsync("sign", "--source", "scan", SamplePath("artwork.jpg"));
        Assert.Equal(2, noOutput.ExitCode);
        Assert.Contains("--out", noOutput.Stderr);
        ProvResult badSource = await _prov.RunAsync("sign", "--source", "scan", SamplePath("artwork.jpg"), "--out", Path.Combine(_work, "x.jpg"), "--source", "photocopier");
        Assert.Equal(2, badSource.ExitCode);
        Assert.False(File.Exists(Path.Combine(_work, "x.jpg")));
    }

    /// <summary>An offset in the middle of the first scan's entropy-coded data, away from markers and stuffing.</summary>
    internal static int EntropyCodedByteOffset(byte[] jpeg)
    {
        int i = 2;
        while (i + 4 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF) throw new InvalidDataException($"no marker at {i}");
            byte marker = jpeg[i + 1];
            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker == 0xDA)
            {
                int start = i + 2 + length;
                for (int j = start + (jpeg.Length - start) / 2; j < jpeg.Length - 2; j++)
                {
                    if (jpeg[j] < 0xF0 && jpeg[j - 1] != 0xFF && jpeg[j + 1] != 0xFF) return j;
                }
            }
            i += 2 + length;
        }
        throw new InvalidDataException("no SOS segment");
    }
}
