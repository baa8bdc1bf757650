using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// The built `prov` run as a separate process (as a user runs it), with its own PROV_HOME, its output captured line
/// by line so a test can wait for a line instead of sleeping.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly object _gate = new();
    private readonly SemaphoreSlim _changed = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>prov.dll beside the test assembly (copied there by the project reference).</summary>
    public static string ProvDll => Path.Combine(AppContext.BaseDirectory, "prov.dll");

    /// <summary>
    /// A published `prov` executable to run instead of `dotnet prov.dll` (the native AOT binary, which `.ci/run`
    /// publishes and runs the end-to-end tests against), from the environment variable PROV_EXE; null when unset.
    /// </summary>
    public static string? ProvExe => Environment.GetEnvironmentVariable("PROV_EXE") is { Length: > 0 } exe ? Path.GetFullPath(exe) : null;

    /// <summary>Starts `dotnet prov.dll args` (or PROV_EXE) with stdin open for the test to write to.</summary>
    public static ChildProcess StartProv(string home, params string[] args) => StartProv(home, null, args);

    /// <summary>Starts `dotnet prov.dll args` (or PROV_EXE) with extra environment variables (e.g. PROV_PASSWORD).</summary>
    public static ChildProcess StartProv(string home, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        string? exe = ProvExe;
        var start = new ProcessStartInfo(exe ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (exe is null) start.ArgumentList.Add(ProvDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["PROV_HOME"] = home;
        start.Environment["PROV_NO_HARDWARE_PROBE"] = "1";
        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("PROV_DEVICE");
        // Each prov child keeps its signing record in its own PROV_HOME (Support/PrivateSigningRecord.cs sets one for
        // this process's in-process tests only).
        start.Environment.Remove("PROV_SIGNING_RECORD");
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Collect(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Collect(child._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs prov to the end with stdin closed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProvAsync(string home, params string[] args)
    {
        using ChildProcess child = StartProv(home, args);
        child.CloseInput();
        int exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (exit, child.Stdout, child.Stderr);
    }

    /// <summary>The process id (what another prov names when it waits for this one).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything printed on stdout so far.</summary>
    public string Stdout
    {
        get { lock (_gate) return string.Join('\n', _stdout); }
    }

    /// <summary>Everything printed on stderr so far.</summary>
    public string Stderr
    {
        get { lock (_gate) return string.Join('\n', _stderr); }
    }

    /// <summary>Waits for a stdout or stderr line matching <paramref name="match"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_gate)
            {
                string? found = _stdout.Find(l => match(l)) ?? _stderr.Find(l => match(l));
                if (found is not null) return found;
                if (_process.HasExited && _stdoutClosed && _stderrClosed)
                {
                    throw new InvalidOperationException("prov exited (" + _process.ExitCode + ") before printing " + what + "\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr);
                }
            }
            try
            {
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("prov did not print " + what + " within " + timeout + "\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr);
            }
        }
    }

    /// <summary>Types a line on the process's stdin (the emulator presses its button on Enter).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Closes stdin.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for exit and returns the exit code; kills the process and throws when it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException("prov did not exit within " + timeout + "\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr);
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (like pulling the plug).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private bool _stdoutClosed;
    private bool _stderrClosed;

    private void Collect(List<string> lines, string? line)
    {
        lock (_gate)
        {
            if (line is null)
            {
                if (ReferenceEquals(lines, _stdout)) _stdoutClosed = true;
                else _stderrClosed = true;
            }
            else
            {
                lines.Add(line);
            }
        }
        _changed.Release();
    }
}
