using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// JPEG: the manifest store travels in APP11 JPEG XT marker segments (ISO/IEC 19566-5 / C2PA 2.2 §A.3.1),
/// split at 64000 store bytes per segment; all of them sit together after the leading APP0/APP1 segments,
/// so one exclusion range covers them. XMP travels in an APP1 segment. Streams: only one segment is held in memory.
/// </summary>
public sealed class JpegHandler : IAssetHandler
{
    /// <summary>Store bytes per APP11 segment (as c2pa-rs: below the 65533-byte segment limit with headers).</summary>
    public const int MaxStoreBytesPerSegment = 64000;

    /// <summary>Largest store accepted when reading.</summary>
    public const int MaxStoreLength = 64 * 1024 * 1024;

    private const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, App0 = 0xE0, App1 = 0xE1, App11 = 0xEB;
    private static readonly byte[] BoxInstance = [0x02, 0x11];
    private static readonly byte[] XmpNamespace = Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0");

    public string FormatName => "jpeg";

    public string MediaType => "image/jpeg";

    public bool CanRead(ReadOnlySpan<byte> header) => header.Length >= 3 && header[0] == 0xFF && header[1] == Soi && header[2] == 0xFF;

    public byte[]? ReadManifestStore(Stream asset) => ReadStore(asset, toEndOfImage: true);

    /// <summary>The header segments only: <see cref="WriteWithPlaceholder"/> walks the rest to the end-of-image marker as it copies.</summary>
    public byte[]? ReadManifestStoreBeforeCopy(Stream asset) => ReadStore(asset, toEndOfImage: false);

    /// <summary>
    /// The header segments only; the walk from the entropy-coded data to the end-of-image marker is done by
    /// <paramref name="check"/> on the bytes the data hash reads (one read, issue 14).
    /// </summary>
    public byte[]? ReadManifestStoreForVerify(Stream asset, out AssetTailCheck? check)
    {
        byte[]? store = ReadStore(asset, toEndOfImage: false, out long entropyStart);
        check = new EndOfImageCheck(entropyStart);
        return store;
    }

    private byte[]? ReadStore(Stream asset, bool toEndOfImage) => ReadStore(asset, toEndOfImage, out _);

    private byte[]? ReadStore(Stream asset, bool toEndOfImage, out long entropyStart)
    {
        var reader = new SegmentReader(asset);
        using var store = new MemoryStream();
        byte[]? instance = null;
        uint sequence = 0;
        bool found = false;
        foreach (Segment segment in reader.HeaderSegments())
        {
            if (segment.Marker != App11) continue;
            if (IsStoreStart(segment.Payload))
            {
                if (found) throw new AssetFormatException(FormatName, segment.Offset, "a second C2PA manifest store starts here", multipleStores: true);
                found = true;
                instance = segment.Payload[2..4];
                sequence = 1;
                Append(store, segment.Payload.AsSpan(8), segment.Offset);
            }
            else if (instance != null && IsContinuation(segment.Payload, instance))
            {
                uint z = BinaryPrimitives.ReadUInt32BigEndian(segment.Payload.AsSpan(4));
                if (z != sequence + 1) throw new AssetFormatException(FormatName, segment.Offset, $"C2PA APP11 segment has sequence number {z}, expected {sequence + 1}");
                sequence = z;
                Append(store, segment.Payload.AsSpan(16), segment.Offset);
            }
        }
        entropyStart = reader.EntropyStart;
        if (toEndOfImage) reader.ScanToEndOfImage();
        return found ? store.ToArray() : null;
    }

    private void Append(MemoryStream store, ReadOnlySpan<byte> bytes, long offset)
    {
        if (store.Length + bytes.Length > MaxStoreLength) throw new AssetFormatException(FormatName, offset, $"C2PA store is larger than {MaxStoreLength} bytes");
        store.Write(bytes);
    }

    public string? ReadXmp(Stream asset)
    {
        var reader = new SegmentReader(asset);
        foreach (Segment segment in reader.HeaderSegments())
            if (segment.Marker == App1 && IsXmp(segment.Payload))
                return Encoding.UTF8.GetString(segment.Payload, XmpNamespace.Length, segment.Payload.Length - XmpNamespace.Length);
        return null;
    }

