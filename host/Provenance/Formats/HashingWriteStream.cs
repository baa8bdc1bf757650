using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;

namespace Provenance.Formats;

/// <summary>
/// Implemented by a destination that hashes what is written to it. A handler that knows it is about to write bytes
/// the hard binding excludes (the manifest placeholder and its wrapping) says so first, so the data hash is computed
/// in the same pass that writes the file (DESIGN.md "Performance model": the output is written once, not re-read).
/// </summary>
public interface IHashExclusionSink
{
    /// <summary>The next <paramref name="length"/> bytes written are excluded from the data hash.</summary>
    void ExcludeNext(long length);
}

/// <summary>
/// Wraps the output of a signing pass: forwards every write, hashes the bytes outside announced exclusions, and
/// records where those exclusions fell. Any seek or read-back makes the running hash unusable (<see cref="IsSequential"/>
/// false); the caller then hashes the finished file instead, so a handler that does not announce stays correct.
/// </summary>
public sealed class HashingWriteStream : Stream, IHashExclusionSink
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash;
    private readonly List<HashRange> _exclusions = [];
    private readonly long _origin;
    private long _excludeRemaining;
    private long _position;

    public HashingWriteStream(Stream inner, HashAlgorithmName algorithm)
    {
        _inner = inner;
        _hash = IncrementalHash.CreateHash(algorithm);
        _origin = inner.Position;
    }

    /// <summary>False once anything but sequential writing happened.</summary>
    public bool IsSequential { get; private set; } = true;

    /// <summary>The excluded ranges as written, relative to where the stream started.</summary>
    public IReadOnlyList<HashRange> Exclusions => _exclusions;

    public void ExcludeNext(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_excludeRemaining > 0) IsSequential = false; // overlapping announcements: not a layout we can trust
        if (length == 0) return;
        _exclusions.Add(new HashRange(_position, length));
        _excludeRemaining = length;
    }

    /// <summary>The data hash of everything written outside the exclusions.</summary>
    public byte[] GetHash() => _hash.GetHashAndReset();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        int skip = (int)Math.Min(_excludeRemaining, buffer.Length);
        _excludeRemaining -= skip;
        if (skip < buffer.Length) _hash.AppendData(buffer[skip..]);
        _position += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override bool CanRead => _inner.CanRead;
    public override bool CanSeek => _inner.CanSeek;
    public override bool CanWrite => true;
    public override long Length => _inner.Length - _origin;

    public override long Position
    {
        get => _position;
        set
        {
            if (value != _position) IsSequential = false;
            _inner.Position = _origin + value;
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        IsSequential = false;
        int read = _inner.Read(buffer, offset, count);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        Position = target;
        return target;
    }

    public override void SetLength(long value)
    {
        IsSequential = false;
        _inner.SetLength(_origin + value);
    }

    public override void Flush() => _inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
