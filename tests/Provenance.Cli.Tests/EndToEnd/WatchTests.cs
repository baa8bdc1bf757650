using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>`prov watch`: artwork written into a folder gets signed once, other files are left alone.</summary>
public sealed class WatchTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _scans;

    public WatchTests()
    {
        _scans = Path.Combine(_prov.Home, "scans");
        Directory.CreateDirectory(_scans);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task OnceSignsEveryArtworkIntoSignedFolderAndNeverTwice()
    {
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(_scans, "scan-1.jpg"));
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(_scans, "scan-2.png"));
        File.WriteAllText(Path.Combine(_scans, "notes.txt"), "not artwork");
        byte[] original = File.ReadAllBytes(Path.Combine(_scans, "scan-1.jpg"));

        ProvResult first = await _prov.RunAsync("watch", "--source", "scan", _scans, "--once", "--json", "--exclude", "*.txt");
        Assert.True(first.ExitCode == 0, first.ToString());
        JsonElement[] lines = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("status", out _)).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal("signed", l.GetProperty("status").GetString()));
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(_scans, "scan-1.jpg")));
        Assert.Equal(new[] { "scan-1.jpg", "scan-2.png" }, Directory.GetFiles(Path.Combine(_scans, "signed")).Select(f => Path.GetFileName(f)).Order().ToArray());
        ProvResult verify = await _prov.RunAsync("verify", Path.Combine(_scans, "signed"));
        Assert.True(verify.ExitCode == 0, verify.ToString());

        ProvResult second = await _prov.RunAsync("watch", "--source", "scan", _scans, "--once", "--json", "--exclude", "*.txt");
        Assert.Equal(0, second.ExitCode);
        string[] secondLines = second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(secondLines[..^1], l => Assert.Equal("skipped", JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()));
        Assert.Equal(0, JsonDocument.Parse(secondLines[^1]).RootElement.GetProperty("summary").GetProperty("signed").GetInt32());
    }

    [Fact]
    public async Task SignsAFileOnceItIsFinishedBeingWritten()
    {
        using ChildProcess watch = ChildProcess.StartProv(_prov.Home, "watch", "--source", "scan", _scans, "--in-place", "--settle-ms", "300");
        try
        {
            await watch.WaitForLineAsync(l => l.StartsWith("watching", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the watching line");
            string target = Path.Combine(_scans, "drawing.webp");
            // Written in two parts, as a slow writer would: the watcher must wait for the whole file.
            byte[] bytes = File.ReadAllBytes(SignVerifyTests.SamplePath("artwork.webp"));
            await using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
            {
                stream.Write(bytes, 0, bytes.Length / 2);
                stream.Flush();
                await Task.Delay(1000);
                stream.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
            }
            await watch.WaitForLineAsync(l => l.StartsWith("signed " + target, StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the signed line");
        }
        finally
        {
            watch.Kill();
        }
        ProvResult verify = await _prov.RunAsync("verify", Path.Combine(_scans, "drawing.webp"), "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal("valid", JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0].GetProperty("verdict").GetString());
        Assert.DoesNotContain(watch.Stdout.Split('\n'), l => l.StartsWith("failed", StringComparison.Ordinal));
    }
}
