using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Artist;

/// <summary>`prov sign PATH...`: folders, several files, a summary, one line per failure and the batch goes on.</summary>
public sealed class BatchSignTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work;

    public BatchSignTests()
    {
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private string Scans()
    {
        string scans = Path.Combine(_work, "scans");
        Directory.CreateDirectory(Path.Combine(scans, "2026", "march"));
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(scans, "a.jpg"));
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(scans, "2026", "b.png"));
        File.Copy(SignVerifyTests.SamplePath("artwork.tif"), Path.Combine(scans, "2026", "march", "c.tif"));
        File.WriteAllText(Path.Combine(scans, "2026", "broken.jpg"), "not a jpeg at all");
        return scans;
    }

    private static JsonElement[] Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    [Fact]
    public async Task AFolderIsSignedRecursivelyIntoOutKeepingRelativePathsAndAFailureDoesNotStopTheBatch()
    {
        string scans = Scans();
        string signed = Path.Combine(_work, "signed");

        ProvResult run = await _prov.RunAsync("sign", scans, "--out", signed, "--source", "scan", "--json");
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        JsonElement[] lines = Lines(run.Stdout);
        Assert.All(lines, l => Assert.Equal("version", l.EnumerateObject().First().Name));
        JsonElement summary = lines[^1].GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("signed").GetInt32());
        Assert.Equal(0, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(1, summary.GetProperty("failed").GetInt32());
        JsonElement failed = lines.Single(l => l.TryGetProperty("status", out var s) && s.GetString() == "failed");
        Assert.EndsWith("broken.jpg", failed.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.Contains("not a JPEG", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        foreach (JsonElement line in lines.Where(l => l.TryGetProperty("status", out var s) && s.GetString() == "signed"))
        {
            DateTimeOffset time = DateTimeOffset.Parse(line.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.Zero, time.Offset);
            Assert.EndsWith("Z", line.GetProperty("time").GetString(), StringComparison.Ordinal);
        }

        foreach (string relative in new[] { "a.jpg", Path.Combine("2026", "b.png"), Path.Combine("2026", "march", "c.tif") })
            Assert.True(File.Exists(Path.Combine(signed, relative)), relative);
        Assert.False(File.Exists(Path.Combine(signed, "2026", "broken.jpg")));
        ProvResult verify = await _prov.RunAsync("verify", signed);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        // The same batch again: every output exists, so each is skipped and left as it is.
        byte[] before = File.ReadAllBytes(Path.Combine(signed, "a.jpg"));
        File.Delete(Path.Combine(scans, "2026", "broken.jpg"));
        ProvResult again = await _prov.RunAsync("sign", scans, "--out", signed, "--source", "scan");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 signed, 3 skipped, 0 failed", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(signed, "a.jpg")));
    }

    [Fact]
    public async Task SeveralFilesGoIntoTheOutFolderAndEachFailureIsOneLine()
    {
        string scans = Scans();
        string signed = Path.Combine(_work, "out");
        ProvResult run = await _prov.RunAsync("sign", Path.Combine(scans, "a.jpg"), Path.Combine(scans, "2026", "b.png"),
            Path.Combine(scans, "2026", "broken.jpg"), Path.Combine(scans, "missing.jpg"), "--out", signed, "--source", "scan");
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        Assert.True(File.Exists(Path.Combine(signed, "a.jpg")));
        Assert.True(File.Exists(Path.Combine(signed, "b.png")));
        Assert.Contains("2 signed, 0 skipped, 2 failed", run.Stdout, StringComparison.Ordinal);
        string[] errors = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("failed ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e.Contains("broken.jpg", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("missing.jpg", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InPlaceOnAFolderSkipsWhatIsAlreadySignedUnlessForced()
    {
        string scans = Scans();
        File.Delete(Path.Combine(scans, "2026", "broken.jpg"));
        ProvResult first = await _prov.RunAsync("sign", scans, "--in-place", "--source", "scan");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("3 signed, 0 skipped, 0 failed", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await _prov.RunAsync("verify", scans)).ExitCode);

        File.Copy(SignVerifyTests.SamplePath("artwork.webp"), Path.Combine(scans, "new.webp"));
        byte[] before = File.ReadAllBytes(Path.Combine(scans, "a.jpg"));
        ProvResult second = await _prov.RunAsync("sign", scans, "--in-place", "--source", "scan");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("1 signed, 3 skipped, 0 failed", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(scans, "a.jpg")));

        ProvResult forced = await _prov.RunAsync("sign", scans, "--in-place", "--source", "scan", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("4 signed, 0 skipped, 0 failed", forced.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await _prov.RunAsync("verify", scans)).ExitCode);
    }
}
