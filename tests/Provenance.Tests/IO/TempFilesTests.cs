using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.IO;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.IO;

/// <summary>Temp files carry their writer's PID, so a later run can remove a killed writer's leftovers and only those.</summary>
public sealed class TempFilesTests
{
    [Fact]
    public async Task SigningInPlaceWritesItsTempFileUnderARecognisableNameWithItsPid()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string art = Path.Combine(folder.Path, "art.jpg");
        File.WriteAllBytes(art, TestAssets.SmallJpeg());
        using var pki = new TestPki();
        var signer = new PausingSigner(pki.Signer());

        Task signing = new ManifestSigner().SignFileAsync(art, art, Signing.Request(), signer);
        await signer.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The process is "killed" here, as far as the folder can tell: this is what it would leave.
        string temp = Directory.GetFiles(folder.Path).Select(p => Path.GetFileName(p)).Single(n => n != "art.jpg")!;
        signer.Release.SetResult();
        await signing;

        Assert.Equal(Environment.ProcessId, TempFiles.WriterOf(temp));
        Assert.StartsWith(".art.jpg.prov-tmp-" + Environment.ProcessId + "-", temp, StringComparison.Ordinal);
        Assert.Equal(["art.jpg"], Directory.GetFiles(folder.Path).Select(p => Path.GetFileName(p)).ToArray());
    }

    [Fact]
    public void AtomicFileTempNamesCarryThePid()
    {
        string temp = AtomicFile.TempPathFor("/some/folder/identity.json");
        Assert.Equal(Environment.ProcessId, TempFiles.WriterOf(Path.GetFileName(temp)));
        Assert.Equal("/some/folder", Path.GetDirectoryName(temp));
    }

    [Fact]
    public void RemovesLeftoversOfDeadWritersOnlyAndCountsTheBytes()
    {
        using TempFolder folder = TestAssets.NewFolder();
        int dead = DeadPid();
        string leftover = Path.Combine(folder.Path, ".a.jpg.prov-tmp-" + dead + "-0123456789ab");
        string ours = Path.Combine(folder.Path, ".b.jpg.prov-tmp-" + Environment.ProcessId + "-0123456789ab");
        string userFile = Path.Combine(folder.Path, ".c.jpg.1234.tmp");
        string lookalike = Path.Combine(folder.Path, ".d.jpg.prov-tmp-" + dead + "-not-hex");
        File.WriteAllBytes(leftover, new byte[5000]);
        File.WriteAllBytes(ours, new byte[10]);
        File.WriteAllBytes(userFile, new byte[10]);
        File.WriteAllBytes(lookalike, new byte[10]);

        LeftoverCleanup cleanup = TempFiles.RemoveAbandoned(folder.Path);

        Assert.Equal([leftover], cleanup.Files);
        Assert.Equal(5000, cleanup.BytesFreed);
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(ours));
        Assert.True(File.Exists(userFile));
        Assert.True(File.Exists(lookalike));
        Assert.Equal("removed 1 leftover temp file of interrupted prov runs in X, 4.9 KB freed", cleanup.Describe("X"));
        Assert.Null(TempFiles.RemoveAbandoned(folder.Path).Describe("X"));
    }

    [Fact]
    public void ProcessLiveness()
    {
        Assert.True(TempFiles.IsProcessAlive(Environment.ProcessId));
        Assert.False(TempFiles.IsProcessAlive(DeadPid()));
    }

    private static int DeadPid()
    {
        using Process process = Process.Start(new ProcessStartInfo("dotnet", "--version") { UseShellExecute = false, RedirectStandardOutput = true })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.Id;
    }

    private sealed class PausingSigner(IClaimSigner inner) : IClaimSigner
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public X509Certificate2Collection Chain => inner.Chain;

        public async Task<byte[]> SignAsync(byte[] toBeSigned, CancellationToken cancellationToken)
        {
            Reached.SetResult();
            await Release.Task.ConfigureAwait(false);
            return await inner.SignAsync(toBeSigned, cancellationToken).ConfigureAwait(false);
        }
    }
}
