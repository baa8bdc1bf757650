using System;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace Provenance.Fuzz;

/// <summary>
/// `Provenance.Fuzz TARGET` runs under afl-fuzz (SharpFuzz's out-of-process persistent loop, input on stdin/file);
/// `Provenance.Fuzz replay TARGET PATH...` runs saved inputs once each and prints any exception;
/// `Provenance.Fuzz loop TARGET SECONDS CORPUS...` is the coverage-less fallback: random byte mutations of the corpus
/// in-process (no instrumentation needed), for when AFL++ cannot run.
/// The fixtures folder comes from PROV_FUZZ_FIXTURES or is found above the working folder (…/shared/fixtures/c2pa).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Provenance.Fuzz TARGET | replay TARGET PATH... | loop TARGET SECONDS CORPUS... | seeds TARGET DIR | bounds PATH...");
            return 2;
        }
        if (args[0] == "bounds") return Bounds.Run(args[1..]);
        if (args[0] is not ("replay" or "loop" or "seeds"))
        {
            // Instrumented code must not run before SharpFuzz has set up the coverage map: the targets (which parse
            // the template and make the test PKI) are built inside the fuzz loop, on its first input.
            string target = args[0];
            FuzzTargets? lazy = null;
            Fuzzer.OutOfProcess.Run(stream =>
            {
                lazy ??= new FuzzTargets(FixturesFolder());
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                lazy.Run(target, buffer.ToArray());
            });
            return 0;
        }
        var targets = new FuzzTargets(FixturesFolder());
        switch (args[0])
        {
            case "replay":
                return Replay(targets, args[1], args[2..]);
            case "loop":
                return MutationLoop.Run(targets, args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3..]);
            case "seeds":
                Seeds.Write(targets, args[1], args[2]);
                return 0;
            default:
                return 2;
        }
    }

    private static int Replay(FuzzTargets targets, string target, string[] paths)
    {
        int failures = 0;
        foreach (string file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]))
        {
            try
            {
                targets.Run(target, File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"{file}: {e.GetType().FullName}: {e.Message}");
                Console.WriteLine(e.ToString());
            }
        }
        return failures == 0 ? 0 : 1;
    }

    public static string FixturesFolder()
    {
        string? set = Environment.GetEnvironmentVariable("PROV_FUZZ_FIXTURES");
        if (!string.IsNullOrEmpty(set)) return set;
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "c2pa");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException("shared/fixtures/c2pa was not found; set PROV_FUZZ_FIXTURES");
    }
}
