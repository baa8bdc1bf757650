using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// Issue 15's closing scenario (tests/interop/revocation-scenario.sh): sign 5, revoke from the 4th, a 6th signed after
/// the revocation; prov reads 1–3 trusted and 4–6 invalid, and c2pa-rs, given the artist's root as trust anchor and no
/// way to take a CRL, reads what it reads (docs/revocation.md records it).
/// </summary>
public sealed class RevocationInteropTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "prov-revocation-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task TheScenarioTableShowsProvRevokingFrom4AndWhatCTwoPaRsSays()
    {
        string? interop = ServeTests.FindInterop();
        if (interop is null || !Directory.Exists(Path.Combine(interop, "node_modules", "@contentauth", "c2pa-wasm")) || !OperatingSystem.IsLinux())
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have Node.js and tests/interop/node_modules (see .ci/run)");
            return;
        }
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(interop, "revocation-scenario.sh"));
        start.ArgumentList.Add(_work);
        start.Environment["PROV"] = ChildProcess.ProvExe ?? "dotnet " + ChildProcess.ProvDll;
        using Process script = Process.Start(start)!;
        Task<string> stdout = script.StandardOutput.ReadToEndAsync();
        Task<string> stderr = script.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(4));
        await script.WaitForExitAsync(timeout.Token);
        Assert.True(script.ExitCode == 0, await stderr);

        string[] rows = (await stdout).Split('\n').Where(l => l.StartsWith("| work", StringComparison.Ordinal)).ToArray();
        Assert.Equal(6, rows.Length);
        string[][] cells = rows.Select(r => r.Split('|').Select(c => c.Trim()).ToArray()).ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.StartsWith("trusted", cells[i][3], StringComparison.Ordinal);
            Assert.Contains("this signature came before", cells[i][3], StringComparison.Ordinal);
        }
        for (int i = 3; i < 6; i++) Assert.StartsWith("invalid (signingCredential.revoked", cells[i][3], StringComparison.Ordinal);
        // c2pa-rs gives a verdict for every file (its column is what docs/revocation.md reports, whatever it is).
        Assert.All(cells, c => Assert.Matches("^(Trusted|Valid|Invalid)", c[4]));
    }
}
