using System;
using System.Collections.Concurrent;
using System.Threading;
using ProvenanceDevice.Token.Hal;

namespace Provenance.Device;

/// <summary>
/// A byte pipe to a token running in this process (the embedded software token, tests). The token side runs on its
/// own thread, as a board would, so a token that blocks waiting for its button or never answers behaves exactly as
/// it does on a wire.
/// </summary>
public sealed class InMemoryTransport : ITokenTransport
{
    private readonly BlockingCollection<byte[]> _toToken = new();
    private readonly BlockingCollection<byte[]> _toHost = new();
    private readonly Action<byte[], IFrameSink> _token;
    private readonly Thread _tokenThread;
    private byte[] _pending = [];
    private int _pendingOffset;

    /// <summary>
    /// Creates the pipe. <paramref name="token"/> is called on the token thread with each write from the host and a
    /// sink for the token's replies (e.g. <c>(bytes, sink) =&gt; core.Receive(bytes, 0, bytes.Length, sink)</c>).
    /// </summary>
    public InMemoryTransport(string endpoint, Action<byte[], IFrameSink> token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        Endpoint = endpoint;
        _token = token ?? throw new ArgumentNullException(nameof(token));
        _tokenThread = new Thread(RunToken) { IsBackground = true, Name = "in-memory token" };
        _tokenThread.Start();
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <inheritdoc/>
    public void Write(byte[] data, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (_toToken.IsAddingCompleted) throw new TokenUnavailableException("the " + Endpoint + " is closed");
        _toToken.Add(data.AsSpan(offset, count).ToArray());
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (_pendingOffset >= _pending.Length)
        {
            if (!_toHost.TryTake(out byte[]? next, Math.Max(0, timeoutMs))) return 0;
            _pending = next;
            _pendingOffset = 0;
        }
        int n = Math.Min(count, _pending.Length - _pendingOffset);
        Array.Copy(_pending, _pendingOffset, buffer, offset, n);
        _pendingOffset += n;
        return n;
    }

    /// <inheritdoc/>
    public void DiscardInput()
    {
        _pending = [];
        _pendingOffset = 0;
        while (_toHost.TryTake(out _))
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _toToken.CompleteAdding();
        // The token thread is a background thread: a token stuck waiting for a press must not keep the process alive.
        _tokenThread.Join(TimeSpan.FromSeconds(1));
    }

    private void RunToken()
    {
        var sink = new QueueSink(_toHost);
        foreach (byte[] bytes in _toToken.GetConsumingEnumerable())
        {
            _token(bytes, sink);
        }
    }

    private sealed class QueueSink(BlockingCollection<byte[]> queue) : IFrameSink
    {
        public void Send(byte[] wireBytes) => queue.Add((byte[])wireBytes.Clone());
    }
}
