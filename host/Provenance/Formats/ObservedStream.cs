using System;
using System.IO;

namespace Provenance.Formats;

/// <summary>A read-only view of a stream that shows every read's bytes to an observer (the strip sampler).</summary>
internal sealed class ObservedStream(Stream inner, ReadObserver observe) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long position = inner.Position;
        int n = inner.Read(buffer);
        if (n > 0) observe(position, buffer[..n]);
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Sees the bytes a read at <paramref name="position"/> returned.</summary>
internal delegate void ReadObserver(long position, ReadOnlySpan<byte> data);
