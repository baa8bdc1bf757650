using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Provenance.Verification;

namespace Provenance.Fuzz;

/// <summary>
/// `Provenance.Fuzz bounds PATH...`: verifies every file (folders recursively) and checks issue 14's bounds: the
/// verification takes at most twice the time of hashing the file (SHA-256, read from disk) plus one second, and
/// allocates less than 256 MiB. Times are the process's CPU time (wall time on a machine shared by many builds says
/// more about the neighbours than about prov); wall times are printed beside them. A measurement, not a unit test;
/// the allocation bound is also asserted in CI (FuzzCorpusReplayTests).
/// </summary>
public static class Bounds
{
    public static int Run(string[] paths)
    {
        string[] files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".pem", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        int overTime = 0, overMemory = 0, escaped = 0;
        double worstRatio = 0;
        long worstAllocated = 0;
        string worstFile = "";
        foreach (string file in files)
        {
            var process = Process.GetCurrentProcess();
            var clock = Stopwatch.StartNew();
            TimeSpan cpu = process.TotalProcessorTime;
            using (FileStream stream = File.OpenRead(file)) SHA256.HashData(stream);
            process.Refresh();
            TimeSpan hash = process.TotalProcessorTime - cpu;
            TimeSpan hashWall = clock.Elapsed;
            long before = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            cpu = process.TotalProcessorTime;
            try
            {
                Verifier.VerifyFile(file, TrustSettings.None);
            }
            catch (Exception e)
            {
                escaped++;
                Console.WriteLine($"ESCAPED {file}: {e.GetType().FullName}: {e.Message}");
            }
            TimeSpan verifyWall = clock.Elapsed;
            process.Refresh();
            TimeSpan verify = process.TotalProcessorTime - cpu;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            TimeSpan limit = hash * 2 + TimeSpan.FromSeconds(1);
            double ratio = verify / limit;
            if (ratio > worstRatio) (worstRatio, worstFile) = (ratio, file);
            worstAllocated = Math.Max(worstAllocated, allocated);
            if (verify > limit)
            {
                overTime++;
                Console.WriteLine($"SLOW {file}: verify {verify.TotalMilliseconds:0} ms CPU > 2 x hash {hash.TotalMilliseconds:0} ms + 1 s (wall: verify {verifyWall.TotalMilliseconds:0} ms, hash {hashWall.TotalMilliseconds:0} ms)");
            }
            if (allocated >= 256L << 20)
            {
                overMemory++;
                Console.WriteLine($"MEMORY {file}: allocated {allocated >> 20} MiB");
            }
        }
        Console.WriteLine($"files={files.Length} escaped={escaped} over-time={overTime} over-memory={overMemory} worst-cpu-time-fraction-of-limit={worstRatio:0.00} ({Path.GetFileName(worstFile)}) max-allocated-MiB={worstAllocated >> 20} peak-working-set-MiB={Process.GetCurrentProcess().PeakWorkingSet64 >> 20}");
        return escaped + overTime + overMemory == 0 ? 0 : 1;
    }
}
