using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Provenance.Formats;
using Provenance.Fuzz;
using Provenance.Verification;

namespace Provenance.Cli.Tests.Fuzz;

/// <summary>
/// CI's share of the fuzzing (issue 14): every input the campaigns saved in tests/Fuzz/corpus (crashes included, as
/// regression tests) runs again through its target, and every shared fixture and every corpus file goes through the
/// verifier as a file. Nothing may throw out of the verifier, and no file may make it allocate more than 256 MiB.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    /// <summary>Issue 14: at most 256 MiB whatever the headers claim. Allocated bytes bound the peak from above.</summary>
    private const long MemoryBound = 256L << 20;

    private static readonly Lazy<FuzzTargets> Targets = new(() => new FuzzTargets(FixturesFolder()));

    private static string RepoFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProvenanceDevice.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ProvenanceDevice.sln was not found above the test binaries");
    }

    private static string FixturesFolder() =>
        Path.Combine(Path.GetDirectoryName(RepoFolder())!, "shared", "fixtures", "c2pa");

    private static string CorpusFolder => Path.Combine(RepoFolder(), "tests", "Fuzz", "corpus");

    public static TheoryData<string> TargetNames => new(FuzzTargets.Names);

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void SavedCorpusReplaysWithoutAnEscapedException(string target)
    {
        string folder = Path.Combine(CorpusFolder, target);
        var failures = new List<string>();
        int count = 0;
        foreach (string file in Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            count++;
            try
            {
                Targets.Value.Run(target, File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetFileName(file)}: {e.GetType().FullName}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} saved {target} inputs escaped:\n" + string.Join("\n", failures));
    }

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        string shared = Path.GetDirectoryName(FixturesFolder())!;
        foreach (string sub in new[] { "c2pa", "c2pa-rs-corpus" })
        {
            string folder = Path.Combine(shared, sub);
            if (!Directory.Exists(folder)) continue;
            foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                if (!file.EndsWith(".md", StringComparison.Ordinal) && !file.EndsWith(".pem", StringComparison.Ordinal)) data.Add(Path.Combine(sub, Path.GetFileName(file)));
        }
        foreach (string format in new[] { "jpeg", "png", "tiff", "webp", "serve" })
        {
            string folder = Path.Combine(CorpusFolder, format);
            if (!Directory.Exists(folder)) continue;
            foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)) data.Add(Path.Combine("corpus", format, Path.GetFileName(file)));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryFixtureAndCorpusFile_VerifiesWithoutAnExceptionInBoundedMemory(string relative)
    {
        string path = relative.StartsWith("corpus", StringComparison.Ordinal)
            ? Path.Combine(CorpusFolder, relative["corpus/".Length..])
            : Path.Combine(Path.GetDirectoryName(FixturesFolder())!, relative);
        var trust = new TrustSettings();
        long before = GC.GetAllocatedBytesForCurrentThread();
        FileVerification result = Verifier.VerifyFile(path, trust);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(string.IsNullOrWhiteSpace(result.Reason) && result.Verdict == Verdict.Error, "an error without a reason");
        _ = Provenance.Reporting.VerificationJson.RenderOne(result);
        Assert.True(allocated < MemoryBound, $"verifying {relative} ({new FileInfo(path).Length} bytes) allocated {allocated >> 20} MiB");
    }
}
