using System.Collections.Generic;
using System.Linq;
using System.Reflection.Emit;
using System.Reflection.Metadata;

namespace Token.Core.Tests.Esp32;

/// <summary>
/// The firmware as compiled for nanoFramework (the app with the linked core, and the core alone) holds nothing the
/// nanoFramework 1.x MetadataProcessor or runtime cannot take (see <see cref="NanoFrameworkMetadataChecker"/>); and the
/// checker is shown to find each such construct in a small program that contains it.
/// </summary>
public class NanoFrameworkMetadataTests
{
    [RequiresNanoFrameworkFact]
    public void TheAppHasNothingNanoFrameworkCannotRun()
    {
        CompileResult app = NanoFrameworkBuild.App();
        Assert.True(app.Succeeded, "the app does not compile for nanoFramework: " + app.Describe());

        List<NanoFrameworkFinding> findings = NanoFrameworkMetadataChecker.Check(app.AssemblyPath);

        Assert.True(findings.Count == 0, Report("ProvenanceDevice.Token.Esp32", findings));
    }

    [RequiresNanoFrameworkFact]
    public void TheCoreCompiledForNanoFrameworkHasNothingItCannotRun()
    {
        CompileResult core = NanoFrameworkBuild.Core();
        Assert.True(core.Succeeded, "the core does not compile for nanoFramework: " + core.Describe());

        List<NanoFrameworkFinding> findings = NanoFrameworkMetadataChecker.Check(core.AssemblyPath);

        Assert.True(findings.Count == 0, Report("ProvenanceDevice.Token.Core (nanoFramework build)", findings));
    }

    [RequiresNanoFrameworkFact]
    public void TheCheckerDecodesTheWholeAppWithoutFalseAlarms()
    {
        // Guards the test above against passing because the checker saw nothing: the app's IL is decoded to the last
        // byte of every body, and the opcodes the firmware really uses are among those seen.
        CompileResult app = NanoFrameworkBuild.App();
        Assert.True(app.Succeeded, app.Describe());
        var seen = new HashSet<string>();
        using (var stream = System.IO.File.OpenRead(app.AssemblyPath))
        using (var pe = new System.Reflection.PortableExecutable.PEReader(stream))
        {
            MetadataReader reader = pe.GetMetadataReader();
            foreach (MethodDefinitionHandle handle in reader.MethodDefinitions)
            {
                int rva = reader.GetMethodDefinition(handle).RelativeVirtualAddress;
                if (rva == 0) continue;
                foreach (var (_, opcode) in NanoFrameworkMetadataChecker.Instructions(pe.GetMethodBody(rva).GetILBytes()!)) seen.Add(opcode.Name!);
            }
        }

        Assert.Subset(seen, new HashSet<string> { "call", "callvirt", "newobj", "ldstr", "switch", "leave.s", "ldelem.u1", "stelem.i1", "shr.un", "conv.u1" });
    }

