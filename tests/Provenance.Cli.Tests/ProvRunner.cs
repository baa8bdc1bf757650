using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

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

    /// <summary>prov.dll beside the test assembly (copied there by the project reference).</summary>
    public static string ProvDll => Path.Combine(AppContext.BaseDirectory, "prov.dll");

    public static ProvRunner WithTempHome() => new(Path.Combine(Path.GetTempPath(), "prov-test-" + Guid.NewGuid().ToString("N")));

    public Task<ProvResult> RunAsync(params string[] args) => RunAsync(args, null, TimeSpan.FromSeconds(90));

    public async Task<ProvResult> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ProvDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["PROV_HOME"] = Home;
        start.Environment["PROV_NO_HARDWARE_PROBE"] = "1";
        start.Environment["NO_COLOR"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(timeout)) != exited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"prov {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new ProvResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record ProvResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
