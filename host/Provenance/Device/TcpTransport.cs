using System;
using System.IO;
using System.Net.Sockets;

namespace Provenance.Device;

/// <summary>A token (the emulator) reached over TCP: "tcp://host:port".</summary>
public sealed class TcpTransport : ITokenTransport
{
    /// <summary>The URI scheme that selects this transport.</summary>
    public const string Scheme = "tcp";

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    /// <summary>Connects within <paramref name="connectTimeoutMs"/>; throws <see cref="TokenUnavailableException"/> when it cannot.</summary>
    public TcpTransport(string address, int connectTimeoutMs = 5000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        (string host, int port) = Parse(address);
        Endpoint = "tcp://" + host + ":" + port;
        _client = new TcpClient { NoDelay = true };
        try
        {
            if (!_client.ConnectAsync(host, port).Wait(connectTimeoutMs))
            {
                throw new TokenUnavailableException("no answer from the token at " + Endpoint + " within " + Seconds(connectTimeoutMs));
            }
        }
        catch (AggregateException e) when (e.InnerException is SocketException socket)
        {
            _client.Dispose();
            throw new TokenUnavailableException("cannot connect to the token at " + Endpoint + ": " + SerialTransport.OneLine(socket.Message), socket);
        }
        catch (TokenUnavailableException)
        {
            _client.Dispose();
            throw;
        }
        _stream = _client.GetStream();
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <summary>True when <paramref name="device"/> names a TCP endpoint.</summary>
    public static bool IsTcpAddress(string device) => device.StartsWith(Scheme + "://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits "tcp://host:port"; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static (string Host, int Port) Parse(string address)
    {
        if (!IsTcpAddress(address) || !Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("'" + address + "' is not a tcp://host:port address");
        }
        if (uri.IsDefaultPort || uri.Port <= 0) throw new FormatException("'" + address + "' has no port (tcp://host:port)");
        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query)) throw new FormatException("'" + address + "' has a path; expected tcp://host:port");
        return (uri.Host, uri.Port);
    }

    /// <inheritdoc/>
    public void Write(byte[] data, int offset, int count)
    {
        try
        {
            _stream.Write(data, offset, count);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            throw new TokenUnavailableException("lost the token at " + Endpoint + ": " + SerialTransport.OneLine(e.Message), e);
        }
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        int read;
        try
        {
            int microseconds = (int)Math.Min(int.MaxValue, Math.Max(0, timeoutMs) * 1000L);
            if (!_client.Client.Poll(microseconds, SelectMode.SelectRead))
            {
                return 0;
            }
            read = _stream.Read(buffer, offset, count);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            throw new TokenUnavailableException("lost the token at " + Endpoint + ": " + SerialTransport.OneLine(e.Message), e);
        }
        if (read == 0) throw new TokenUnavailableException("the token at " + Endpoint + " closed the connection");
        return read;
    }

    /// <inheritdoc/>
    public void DiscardInput()
    {
        var scratch = new byte[256];
        while (_client.Available > 0)
        {
            if (Read(scratch, 0, scratch.Length, 0) == 0) break;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream?.Dispose();
        _client.Dispose();
    }

    internal static string Seconds(int ms) => ms % 1000 == 0 ? (ms / 1000) + " s" : (ms / 1000.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