    public static TheoryData<string, string, string> CompilableOffenders() => new()
    {
        {
            nameof(NanoFrameworkConstruct.GenericInstantiation), "UsesGenericDelegate",
            "public static class UsesGenericDelegate { public static int Run() { int total = 0; System.Action<int> add = x => { total += x; }; add(2); return total; } }"
        },
        {
            nameof(NanoFrameworkConstruct.GenericMethod), "UsesGenericMethod",
            "public static class UsesGenericMethod { private static T First<T>(T[] items) { return items[0]; } public static int Run() { return First(new int[] { 7 }); } }"
        },
        {
            nameof(NanoFrameworkConstruct.GenericType), "UsesGenericType",
            "public sealed class Box<T> { public T Value; } public static class UsesGenericType { public static object Run() { return new object(); } }"
        },
        {
            nameof(NanoFrameworkConstruct.MultidimensionalArray), "UsesGrid",
            "public static class UsesGrid { public static int Run() { int[,] grid = new int[2, 3]; grid[1, 2] = 5; return grid[1, 2]; } }"
        },
        {
            nameof(NanoFrameworkConstruct.ExceptionFilter), "UsesFilter",
            "public static class UsesFilter { public static int Run(int[] a) { try { return a[3]; } catch (System.Exception e) when (e.Message.Length > 0) { return -1; } } }"
        },
        {
            // The checked multiply comes after a switch table, an 8-byte constant and a string token: an IL walk that
            // got an operand size wrong would lose step before it and miss it.
            nameof(NanoFrameworkConstruct.OverflowCheckedOpcode), "UsesCheckedMultiply",
            "public static class UsesCheckedMultiply { public static long Run(int k, long a) { long b; switch (k) { case 0: b = 3; break; case 1: b = 5; break; case 2: b = 9; break; default: b = 0x0102030405060708L; break; } string s = \"x\"; return checked(a * b) + s.Length; } }"
        },
        {
            nameof(NanoFrameworkConstruct.OverflowCheckedOpcode), "UsesCheckedConversion",
            "public static class UsesCheckedConversion { public static byte Run(int value) { return checked((byte)value); } }"
        },
    };

    [RequiresNanoFrameworkTheory]
    [MemberData(nameof(CompilableOffenders))]
    public void CheckerFindsWhatTheNanoFrameworkCompileLetsThrough(string construct, string name, string source)
    {
        CompileResult compiled = NanoFrameworkBuild.CompileSnippet(name, new Dictionary<string, string> { [name + ".cs"] = "namespace Snippet { " + source + " }" });
        Assert.True(compiled.Succeeded, "compile-nfproj should accept this (only the metadata check can catch it): " + compiled.Describe());

        List<NanoFrameworkFinding> findings = NanoFrameworkMetadataChecker.Check(compiled.AssemblyPath);

        Assert.True(findings.Any(f => f.Construct.ToString() == construct && f.Where.Contains("Snippet.", System.StringComparison.Ordinal)),
            $"expected {construct} in {name}; the checker reported:\n" + Report(name, findings));
    }

    public static TheoryData<string, string, string, string, string> RefusedOffenders() => new()
    {
        {
            nameof(NanoFrameworkConstruct.UnsafeCode), "UsesPointer", "CS0227", "-unsafe",
            "public static unsafe class UsesPointer { public static int Run(int* p) { return *p; } }"
        },
        {
            nameof(NanoFrameworkConstruct.UnsafeCode), "UsesFixed", "CS0227", "-unsafe",
            "public static unsafe class UsesFixed { public static int Run(byte[] data) { fixed (byte* p = data) { return p[0]; } } }"
        },
        {
            nameof(NanoFrameworkConstruct.Localloc), "UsesStackalloc", "CS0227", "-unsafe",
            "public static unsafe class UsesStackalloc { public static int Run(int n) { int* buffer = stackalloc int[n]; buffer[0] = n; return buffer[0]; } }"
        },
        {
            nameof(NanoFrameworkConstruct.StaticAbstractInterfaceMember), "UsesStaticAbstract", "CS8919", "-langversion:latest",
            "public interface IZero { static abstract int Zero(); } public sealed class Counter : IZero { public static int Zero() { return 0; } }"
        },
    };

    [RequiresNanoFrameworkTheory]
    [MemberData(nameof(RefusedOffenders))]
    public void CheckerFindsWhatTheNanoFrameworkCompileRefuses(string construct, string name, string nanoError, string cscOption, string source)
    {
        string code = "namespace Snippet { " + source + " }";

        // First line of defence: compile-nfproj (C# 9, no /unsafe, nanoFramework's mscorlib) refuses it outright
        // (CS0227: unsafe code needs /unsafe; CS8919: the runtime lacks static abstract interface members).
        CompileResult nano = NanoFrameworkBuild.CompileSnippet(name, new Dictionary<string, string> { [name + ".cs"] = code });
        Assert.True(nano.ExitCode != 0 && nano.Output.Contains("error " + nanoError, System.StringComparison.Ordinal),
            "compile-nfproj was expected to refuse this with " + nanoError + ": " + nano.Describe());

        // Second line: a project that turned on AllowUnsafeBlocks or a newer LangVersion still trips the metadata check.
        CompileResult csc = NanoFrameworkBuild.CompileWithCsc(name, code, cscOption);
        Assert.True(csc.Succeeded, "csc " + cscOption + " should compile this: " + csc.Describe());
        List<NanoFrameworkFinding> findings = NanoFrameworkMetadataChecker.Check(csc.AssemblyPath);

        Assert.True(findings.Any(f => f.Construct.ToString() == construct),
            $"expected {construct} in {name}; the checker reported:\n" + Report(name, findings));
    }

