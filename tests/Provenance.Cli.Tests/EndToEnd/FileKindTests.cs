using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Only regular files are opened (issue 18): FIFOs named like images are reported per file and never hang prov, a
/// folder named like a file is called a folder, an empty folder is nothing to verify, and bytes that are not the
/// format their extension names are refused before anything is written.
/// </summary>
public sealed class FileKindTests : IDisposable
{
    // Long enough for a loaded machine, short enough that a hang fails the test instead of the run.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(45);
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work;

    public FileKindTests()
    {
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private Task<ProvResult> RunAsync(params string[] args) => _prov.RunAsync(args, null, HangLimit);

    [UnixFact]
    public async Task VerifyOfAFolderWithAFifoReportsItAndVerifiesTheRest()
    {
        string folder = Path.Combine(_work, "submissions");
        Directory.CreateDirectory(folder);
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(folder, "a.jpg"));
        UnixTools.MakeFifo(Path.Combine(folder, "b.jpg"));

        ProvResult verify = await RunAsync("verify", folder, "--json");

        Assert.True(verify.ExitCode == ExitCodes.Failed, verify.ToString());
        JsonElement root = JsonDocument.Parse(verify.Stdout).RootElement;
        // The file list: the array itself, or its `files` (DESIGN.md "The verification result").
        JsonElement[] files = (root.ValueKind == JsonValueKind.Object ? root.GetProperty("files") : root).EnumerateArray().ToArray();
        Assert.Equal(2, files.Length);
        Assert.Equal("missing", files[0].GetProperty("verdict").GetString());
        Assert.Equal(Path.Combine(folder, "b.jpg"), files[1].GetProperty("file").GetString());
        Assert.Equal("error", files[1].GetProperty("verdict").GetString());
        Assert.Contains("not a regular file", files[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task VerifyOfAFifoReportsItWithoutOpeningIt()
    {
        string fifo = Path.Combine(_work, "pipe.jpg");
        UnixTools.MakeFifo(fifo);

        ProvResult verify = await RunAsync("verify", fifo);

        Assert.True(verify.ExitCode == ExitCodes.Failed, verify.ToString());
        Assert.Contains("not a regular file", verify.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task SignOfAFifoIsRefusedWithoutOpeningIt()
    {
        string fifo = Path.Combine(_work, "pipe.jpg");
        UnixTools.MakeFifo(fifo);
        string output = Path.Combine(_work, "signed.jpg");

        ProvResult sign = await RunAsync("sign", "--source", "scan", fifo, "--out", output);

        Assert.True(sign.ExitCode != ExitCodes.Success, sign.ToString());
        Assert.Contains("pipe.jpg is not a regular file", sign.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task SignOfAFolderNamedLikeAnImageSaysItIsAFolder()
    {
        string folder = Path.Combine(_work, "DIR.jpg");
        Directory.CreateDirectory(folder);

        ProvResult sign = await RunAsync("sign", "--source", "scan", folder, "--out", Path.Combine(_work, "signed.jpg"));

        Assert.True(sign.ExitCode != ExitCodes.Success, sign.ToString());
        Assert.Contains("DIR.jpg is a folder", sign.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", sign.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOfAnEmptyFolderIsNothingToVerify()
    {
        string empty = Path.Combine(_work, "empty");
        Directory.CreateDirectory(empty);

        ProvResult verify = await RunAsync("verify", empty);

        Assert.True(verify.ExitCode == ExitCodes.Usage, verify.ToString());
        Assert.Contains("nothing to verify", verify.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignRefusesRandomBytesNamedJpegAndWritesNoSidecar()
    {
        string painting = Path.Combine(_work, "painting.jpg");
        File.WriteAllBytes(painting, System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
        string output = Path.Combine(_work, "signed.jpg");

        ProvResult sign = await RunAsync("sign", "--source", "scan", painting, "--out", output);

        Assert.True(sign.ExitCode != ExitCodes.Success, sign.ToString());
        Assert.Contains("painting.jpg is not a JPEG (unrecognised bytes)", sign.Stderr, StringComparison.Ordinal);
        Assert.Equal(["painting.jpg"], Directory.GetFiles(_work).Select(p => Path.GetFileName(p)).ToArray());
    }

    [Fact]
    public async Task SignRefusesAPngNamedJpegAndNamesWhatItLooksLike()
    {
        string painting = Path.Combine(_work, "painting.jpg");
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), painting);

        ProvResult sign = await RunAsync("sign", "--source", "scan", painting, "--in-place");

        Assert.True(sign.ExitCode != ExitCodes.Success, sign.ToString());
        Assert.Contains("painting.jpg is not a JPEG (it looks like PNG)", sign.Stderr, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(SignVerifyTests.SamplePath("artwork.png")), File.ReadAllBytes(painting));
        Assert.Equal(["painting.jpg"], Directory.GetFiles(_work).Select(p => Path.GetFileName(p)).ToArray());
    }

    [UnixFact]
    public async Task WatchOnceReportsAFifoAndSignsTheRest()
    {
        string scans = Path.Combine(_work, "scans");
        Directory.CreateDirectory(scans);
        File.Copy(SignVerifyTests.SamplePath("artwork.jpg"), Path.Combine(scans, "a.jpg"));
        UnixTools.MakeFifo(Path.Combine(scans, "b.jpg"));

        ProvResult watch = await RunAsync("watch", "--source", "scan", scans, "--once", "--json");

        Assert.True(watch.ExitCode == ExitCodes.Failed, watch.ToString());
        // Per-file lines; the last line is the summary object.
        JsonElement[] lines = watch.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("file", out _)).ToArray();
        Assert.Equal("signed", lines.Single(l => l.GetProperty("file").GetString()!.EndsWith("a.jpg", StringComparison.Ordinal)).GetProperty("status").GetString());
        JsonElement fifo = lines.Single(l => l.GetProperty("file").GetString()!.EndsWith("b.jpg", StringComparison.Ordinal));
        Assert.Equal("failed", fifo.GetProperty("status").GetString());
        Assert.Contains("not a regular file", fifo.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
