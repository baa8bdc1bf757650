using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Cli.Tests.Emulator;

/// <summary>
/// A TCP hop between `prov` and the emulator that passes every frame through unchanged except SIGN replies, whose
/// signature gets one bit flipped (CRC recomputed, so only the signature check can notice): a token that signs
/// something else, seen from the host.
/// </summary>
public sealed class CorruptingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _target;
    private volatile bool _stopped;

    public CorruptingProxy(string emulatorAddress)
    {
        _target = emulatorAddress;
        _listener.Start();
        Address = "tcp://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;
        new Thread(Accept) { IsBackground = true, Name = "corrupting proxy" }.Start();
    }

    /// <summary>The address to give `prov --device`.</summary>
    public string Address { get; }

    /// <summary>SIGN replies changed so far.</summary>
    public int Corrupted;

    public void Dispose()
    {
        _stopped = true;
        _listener.Stop();
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
            new Thread(() => Pump(host, token, corrupt: false)) { IsBackground = true }.Start();
            new Thread(() => Pump(token, host, corrupt: true)) { IsBackground = true }.Start();
        }
    }

    private void Pump(TcpClient from, TcpClient to, bool corrupt)
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
                if (!corrupt)
                {
                    output.Write(buffer, 0, count);
                    continue;
                }
                for (int i = 0; i < count; i++)
                {
                    if (decoder.Push(buffer[i]) != FrameDecoder.FrameReady) continue;
                    Frame frame = decoder.LastFrame;
                    if (frame.Type == (MessageType.Sign | MessageType.ReplyBit) && frame.Payload.Length > 0)
                    {
                        frame.Payload[5] ^= 0x01;
                        Interlocked.Increment(ref Corrupted);
                    }
                    byte[] wire = frame.Encode();
                    output.Write(wire, 0, wire.Length);
                }
            }
        }
        catch (Exception e) when (e is System.IO.IOException or SocketException or ObjectDisposedException)
        {
            // Either side went away.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
