using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Provenance.Fuzz;

/// <summary>
/// The fallback when AFL++ cannot run: a coverage-less, in-process mutational loop over a corpus (bit flips, byte
/// sets, interesting integers, inserts, deletes, splices). It finds what random damage finds, not what coverage
/// guidance finds; its counts are labelled "in-process mutation" wherever they are recorded.
/// </summary>
public static class MutationLoop
{
    private static readonly int[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, int.MaxValue, -1, int.MinValue];

    public static int Run(FuzzTargets targets, string target, int seconds, string[] corpus)
    {
        var inputs = corpus.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]).Select(File.ReadAllBytes).Where(b => b.Length > 0).ToList();
        if (inputs.Count == 0) inputs.Add([0]);
        var random = new Random(Environment.TickCount);
        var clock = Stopwatch.StartNew();
        long executions = 0, findings = 0;
        string findingsFolder = Environment.GetEnvironmentVariable("PROV_FUZZ_FINDINGS") ?? Path.Combine(Path.GetTempPath(), "prov-fuzz-findings");
        var seen = new HashSet<string>();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            byte[] input = Mutate(inputs[random.Next(inputs.Count)], inputs, random);
            try
            {
                targets.Run(target, input);
            }
            catch (Exception e)
            {
                findings++;
                string key = e.GetType().FullName + "|" + e.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
                if (seen.Add(key))
                {
                    Directory.CreateDirectory(findingsFolder);
                    string file = Path.Combine(findingsFolder, $"{target}-{seen.Count:D3}");
                    File.WriteAllBytes(file, input);
                    Console.WriteLine($"finding {file}: {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
                }
            }
            executions++;
        }
        Console.WriteLine($"target={target} mode=in-process-mutation executions={executions} seconds={clock.Elapsed.TotalSeconds:0} findings={findings} unique={seen.Count}");
        return seen.Count == 0 ? 0 : 1;
    }

    private static byte[] Mutate(byte[] seed, List<byte[]> inputs, Random random)
    {
        var bytes = new List<byte>(seed);
        int rounds = 1 + random.Next(8);
        for (int r = 0; r < rounds; r++)
        {
            if (bytes.Count == 0) bytes.Add((byte)random.Next(256));
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2:
                    {
                        int value = Interesting[random.Next(Interesting.Length)];
                        for (int i = 0; i < 4 && at + i < bytes.Count; i++) bytes[at + i] = (byte)(value >> (8 * (3 - i)));
                        break;
                    }
                case 3: bytes.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), 1 + random.Next(16))); break;
                case 4: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(64))); break;
                case 5:
                    {
                        byte[] other = inputs[random.Next(inputs.Count)];
                        int from = random.Next(other.Length);
                        bytes.InsertRange(at, other.Skip(from).Take(1 + random.Next(256)));
                        break;
                    }
                default:
                    if (bytes.Count > 1) bytes.RemoveRange(random.Next(bytes.Count / 2, bytes.Count), 1); break;
            }
        }
        return [.. bytes];
    }
}
