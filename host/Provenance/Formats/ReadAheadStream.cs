using System;
using System.IO;

namespace Provenance.Formats;

/// <summary>
/// A read buffer that reads ahead only while reading is sequential. The handlers walk a file's structure by jumping
/// from header to header (PNG chunks, TIFF IFDs, WebP chunks); through an ordinary 64 KiB buffer each jump reads a
/// whole buffer, so a walk over a PNG of 8 KiB IDAT chunks reads the entire file. Here a read after a jump fetches
/// what was asked (at least <see cref="MinReadAhead"/> bytes), and the read-ahead doubles while reads follow on, up to
/// the buffer size; reads as large as the buffer go straight through.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    /// <summary>Read-ahead after a jump: a PNG or WebP chunk header and a little more.</summary>
    public const int MinReadAhead = 16;

    private readonly Stream _inner;
    private readonly byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _position;
    private long _lastReadEnd = -1;
    private int _readAhead = MinReadAhead;

    public ReadAheadStream(Stream inner, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, MinReadAhead);
        _inner = inner;
        _buffer = new byte[bufferSize];
        _position = inner.Position;
    }

    public override bool CanRead => true;
    public override bool CanSeek => _inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> as far as the stream goes: readers such as SkiaSharp's managed stream take
    /// a short read for the end of the file, so a read that ends at the edge of the read-ahead buffer continues.
    /// </summary>
    public override int Read(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = ReadOnce(destination[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private int ReadOnce(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        int copied = CopyFromBuffer(destination);
        if (copied > 0) return copied;

        bool sequential = _position == _lastReadEnd;
        _readAhead = sequential ? Math.Min(_buffer.Length, _readAhead * 2) : MinReadAhead;
        if (destination.Length >= _buffer.Length || destination.Length >= _readAhead)
        {
            // As much as (or more than) we would read ahead: straight into the caller's memory.
            _inner.Position = _position;
            int n = _inner.Read(destination);
            _position += n;
            _lastReadEnd = _position;
            _bufferLength = 0;
            return n;
        }

        _inner.Position = _position;
        _bufferStart = _position;
        _bufferLength = _inner.Read(_buffer, 0, _readAhead);
        _lastReadEnd = _bufferStart + _bufferLength;
        return CopyFromBuffer(destination);
    }

    private int CopyFromBuffer(Span<byte> destination)
    {
        long offset = _position - _bufferStart;
        if (_bufferLength == 0 || offset < 0 || offset >= _bufferLength) return 0;
        int n = (int)Math.Min(destination.Length, _bufferLength - offset);
        _buffer.AsSpan((int)offset, n).CopyTo(destination);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
