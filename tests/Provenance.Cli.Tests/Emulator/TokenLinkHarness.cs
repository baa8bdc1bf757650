using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// An emulator process (its button pressed by Enter on its console, or by itself with --auto-press) that a test can
/// stop and start again on the same TCP port and state folder, like a token unplugged and plugged back in.
/// </summary>
public sealed class EmulatorProcess : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _home;
    private readonly bool _autoPress;
    private ChildProcess? _child;

    public EmulatorProcess(string home, bool autoPress, int port = 0)
    {
        _home = home;
        _autoPress = autoPress;
        Port = port == 0 ? FreePort() : port;
        State = Path.Combine(home, "emulator-state");
    }

    public int Port { get; }

    public string State { get; }

    public string Address => "tcp://127.0.0.1:" + Port;

    /// <summary>Starts the emulator (again) on <see cref="Port"/> with <see cref="State"/>; returns once it listens.</summary>
    public async Task StartAsync()
    {
        var args = new List<string> { "emulator", "--state", State, "--tcp", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (_autoPress) args.Add("--auto-press");
        _child = ChildProcess.StartProv(_home, [.. args]);
        await _child.WaitForLineAsync(l => l.StartsWith("tcp ", StringComparison.Ordinal), Generous, "its tcp endpoint");
    }

    /// <summary>Presses the token's button (Enter on the emulator's console).</summary>
    public void Press() => _child!.WriteLine("");

    /// <summary>The token disappears at once (process killed: the USB cable pulled).</summary>
    public void Unplug()
    {
        _child?.Dispose();
        _child = null;
    }

    public void Dispose() => Unplug();

    /// <summary>
    /// Presses the button each time <paramref name="prov"/> prints its press prompt, until it exits; returns the
    /// number of presses it needed.
    /// </summary>
    public async Task<int> PressWheneverAskedAsync(ChildProcess prov, Task<int> exited)
    {
        int pressed = 0;
        while (!exited.IsCompleted)
        {
            int asked = prov.Stderr.Split('\n').Count(l => l == "press the button on the token");
            for (; pressed < asked; pressed++) Press();
            await Task.WhenAny(exited, Task.Delay(50));
        }
        return pressed;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