    [RequiresNanoFrameworkFact]
    public void CleanCodeIsNotFlagged()
    {
        // Everything here is in the 1.x subset the core uses: arrays, structs, interfaces, try/catch/finally, lock,
        // string switch, non-generic delegates and closures, unchecked arithmetic and casts.
        const string Source = @"namespace Snippet {
            public interface IShape { int Area(); }
            public struct Square : IShape { public int Side; public int Area() { return Side * Side; } }
            public delegate int Step(int x);
            public static class Clean {
                private static readonly object Gate = new object();
                private static readonly byte[] Table = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
                public static int Run(string word, int[] values, long big) {
                    int total = 0;
                    Step twice = x => x * 2 + total;
                    lock (Gate) {
                        try { for (int i = 0; i < values.Length; i++) total += twice(values[i]); }
                        catch (System.IndexOutOfRangeException) { total = -1; }
                        finally { total ^= Table[3]; }
                    }
                    switch (word) { case ""alpha"": total++; break; case ""beta"": total--; break; case ""gamma"": total += 3; break;
                        case ""delta"": total += 4; break; case ""epsilon"": total += 5; break; case ""zeta"": total += 6; break; case ""eta"": total += 7; break; }
                    IShape s = new Square { Side = 3 };
                    return unchecked((int)(big >> 3) + (byte)total + s.Area());
                }
            }
        }";
        CompileResult compiled = NanoFrameworkBuild.CompileSnippet("Clean", new Dictionary<string, string> { ["Clean.cs"] = Source });
        Assert.True(compiled.Succeeded, compiled.Describe());

        List<NanoFrameworkFinding> findings = NanoFrameworkMetadataChecker.Check(compiled.AssemblyPath);

        Assert.True(findings.Count == 0, Report("Clean", findings));
    }

    [Fact]
    public void IlWalkSkipsOperandsByTheirSize()
    {
        // ldc.i8 0xD6D6D6D6D6D6D6D6 (whose operand bytes are all add.ovf), ldc.i4.s 0xD8 (mul.ovf), switch with one
        // target 0xDADADADA (sub.ovf), then a real add.ovf, ret: only the last but one is an opcode.
        byte[] il =
        {
            0x21, 0xD6, 0xD6, 0xD6, 0xD6, 0xD6, 0xD6, 0xD6, 0xD6,
            0x1F, 0xD8,
            0x45, 0x01, 0x00, 0x00, 0x00, 0xDA, 0xDA, 0xDA, 0xDA,
            0xD6,
            0x2A,
        };
        List<(int Offset, OpCode OpCode)> instructions = NanoFrameworkMetadataChecker.Instructions(il);

        Assert.Equal(new[] { "ldc.i8", "ldc.i4.s", "switch", "add.ovf", "ret" }, instructions.Select(i => i.OpCode.Name).ToArray());
        Assert.Equal(new[] { 0, 9, 11, 20, 21 }, instructions.Select(i => i.Offset).ToArray());
    }

    private static string Report(string assembly, List<NanoFrameworkFinding> findings) =>
        assembly + " holds " + findings.Count + " construct(s) nanoFramework 1.x cannot take:\n  " + string.Join("\n  ", findings);
}
