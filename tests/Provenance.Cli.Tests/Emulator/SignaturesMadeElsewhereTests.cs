using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// Issue 15, "the log proves it": the artist's signing record (`prov identity history`) beside the token's hash-chained
/// log (`prov device log`) shows every signature the token made, and names the ones her prov never saw.
/// </summary>
public sealed class SignaturesMadeElsewhereTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "prov-elsewhere-" + Guid.NewGuid().ToString("N"));
    private readonly List<ChildProcess> _children = [];

    public SignaturesMadeElsewhereTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        foreach (ChildProcess child in _children) child.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task TwoSignaturesThroughAnotherProvHomeAreReportedAsMadeElsewhere()
    {
        string artist = Directory.CreateDirectory(Path.Combine(_root, "artist")).FullName;
        string thief = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        string device = await StartEmulatorAsync(artist);
        Assert.Equal(0, (await ChildProcess.RunProvAsync(artist, "device", "init", "--device", device)).ExitCode);
        string sample = SignVerifyTests.SamplePath("artwork.jpg");

        var ours = new List<long>();
        for (int i = 1; i <= 3; i++)
        {
            var sign = await ChildProcess.RunProvAsync(artist, "sign", sample, "--out", Path.Combine(artist, $"work{i}.jpg"), "--device", device, "--json", "--source", "scan");
            Assert.True(sign.ExitCode == 0, sign.Stderr);
            ours.Add(JsonDocument.Parse(sign.Stdout).RootElement.GetProperty("counter").GetInt64());
        }
        // A client that bypasses the artist's record: the same token driven from another PROV_HOME.
        var theirs = new List<long>();
        for (int i = 1; i <= 2; i++)
        {
            var sign = await ChildProcess.RunProvAsync(thief, "sign", sample, "--out", Path.Combine(thief, $"copy{i}.jpg"), "--device", device, "--json", "--source", "scan");
            Assert.True(sign.ExitCode == 0, sign.Stderr);
            theirs.Add(JsonDocument.Parse(sign.Stdout).RootElement.GetProperty("counter").GetInt64());
        }

        var history = await ChildProcess.RunProvAsync(artist, "identity", "history", "--json");
        Assert.True(history.ExitCode == 0, history.Stderr);
        JsonElement recorded = JsonDocument.Parse(history.Stdout).RootElement;
        Assert.Equal("version", recorded.EnumerateObject().First().Name);
        JsonElement[] works = recorded.GetProperty("signatures").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "artwork").ToArray();
        Assert.Equal(ours, works.Select(s => s.GetProperty("counter").GetInt64()));
        Assert.All(works, s => Assert.True(s.GetProperty("counterBound").GetBoolean()));
        Assert.All(works, s => Assert.Equal(64, s.GetProperty("dataHash").GetString()!.Length));
        Assert.Equal(Path.Combine(artist, "work1.jpg"), works[0].GetProperty("file").GetString());

        var log = await ChildProcess.RunProvAsync(artist, "device", "log", "--device", device, "--json");
        Assert.True(log.ExitCode == 0, log.Stderr);
        JsonElement document = JsonDocument.Parse(log.Stdout).RootElement;
        Assert.Equal("version", document.EnumerateObject().First().Name);
        long[] elsewhere = [.. document.GetProperty("madeElsewhere").EnumerateArray().Select(c => c.GetInt64())];
        // The two signatures made through the other home are named; none of the artist's three is.
        Assert.Superset(theirs.ToHashSet(), elsewhere.ToHashSet());
        Assert.Empty(elsewhere.Intersect(ours));
        // Every counter in the token's log is either in the artist's record or reported as made elsewhere.
        long[] logged = [.. document.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("counter").GetInt64())];
        long[] inRecord = [.. recorded.GetProperty("signatures").EnumerateArray().Select(s => s.GetProperty("counter").GetInt64())];
        Assert.Equal(logged.Order(), inRecord.Concat(elsewhere).Order());

        var text = await ChildProcess.RunProvAsync(artist, "device", "log", "--device", device);
        Assert.Contains("signatures made elsewhere: " + elsewhere.Length.ToString(CultureInfo.InvariantCulture), text.Stdout, StringComparison.Ordinal);
        Assert.Contains(string.Join(", ", theirs), text.Stdout, StringComparison.Ordinal);

        // What a revocation from the artist's last signature would cover: that one file and nothing earlier.
        string serial = document.GetProperty("serial").GetString()!;
        var window = await ChildProcess.RunProvAsync(artist, "identity", "history", "--device", serial, "--from-counter", ours[2].ToString(CultureInfo.InvariantCulture));
        Assert.True(window.ExitCode == 0, window.Stderr);
        Assert.Contains("work3.jpg", window.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("work2.jpg", window.Stdout, StringComparison.Ordinal);
        Assert.Contains("covers 1 of your signed files", window.Stdout, StringComparison.Ordinal);
    }

    private async Task<string> StartEmulatorAsync(string home)
    {
        ChildProcess emulator = ChildProcess.StartProv(home, "emulator", "--state", Path.Combine(_root, "emulator"), "--tcp", "0", "--auto-press");
        _children.Add(emulator);
        string line = await emulator.WaitForLineAsync(l => l.StartsWith("tcp ", StringComparison.Ordinal), Generous, "its tcp endpoint");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    }
}
