using System;
using System.IO;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Artist;

/// <summary>`prov sign --out`: an existing file is never replaced unless asked, and the output keeps the input's format.</summary>
public sealed class NeverLoseAFileTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work;

    public NeverLoseAFileTests()
    {
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task AnExistingOutIsRefusedWithoutForceAndLeftUntouched()
    {
        string target = Path.Combine(_work, "scan.tif");
        byte[] precious = "the artist's earlier signed scan"u8.ToArray();
        File.WriteAllBytes(target, precious);

        ProvResult refused = await _prov.RunAsync("sign", SignVerifyTests_Sample("artwork.tif"), "--out", target, "--source", "scan");
        Assert.True(refused.ExitCode == ExitCodes.AlreadyExists, refused.ToString());
        Assert.Equal(precious, File.ReadAllBytes(target));
        string error = refused.Stderr.Trim();
        Assert.DoesNotContain('\n', error);
        Assert.Contains("--force", error, StringComparison.Ordinal);

        ProvResult forced = await _prov.RunAsync("sign", SignVerifyTests_Sample("artwork.tif"), "--out", target, "--source", "scan", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(0, (await _prov.RunAsync("verify", target)).ExitCode);
    }

    [Fact]
    public async Task AnOutWithAnotherFormatsExtensionIsRefused()
    {
        string target = Path.Combine(_work, "scan.png");
        ProvResult refused = await _prov.RunAsync("sign", SignVerifyTests_Sample("artwork.tif"), "--out", target, "--source", "scan");
        Assert.True(refused.ExitCode == ExitCodes.Usage, refused.ToString());
        Assert.False(File.Exists(target));
        Assert.Contains("TIFF", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(".tif", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Stderr.Trim());

        // .jpeg for a .jpg input is the same format: allowed.
        string jpeg = Path.Combine(_work, "art.jpeg");
        ProvResult same = await _prov.RunAsync("sign", SignVerifyTests_Sample("artwork.jpg"), "--out", jpeg, "--source", "scan");
        Assert.True(same.ExitCode == 0, same.ToString());
    }

    private static string SignVerifyTests_Sample(string name) => EndToEnd.SignVerifyTests.SamplePath(name);
}
