using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>What the emulator runs on and how it behaves.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Folder holding the token's records and serial number (created when missing).</summary>
    public required string StateFolder { get; init; }

    /// <summary>Press the button automatically whenever the token waits for it.</summary>
    public bool AutoPress { get; init; }

    /// <summary>Run the token on the ATECC608B model (its state in the state folder) instead of the software key.</summary>
    public bool SecureElement { get; init; }

    /// <summary>Print every LED change and connection to <see cref="Log"/>.</summary>
    public bool Verbose { get; init; }

    /// <summary>Where the LED and connections are reported (stderr in <c>prov emulator</c>).</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;
}

/// <summary>
/// Runs one <see cref="TokenCore"/> and serves it the way a board's UART would be reached: on a pseudo-terminal
/// (/dev/pts/N, opened like /dev/ttyUSB0) and/or on TCP 127.0.0.1. Each TCP connection, and the pseudo-terminal, is
/// its own <see cref="TokenLink"/>: its own frame decoder, message assembler and host session, so frames of two
/// connections never mix and one connection's PIN or signing session never serves another. Connections are served
/// in turn, one received chunk at a time under one lock, as one UART would serialise them; while the token waits
/// for its button on one connection, the others wait.
/// </summary>
public sealed class EmulatorHost : IDisposable
{
    private const int PollMs = 200;
    private readonly object _coreLock = new();
    private readonly TokenCore _core;
    private readonly EmulatorOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];
    private readonly List<TcpClient> _clients = [];
    private PseudoTerminal? _pty;
    private TcpListener? _listener;
    private bool _disposed;

    /// <summary>Creates the token from the state folder (its key, counter and log survive restarts).</summary>
    public EmulatorHost(EmulatorOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        Button = new SimulatedButton(options.AutoPress);
        Led = new ConsoleLed(options.Log, options.Verbose, announcePressPrompt: !options.AutoPress);
        Hardware = options.SecureElement
            ? EmulatedToken.CreateSecureElementHardware(options.StateFolder, Button, Led, EmulatedToken.EmulatorBoard)
            : EmulatedToken.CreateHardware(options.StateFolder, Button, Led, EmulatedToken.EmulatorBoard);
        _core = new TokenCore(Hardware);
    }

    /// <summary>The token's hardware (serial number, key slot, storage).</summary>
    public TokenHardware Hardware { get; }

    /// <summary>The token's button: <see cref="SimulatedButton.Press"/> presses it.</summary>
    public SimulatedButton Button { get; }

    /// <summary>The token's status light.</summary>
    public ConsoleLed Led { get; }

    /// <summary>The token's serial number.</summary>
    public string Serial => Hardware.Serial;

    /// <summary>The pseudo-terminal path once <see cref="StartPty"/> ran.</summary>
    public string? PtyPath => _pty?.SlavePath;

    /// <summary>The TCP address ("tcp://127.0.0.1:N") once <see cref="StartTcp"/> ran.</summary>
    public string? TcpAddress { get; private set; }

    /// <summary>Opens a pseudo-terminal and serves the token on it; returns the path a client opens.</summary>
    public string StartPty()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pty is not null) throw new InvalidOperationException("the pseudo-terminal is already open");
        _pty = PseudoTerminal.Open();
        StartThread(ServePty, "emulator pty");
        return _pty.SlavePath;
    }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 chooses a free port); returns "tcp://127.0.0.1:N".</summary>
    public string StartTcp(int port)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_listener is not null) throw new InvalidOperationException("already listening");
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        int actual = ((IPEndPoint)_listener.LocalEndpoint).Port;
        TcpAddress = "tcp://127.0.0.1:" + actual;
        StartThread(AcceptClients, "emulator tcp accept");
        return TcpAddress;
    }

    /// <summary>Stops serving: closes the pseudo-terminal, the listener and every connection.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _listener?.Stop();
        lock (_clients)
        {
            foreach (TcpClient client in _clients) client.Dispose();
        }
        foreach (Thread thread in _threads) thread.Join(TimeSpan.FromSeconds(2));
        _pty?.Dispose();
        _stop.Dispose();
    }

    private void StartThread(ThreadStart body, string name)
    {
        var thread = new Thread(body) { IsBackground = true, Name = name };
        _threads.Add(thread);
        thread.Start();
    }

    private void ServePty()
    {
        PseudoTerminal pty = _pty!;
        var sink = new PtySink(pty);
        var link = new TokenLink();
        var buffer = new byte[256];
        while (!_stop.IsCancellationRequested)
        {
            int count;
            try
            {
                count = pty.Read(buffer, PollMs);
            }
            catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or ObjectDisposedException)
            {
                if (!_stop.IsCancellationRequested) _options.Log.WriteLine("emulator: pseudo-terminal failed: " + e.Message);
                return;
            }
            if (count == 0) continue;
            lock (_coreLock)
            {
                _core.Receive(link, buffer, 0, count, sink);
            }
        }
    }

    private void AcceptClients()
    {
        TcpListener listener = _listener!;
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            client.NoDelay = true;
            lock (_clients)
            {
                _clients.Add(client);
            }
            var thread = new Thread(() => ServeTcpClient(client)) { IsBackground = true, Name = "emulator tcp client" };
            thread.Start();
        }
    }

    private void ServeTcpClient(TcpClient client)
    {
        string peer = client.Client.RemoteEndPoint?.ToString() ?? "?";
        if (_options.Verbose) _options.Log.WriteLine("emulator: connection from " + peer);
        var link = new TokenLink();
        try
        {
            using NetworkStream stream = client.GetStream();
            var sink = new StreamSink(stream);
            var buffer = new byte[256];
            while (!_stop.IsCancellationRequested)
            {
                int count = stream.Read(buffer, 0, buffer.Length);
                if (count == 0) break;
                lock (_coreLock)
                {
                    _core.Receive(link, buffer, 0, count, sink);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away mid-exchange; the core is told below, like a board seeing its port close.
        }
        finally
        {
            lock (_coreLock)
            {
                _core.EndConnection(link);
            }
            lock (_clients)
            {
                _clients.Remove(client);
            }
            client.Dispose();
            if (_options.Verbose) _options.Log.WriteLine("emulator: " + peer + " disconnected");
        }
    }

    private sealed class PtySink(PseudoTerminal pty) : IFrameSink
    {
        public void Send(byte[] wireBytes) => pty.Write(wireBytes, 0, wireBytes.Length);
    }

    private sealed class StreamSink(Stream stream) : IFrameSink
    {
        public void Send(byte[] wireBytes)
        {
            stream.Write(wireBytes, 0, wireBytes.Length);
            stream.Flush();
        }
    }
}
