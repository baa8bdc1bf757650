using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Artist;

/// <summary>A token the artist revoked (`prov identity revoke`) no longer signs for her, alone or in a batch.</summary>
public sealed class RevokedTokenTests : IDisposable
{
    private static readonly Dictionary<string, string> Password = new() { ["PROV_PASSWORD"] = "correct horse battery staple" };
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private Task<ProvResult> Run(params string[] args) => _prov.RunAsync(args, Password, TimeSpan.FromSeconds(120));

    [Fact]
    public async Task SigningWithARevokedTokenIsRefusedAndNothingIsWritten()
    {
        Assert.Equal(0, (await Run("identity", "create", "--name", "Ada Artist")).ExitCode);
        Assert.Equal(0, (await Run("identity", "enroll")).ExitCode);
        ProvResult first = await Run("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", Path.Combine(_prov.Home, "before.jpg"), "--source", "scan", "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        string serial = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("tokenSerial").GetString()!;

        ProvResult revoke = await Run("identity", "revoke", "--device", serial, "--crl-out", Path.Combine(_prov.Home, "ada.crl"));
        Assert.True(revoke.ExitCode == 0, revoke.ToString());

        string after = Path.Combine(_prov.Home, "after.jpg");
        ProvResult refused = await Run("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", after, "--source", "scan");
        Assert.True(refused.ExitCode == ExitCodes.Rejected, refused.ToString());
        Assert.False(File.Exists(after));
        string error = refused.Stderr.Trim().Split('\n')[^1];
        Assert.Contains(serial, error, StringComparison.Ordinal);
        Assert.Contains("revoked", error, StringComparison.Ordinal);

        string scans = Path.Combine(_prov.Home, "scans");
        Directory.CreateDirectory(scans);
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(scans, "a.png"));
        byte[] original = File.ReadAllBytes(Path.Combine(scans, "a.png"));
        ProvResult batch = await Run("sign", scans, "--in-place", "--source", "scan");
        Assert.True(batch.ExitCode == ExitCodes.Rejected, batch.ToString());
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(scans, "a.png")));
    }
}