    public IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        var reader = new SegmentReader(asset);
        long start = -1, end = -1;
        byte[]? instance = null;
        foreach (Segment segment in reader.HeaderSegments())
        {
            if (segment.Marker != App11) continue;
            if (IsStoreStart(segment.Payload) && instance == null)
            {
                instance = segment.Payload[2..4];
                start = segment.Offset;
                end = segment.Offset + segment.TotalLength;
            }
            else if (instance != null && IsContinuation(segment.Payload, instance))
            {
                end = segment.Offset + segment.TotalLength;
            }
        }
        return start < 0 ? [] : [new HashRange(start, end - start)];
    }

    public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp)
    {
        if (storeLength < 8) throw new ArgumentOutOfRangeException(nameof(storeLength), "a JUMBF store has at least its 8-byte box header");
        byte[]? xmpSegment = xmp == null ? null : XmpPayload(xmp);
        var reader = new SegmentReader(source);
        destination.Write([0xFF, Soi]);
        bool xmpWritten = false;
        Placeholder? placeholder = null;
        byte[]? oldInstance = null;

        void InsertStore()
        {
            if (xmpSegment != null && !xmpWritten)
            {
                WriteSegment(destination, App1, xmpSegment);
                xmpWritten = true;
            }
            placeholder = WritePlaceholder(destination, storeLength);
        }

        foreach (Segment segment in reader.HeaderSegments())
        {
            if (segment.Marker == App11 && IsStoreStart(segment.Payload))
            {
                oldInstance = segment.Payload[2..4];
                continue;
            }
            if (segment.Marker == App11 && oldInstance != null && IsContinuation(segment.Payload, oldInstance)) continue;
            if (segment.Marker == App1 && xmpSegment != null && IsXmp(segment.Payload))
            {
                if (!xmpWritten) WriteSegment(destination, App1, xmpSegment);
                xmpWritten = true;
                continue;
            }
            // C2PA 2.2 §A.3.1: the store goes right after the leading APP0 (JFIF) and APP1 (Exif/XMP) segments.
            if (placeholder == null && segment.Marker != App0 && segment.Marker != App1) InsertStore();
            WriteSegment(destination, segment.Marker, segment.Payload);
        }
        if (placeholder == null) InsertStore();
        reader.CopyRemainder(destination);
        Placeholder placed = placeholder!;
        return new StorePlacement(storeLength, [new HashRange(placed.Start, placed.End - placed.Start)], placed);
    }

    public void WriteStore(Stream destination, StorePlacement placement, byte[] store)
    {
        if (placement.HandlerState is not Placeholder placeholder) throw new ArgumentException("the placement was not made by the JPEG handler", nameof(placement));
        if (store.Length != placement.StoreLength) throw new ArgumentException($"the store is {store.Length} bytes, the placeholder {placement.StoreLength}", nameof(store));
        if (BinaryPrimitives.ReadUInt32BigEndian(store) != (uint)store.Length || Encoding.ASCII.GetString(store, 4, 4) != "jumb")
            throw new ArgumentException("the store does not start with a JUMBF superbox header of its own length", nameof(store));
        int offset = 0;
        foreach (long chunkStart in placeholder.ChunkStarts)
        {
            int length = Math.Min(MaxStoreBytesPerSegment, store.Length - offset);
            destination.Position = chunkStart;
            destination.Write(store, offset, length);
            offset += length;
        }
        destination.Flush();
    }

    private static Placeholder WritePlaceholder(Stream destination, int storeLength)
    {
        long start = destination.Position;
        long segmentsLength = 0;
        for (int offset = 0; offset < storeLength; offset += MaxStoreBytesPerSegment)
            segmentsLength += (offset == 0 ? 12 : 20) + Math.Min(MaxStoreBytesPerSegment, storeLength - offset);
        (destination as IHashExclusionSink)?.ExcludeNext(segmentsLength);
        var chunkStarts = new List<long>();
        byte[] zeros = new byte[MaxStoreBytesPerSegment];
        uint sequence = 1;
        Span<byte> header = stackalloc byte[4 + 8 + 8];
        for (int offset = 0; offset < storeLength; offset += MaxStoreBytesPerSegment, sequence++)
        {
            int chunk = Math.Min(MaxStoreBytesPerSegment, storeLength - offset);
            bool first = offset == 0;
            int payloadLength = 8 + (first ? 0 : 8) + chunk;
            header[0] = 0xFF;
            header[1] = App11;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(payloadLength + 2));
            header[4] = (byte)'J';
            header[5] = (byte)'P';
            header[6] = BoxInstance[0];
            header[7] = BoxInstance[1];
            BinaryPrimitives.WriteUInt32BigEndian(header[8..], sequence);
            int headerLength = 12;
            if (!first)
            {
                // ISO/IEC 19566-5: continuation segments repeat the box's LBox and TBox.
                BinaryPrimitives.WriteUInt32BigEndian(header[12..], (uint)storeLength);
                Encoding.ASCII.GetBytes("jumb", header[16..]);
                headerLength = 20;
            }
            destination.Write(header[..headerLength]);
            chunkStarts.Add(destination.Position);
            destination.Write(zeros, 0, chunk);
        }
        return new Placeholder(start, destination.Position, chunkStarts);
    }

    private static byte[] XmpPayload(string xmp)
    {
        byte[] packet = Encoding.UTF8.GetBytes(xmp);
        if (XmpNamespace.Length + packet.Length > 65533)
            throw new ArgumentException($"the XMP packet is {packet.Length} bytes; one JPEG APP1 segment holds at most {65533 - XmpNamespace.Length}", nameof(xmp));
        byte[] payload = new byte[XmpNamespace.Length + packet.Length];
        XmpNamespace.CopyTo(payload, 0);
        packet.CopyTo(payload, XmpNamespace.Length);
        return payload;
    }

    private static void WriteSegment(Stream destination, byte marker, byte[] payload)
    {
        Span<byte> header = [0xFF, marker, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(payload.Length + 2));
        destination.Write(header);
        destination.Write(payload);
    }

    private static bool IsXmp(byte[] payload) => payload.AsSpan().StartsWith(XmpNamespace);

    /// <summary>CI "JP", then at offset 8 a `jumb` box whose description UUID starts with "c2pa" (as c2pa-rs checks).</summary>
    private static bool IsStoreStart(byte[] p) =>
        p.Length >= 28 && p[0] == 'J' && p[1] == 'P' && p.AsSpan(12, 4).SequenceEqual("jumb"u8) && p.AsSpan(24, 4).SequenceEqual("c2pa"u8)
        && BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)) == 1;

    private static bool IsContinuation(byte[] p, byte[] instance) =>
        p.Length > 16 && p[0] == 'J' && p[1] == 'P' && p[2] == instance[0] && p[3] == instance[1] && BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)) > 1;

    private sealed record Placeholder(long Start, long End, IReadOnlyList<long> ChunkStarts);

    private readonly record struct Segment(byte Marker, long Offset, byte[] Payload)
    {
        public long TotalLength => 4 + Payload.Length;
    }

    /// <summary>Walks marker segments with a 64 KiB buffer; every length is checked against the data actually present.</summary>
    private sealed class SegmentReader
    {
        private const string Format = "jpeg";
        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _bufferStart, _bufferEnd;
        // Reads start small and double: a walk of the header segments alone (XMP, the store) reads little more than them.
        private int _fillSize = 4096;
        private long _bufferOffset;

        public SegmentReader(Stream stream)
        {
            _stream = stream;
            stream.Position = 0;
            _bufferOffset = 0;
        }

        private long Position => _bufferOffset + _bufferStart;

        /// <summary>After <see cref="HeaderSegments"/>: where the entropy-coded data starts.</summary>
        public long EntropyStart => _headerEnded ? Position : throw new AssetFormatException(Format, Position, "no start-of-scan segment: the file has no image data");

        private int ReadByte()
        {
            if (_bufferStart == _bufferEnd && !Fill()) return -1;
            return _buffer[_bufferStart++];
        }

        private bool Fill()
        {
            if (_copyTo != null)
            {
                _copyTo.Write(_buffer, _copyFrom, _bufferEnd - _copyFrom);
                _copyFrom = 0;
            }
            _bufferOffset += _bufferEnd;
            _bufferStart = 0;
            _bufferEnd = _stream.Read(_buffer, 0, _fillSize);
            _fillSize = Math.Min(_buffer.Length, _fillSize * 2);
            return _bufferEnd > 0;
        }

        private byte Next(string what)
        {
            int b = ReadByte();
            if (b < 0) throw new AssetFormatException(Format, Position, $"file ends inside {what} (truncated)");
            return (byte)b;
        }

        private byte[] ReadExactly(int count, string what)
        {
            byte[] result = new byte[count];
            int copied = 0;
            while (copied < count)
            {
                if (_bufferStart == _bufferEnd && !Fill())
                    throw new AssetFormatException(Format, Position, $"file ends inside {what}: {count - copied} of {count} bytes missing (truncated)");
                int n = Math.Min(count - copied, _bufferEnd - _bufferStart);
                Buffer.BlockCopy(_buffer, _bufferStart, result, copied, n);
                _bufferStart += n;
                copied += n;
            }
            return result;
        }

        /// <summary>The segments from SOI up to and including SOS; the reader then stands at the entropy-coded data.</summary>
        public IEnumerable<Segment> HeaderSegments()
        {
            if (ReadByte() != 0xFF || ReadByte() != Soi) throw new AssetFormatException(Format, 0, "not a JPEG file: no start-of-image marker");
            while (true)
            {
                long offset = Position;
                byte marker = ReadMarker(offset);
                if (marker == Eoi) throw new AssetFormatException(Format, offset, "end-of-image marker before any image data");
                if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue;
                int high = Next("a segment length"), low = Next("a segment length");
                int length = (high << 8) | low;
                if (length < 2) throw new AssetFormatException(Format, offset, $"segment FF{marker:X2} has length {length}, less than 2");
                byte[] payload = ReadExactly(length - 2, $"segment FF{marker:X2}");
                if (marker == Sos)
                {
                    _headerEnded = true;
                    _sosSegment = new Segment(marker, offset, payload);
                    yield break;
                }
                yield return new Segment(marker, offset, payload);
            }
        }

        private bool _headerEnded;
        private Segment? _sosSegment;

        private byte ReadMarker(long offset)
        {
            byte first = Next("a marker");
            if (first != 0xFF) throw new AssetFormatException(Format, offset, $"expected a marker (FF), found {first:X2}");
            byte marker = Next("a marker");
            while (marker == 0xFF) marker = Next("a marker");
            return marker;
        }

        /// <summary>While set, every buffer the reader finishes with is written here from <see cref="_copyFrom"/> on.</summary>
        private Stream? _copyTo;
        private int _copyFrom;

        /// <summary>
        /// Writes the SOS segment and copies everything after it unchanged, walking the entropy-coded data to the
        /// end-of-image marker on the way (a truncated file throws, as <see cref="ScanToEndOfImage"/> does): one read.
        /// </summary>
        public void CopyRemainder(Stream destination)
        {
            if (!_headerEnded || _sosSegment is not { } sos) throw new AssetFormatException(Format, Position, "no start-of-scan segment: the file has no image data");
            WriteSegment(destination, sos.Marker, sos.Payload);
            _copyTo = destination;
            _copyFrom = _bufferStart;
            ScanToEndOfImage();
            _copyTo = null;
            destination.Write(_buffer, _copyFrom, _bufferEnd - _copyFrom);
            _bufferStart = _bufferEnd;
            _stream.CopyTo(destination, 1 << 16);
        }

        /// <summary>Walks the entropy-coded data and any later segments up to EOI; a file that stops first is truncated.</summary>
        public void ScanToEndOfImage()
        {
            if (!_headerEnded) throw new AssetFormatException(Format, Position, "no start-of-scan segment: the file has no image data");
            while (true)
            {
                if (_bufferStart == _bufferEnd && !Fill())
                    throw new AssetFormatException(Format, Position, "file ends before the end-of-image marker (truncated)");
                int index = Array.IndexOf(_buffer, (byte)0xFF, _bufferStart, _bufferEnd - _bufferStart);
                if (index < 0)
                {
                    _bufferStart = _bufferEnd;
                    continue;
                }
                _bufferStart = index + 1;
                long offset = Position - 1;
                byte marker = Next("entropy-coded data");
                while (marker == 0xFF) marker = Next("entropy-coded data");
                if (marker == 0x00 || marker is >= 0xD0 and <= 0xD7) continue;
                if (marker == Eoi) return;
                int high = Next("a segment length"), low = Next("a segment length");
                int length = (high << 8) | low;
                if (length < 2) throw new AssetFormatException(Format, offset, $"segment FF{marker:X2} has length {length}, less than 2");
                ReadExactly(length - 2, $"segment FF{marker:X2}");
            }
        }
    }

    /// <summary>
    /// <see cref="SegmentReader.ScanToEndOfImage"/> as a push parser (ITU T.81 §B.1.1.2: in entropy-coded data FF is
    /// followed by 00 or a restart marker RST0–7; any other marker starts a segment with a length; EOI ends the image).
    /// </summary>
    private sealed class EndOfImageCheck(long start) : AssetTailCheck
    {
        private enum State { Entropy, Marker, LengthHigh, LengthLow, Skip, Done }

        private State _state = State.Entropy;
        private long _next = start;
        private long _skip;
        private int _high;
        private byte _marker;
        private long _markerOffset;
        private AssetFormatException? _broken;

        public override void Observe(long position, ReadOnlySpan<byte> data)
        {
            if (_state == State.Done || _broken != null) return;
            long end = position + data.Length;
            if (position > _next || end <= _next) return;
            Feed(data[(int)(_next - position)..]);
        }

        private void Feed(ReadOnlySpan<byte> data)
        {
            int i = 0;
            while (i < data.Length && _state != State.Done && _broken == null)
            {
                switch (_state)
                {
                    case State.Entropy:
                        int ff = data[i..].IndexOf((byte)0xFF);
                        if (ff < 0)
                        {
                            i = data.Length;
                            break;
                        }
                        i += ff + 1;
                        _markerOffset = _next + i - 1;
                        _state = State.Marker;
                        break;
                    case State.Marker:
                        byte marker = data[i++];
                        if (marker == 0xFF) break;
                        if (marker == 0x00 || marker is >= 0xD0 and <= 0xD7) _state = State.Entropy;
                        else if (marker == Eoi) _state = State.Done;
                        else
                        {
                            _marker = marker;
                            _state = State.LengthHigh;
                        }
                        break;
                    case State.LengthHigh:
                        _high = data[i++];
                        _state = State.LengthLow;
                        break;
                    case State.LengthLow:
                        int length = (_high << 8) | data[i++];
                        if (length < 2) _broken = new AssetFormatException("jpeg", _markerOffset, $"segment FF{_marker:X2} has length {length}, less than 2");
                        _skip = length - 2;
                        _state = _skip == 0 ? State.Entropy : State.Skip;
                        break;
                    case State.Skip:
                        int n = (int)Math.Min(_skip, data.Length - i);
                        i += n;
                        _skip -= n;
                        if (_skip == 0) _state = State.Entropy;
                        break;
                }
            }
            _next += i;
        }

        public override void Finish(Stream asset)
        {
            if (_broken != null) throw _broken;
            if (_state == State.Done) return;
            // What the hash did not read (a read that skipped ahead): walk it from the stream.
            var buffer = new byte[1 << 16];
            asset.Position = _next;
            while (_state != State.Done && _broken == null)
            {
                int n = asset.Read(buffer, 0, buffer.Length);
                if (n == 0) throw new AssetFormatException("jpeg", _next, "file ends before the end-of-image marker (truncated)");
                Feed(buffer.AsSpan(0, n));
            }
            if (_broken != null) throw _broken;
        }
    }
}
