using System;
using System.Diagnostics;

namespace Provenance.Cli.Tests;

/// <summary>A fact about Unix file kinds and modes (FIFOs, chmod); skipped on Windows, which has neither.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file kinds and modes";
    }
}

/// <summary>Small Unix helpers for tests.</summary>
public static class UnixTools
{
    /// <summary>Makes a named pipe with mkfifo(1); nothing ever writes to it, so opening it for reading would block.</summary>
    public static void MakeFifo(string path) => Run("mkfifo", path);

    /// <summary>The PID of a process that has exited (and so no longer runs).</summary>
    public static int DeadPid()
    {
        using Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    public static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException(tool + " failed: " + error);
    }
}
