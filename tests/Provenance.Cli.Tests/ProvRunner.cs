using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests;

/// <summary>Runs the built `prov` as a separate process, the way a user does, with its own PROV_HOME.</summary>
public sealed class ProvRunner
{
    public ProvRunner(string home)
    {
        Home = home;
        Directory.CreateDirectory(home);
    }

    public string Home { get; }

    public static ProvRunner WithTempHome() => new(Path.Combine(Path.GetTempPath(), "prov-test-" + Guid.NewGuid().ToString("N")));

    public Task<ProvResult> RunAsync(params string[] args) => RunAsync(args, null, TimeSpan.FromSeconds(90));

    public async Task<ProvResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        using ChildProcess child = ChildProcess.StartProv(Home, environment, args);
        child.CloseInput();
        int exitCode = await child.WaitForExitAsync(timeout);
        return new ProvResult(exitCode, child.Stdout, child.Stderr);
    }
}

public sealed record ProvResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
