using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>What goes wrong on the line, once, at the first SIGN that passes through.</summary>
public enum LinkFault
{
    /// <summary>The token signs, and the line dies before its reply gets out (USB unplugged, power cut after the log write).</summary>
    CutSignReply,

    /// <summary>Garbage, then the SIGN reply with a damaged CRC (noise on the UART).</summary>
    GarbleSignReply,

    /// <summary>The SIGN reply comes 8 s late (a token that answers too slowly).</summary>
    SlowSignReply,

    /// <summary>The SIGN request's first frame reaches the token with a damaged CRC: the token asks for it again.</summary>
    BadCrcOnSignRequest,
}

/// <summary>
/// A TCP hop between `prov` and the emulator that injects one <see cref="LinkFault"/> at the first SIGN and passes
/// everything else through. In every mode but <see cref="LinkFault.BadCrcOnSignRequest"/> it also drops the token's
/// WAITING_FOR_PRESS frames, so the host keeps its 5 s reply timeout instead of the press timeout.
/// </summary>
public sealed class FaultyLinkProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _target;
    private readonly LinkFault _fault;
    private readonly List<TcpClient> _open = [];
    private int _fired;
    private volatile bool _stopped;

    public FaultyLinkProxy(string emulatorAddress, LinkFault fault)
    {
        _target = emulatorAddress;
        _fault = fault;
        _listener.Start();
        Address = "tcp://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;
        new Thread(Accept) { IsBackground = true, Name = "faulty link proxy" }.Start();
    }

    /// <summary>The address to give `prov --device`.</summary>
    public string Address { get; }

    /// <summary>True once the fault was injected.</summary>
    public bool Fired => Volatile.Read(ref _fired) == 1;

    public void Dispose()
    {
        _stopped = true;
        _listener.Stop();
        lock (_open)
        {
            foreach (TcpClient client in _open) client.Dispose();
        }
    }

    private void Accept()
    {
        while (!_stopped)
        {
            TcpClient host;
            try
            {
                host = _listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var uri = new Uri(_target);
            var token = new TcpClient(uri.Host, uri.Port) { NoDelay = true };
            host.NoDelay = true;
            lock (_open)
            {
                _open.Add(host);
                _open.Add(token);
            }
            new Thread(() => Pump(host, token, towardsToken: true)) { IsBackground = true }.Start();
            new Thread(() => Pump(token, host, towardsToken: false)) { IsBackground = true }.Start();
        }
    }

    private bool Fire() => Interlocked.CompareExchange(ref _fired, 1, 0) == 0;

    private void Pump(TcpClient from, TcpClient to, bool towardsToken)
    {
        var decoder = new FrameDecoder();
        var buffer = new byte[512];
        try
        {
            NetworkStream input = from.GetStream();
            NetworkStream output = to.GetStream();
            while (true)
            {
                int count = input.Read(buffer, 0, buffer.Length);
                if (count == 0) break;
                for (int i = 0; i < count; i++)
                {
                    int result = decoder.Push(buffer[i]);
                    if (result == FrameDecoder.NeedMore) continue;
                    if (result == FrameDecoder.FrameRejected)
                    {
                        // Pass damage through as damage.
                        output.Write([0x13, 0x37, 0x00]);
                        continue;
                    }
                    Frame frame = decoder.LastFrame;
                    byte[] wire = frame.Encode();
                    if (!Forward(frame, wire, output, towardsToken))
                    {
                        from.Dispose();
                        to.Dispose();
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Either side went away.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <summary>Writes (or damages, delays, drops) one frame; false to cut the line.</summary>
    private bool Forward(Frame frame, byte[] wire, Stream output, bool towardsToken)
    {
        const byte signReply = MessageType.Sign | MessageType.ReplyBit;
        if (towardsToken)
        {
            if (_fault == LinkFault.BadCrcOnSignRequest && frame.Type == MessageType.Sign && Fire())
            {
                output.Write(Damaged(wire));
                return true;
            }
            output.Write(wire);
            return true;
        }
        if (_fault != LinkFault.BadCrcOnSignRequest && frame.Type == MessageType.WaitingForPress) return true;
        if (frame.Type == signReply && _fault != LinkFault.BadCrcOnSignRequest && Fire())
        {
            switch (_fault)
            {
                case LinkFault.CutSignReply:
                    return false;
                case LinkFault.GarbleSignReply:
                    output.Write([0x55, 0xAA, 0x42, 0x00, 0x07, 0x99]);
                    output.Write(Damaged(wire));
                    return true;
                case LinkFault.SlowSignReply:
                    Thread.Sleep(TimeSpan.FromSeconds(8));
                    output.Write(wire);
                    return true;
            }
        }
        output.Write(wire);
        return true;
    }

    /// <summary>The frame with one bit of its middle flipped (never into a 0x00, which would split it).</summary>
    private static byte[] Damaged(byte[] wire)
    {
        byte[] copy = (byte[])wire.Clone();
        for (int at = copy.Length / 2; at < copy.Length - 1; at++)
        {
            if ((copy[at] ^ 0x04) != 0)
            {
                copy[at] ^= 0x04;
                break;
            }
        }
        return copy;
    }
}
