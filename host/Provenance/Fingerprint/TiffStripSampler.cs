using System;
using System.Buffers.Binary;
using System.IO;

namespace Provenance.Fingerprint;

/// <summary>
/// Pixels of a large uncompressed TIFF scan sampled as its strips stream past the signing copy, so that a 300 MB scan
/// is read once and memory stays bounded (DESIGN.md "Performance model"): each row is reduced by a box filter as it
/// arrives (<see cref="BoxReducer"/>, long side at most <see cref="SampleSide"/>), and the thumbnail and the ISCC
/// Image-Code are computed from that sample. The code is the ISCC pipeline applied to the sample rather than to the
/// full picture (a resize the code is built to survive: 0–2 bits in the fixtures), so it may differ from Pillow's by a
/// bit or two. Handles what scanners write: TIFF 6.0 §7 uncompressed (Compression 1), chunky (PlanarConfiguration 1)
/// strips in file order, 8 or 16 bits a sample, grey (WhiteIsZero/BlackIsZero, with or without alpha) or RGB(A);
/// anything else is not sampled (<see cref="TryCreate"/> returns null) and the file gets no thumbnail.
/// </summary>
public sealed class TiffStripSampler
{
    /// <summary>Long side of the sample the fingerprint and thumbnail are made from.</summary>
    public const int SampleSide = 1024;

    private const int MaxEntries = 4096;
    private const int MaxStrips = 1 << 20;

    private readonly bool _little;
    private readonly int _width;
    private readonly int _height;
    private readonly int _samples;
    private readonly int _bytesPerSample;
    private readonly bool _whiteIsZero;
    private readonly bool _alpha;
    private readonly long[] _offsets;
    private readonly int _rowsPerStrip;
    private readonly long _rowBytes;
    private readonly byte[] _row;
    private readonly byte[] _rgba;
    private readonly BoxReducer _reducer;
    private int _strip;
    private long _within;
    private int _rowFill;

    private TiffStripSampler(bool little, int width, int height, int samples, int bytesPerSample, bool whiteIsZero, bool alpha, long[] offsets, int rowsPerStrip, ExifOrientation orientation)
    {
        _little = little;
        _width = width;
        _height = height;
        _samples = samples;
        _bytesPerSample = bytesPerSample;
        _whiteIsZero = whiteIsZero;
        _alpha = alpha;
        _offsets = offsets;
        _rowsPerStrip = rowsPerStrip;
        _rowBytes = (long)width * samples * bytesPerSample;
        _row = new byte[_rowBytes];
        _rgba = new byte[width * 4];
        _reducer = new BoxReducer(width, height, SampleSide);
        Orientation = orientation;
    }

    public ExifOrientation Orientation { get; }

    /// <summary>True when every row passed by.</summary>
    public bool Complete => _reducer.Rows == _height;

    /// <summary>
    /// Reads the TIFF header and IFD0 (small reads; the signing copy reads the rest) and returns a sampler when the
    /// first page is a layout it handles, else null. The stream's position is restored.
    /// </summary>
    public static TiffStripSampler? TryCreate(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        long start = asset.Position;
        try
        {
            return Parse(asset);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OverflowException)
        {
            return null;
        }
        finally
        {
            asset.Position = start;
        }
    }

    private static TiffStripSampler? Parse(Stream asset)
    {
        long length = asset.Length;
        Span<byte> header = stackalloc byte[8];
        asset.Position = 0;
        asset.ReadExactly(header);
        bool little = header[0] == 'I';
        if (!TiffDecoder.IsTiff(header) || U16(header[2..], little) != 42) return null; // classic TIFF only
        long ifd = U32(header[4..], little);
        if (ifd < 8 || ifd > length - 2) return null;
        var countBytes = new byte[2];
        asset.Position = ifd;
        asset.ReadExactly(countBytes);
        int count = U16(countBytes, little);
        if (count == 0 || count > MaxEntries || ifd + 2 + count * 12L > length) return null;
        var entries = new byte[count * 12];
        asset.ReadExactly(entries);

        long width = 0, height = 0, compression = 1, photometric = -1, samples = 1, planar = 1, orientation = 1, rowsPerStrip = uint.MaxValue;
        long[]? bits = null, offsets = null, counts = null, extra = null;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> e = entries.AsSpan(i * 12, 12);
            int tag = U16(e, little);
            switch (tag)
            {
                case 256: width = Single(asset, e, little, length); break;
                case 257: height = Single(asset, e, little, length); break;
                case 258: bits = Values(asset, e, little, length, 16); break;
                case 259: compression = Single(asset, e, little, length); break;
                case 262: photometric = Single(asset, e, little, length); break;
                case 273: offsets = Values(asset, e, little, length, MaxStrips); break;
                case 274: orientation = Single(asset, e, little, length); break;
                case 277: samples = Single(asset, e, little, length); break;
                case 278: rowsPerStrip = Single(asset, e, little, length); break;
                case 279: counts = Values(asset, e, little, length, MaxStrips); break;
                case 284: planar = Single(asset, e, little, length); break;
                case 338: extra = Values(asset, e, little, length, 16); break;
            }
        }
        if (width is <= 0 or > 1 << 20 || height is <= 0 or > 1 << 20 || compression != 1 || planar != 1) return null;
        if (bits == null || bits.Length == 0 || offsets == null || counts == null || offsets.Length != counts.Length) return null;
        int bps = (int)bits[0];
        foreach (long b in bits) if (b != bps) return null;
        if (bps is not (8 or 16)) return null;
        bool grey = photometric is 0 or 1;
        if (!(grey && samples is 1 or 2) && !(photometric == 2 && samples is 3 or 4)) return null;
        int colour = grey ? 1 : 3;
        bool alpha = samples > colour && extra is { Length: > 0 } && extra[0] is 1 or 2;
        if (rowsPerStrip <= 0 || rowsPerStrip > height) rowsPerStrip = height;
        long strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        if (offsets.Length != strips) return null;
        long rowBytes = width * samples * (bps / 8);
        if (rowBytes > 64L << 20) return null;
        long previousEnd = 0;
        for (int s = 0; s < strips; s++)
        {
            long rows = Math.Min(rowsPerStrip, height - s * rowsPerStrip);
            // Strips in file order, each holding its rows, inside the file: the copy reads them front to back.
            if (counts[s] < rows * rowBytes || offsets[s] < previousEnd || offsets[s] > length - rows * rowBytes) return null;
            previousEnd = offsets[s] + rows * rowBytes;
        }
        var turn = orientation is >= 1 and <= 8 ? (ExifOrientation)orientation : ExifOrientation.Normal;
        return new TiffStripSampler(little, (int)width, (int)height, (int)samples, bps / 8, photometric == 0, alpha, offsets, (int)rowsPerStrip, turn);
    }

    /// <summary>
    /// Takes the bytes a read at <paramref name="position"/> returned. Bytes of strip data are used in file order;
    /// anything else, and bytes seen again, are ignored. A read that skips strip data leaves the sample incomplete.
    /// </summary>
    public void Observe(long position, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && _strip < _offsets.Length)
        {
            long rowsInStrip = Math.Min(_rowsPerStrip, _height - (long)_strip * _rowsPerStrip);
            long stripBytes = rowsInStrip * _rowBytes;
            long expected = _offsets[_strip] + _within;
            long end = position + data.Length;
            if (end <= expected) return;
            if (position > expected) return; // a gap: this strip's bytes went by unseen
            data = data[(int)(expected - position)..];
            position = expected;
            int take = (int)Math.Min(data.Length, stripBytes - _within);
            Consume(data[..take]);
            _within += take;
            position += take;
            data = data[take..];
            if (_within == stripBytes)
            {
                _strip++;
                _within = 0;
            }
        }
    }

    private void Consume(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_rowFill == 0 && bytes.Length >= _rowBytes)
            {
                // A whole row in the read's own buffer: reduced from there, not copied.
                EmitRow(bytes[..(int)_rowBytes]);
                bytes = bytes[(int)_rowBytes..];
                continue;
            }
            int take = (int)Math.Min(bytes.Length, _rowBytes - _rowFill);
            bytes[..take].CopyTo(_row.AsSpan(_rowFill));
            _rowFill += take;
            bytes = bytes[take..];
            if (_rowFill == _rowBytes)
            {
                EmitRow(_row);
                _rowFill = 0;
            }
        }
    }

    private void EmitRow(ReadOnlySpan<byte> row)
    {
        // The scanners' usual layouts go straight to the reducer; others through RGBA.
        if (_bytesPerSample == 1 && !_alpha && _samples == 1)
        {
            _reducer.AddGreyRow(row, _whiteIsZero);
            return;
        }
        if (_bytesPerSample == 1 && !_alpha && _samples == 3)
        {
            _reducer.AddRgbRow(row);
            return;
        }
        // 16-bit samples: the high byte, in the file's byte order.
        int high = _bytesPerSample == 2 && _little ? 1 : 0;
        int stride = _samples * _bytesPerSample;
        int step = _bytesPerSample;
        for (int x = 0; x < _width; x++)
        {
            int i = x * stride + high;
            int o = x * 4;
            if (_samples <= 2)
            {
                byte v = row[i];
                if (_whiteIsZero) v = (byte)(255 - v);
                _rgba[o] = _rgba[o + 1] = _rgba[o + 2] = v;
                _rgba[o + 3] = _alpha ? row[i + step] : (byte)255;
            }
            else
            {
                _rgba[o] = row[i];
                _rgba[o + 1] = row[i + step];
                _rgba[o + 2] = row[i + 2 * step];
                _rgba[o + 3] = _alpha ? row[i + 3 * step] : (byte)255;
            }
        }
        _reducer.AddRow(_rgba);
    }

    /// <summary>The sample (rows that never passed stay white) with the file's orientation.</summary>
    public DecodedImage Sample() => new(_reducer.Finish(), Orientation);

    private static long Single(Stream asset, ReadOnlySpan<byte> entry, bool little, long length)
    {
        long[] values = Values(asset, entry, little, length, 1);
        return values.Length == 1 ? values[0] : -1;
    }

    /// <summary>An entry's SHORT or LONG values (TIFF 6.0 §2: inline when they fit the 4-byte field).</summary>
    private static long[] Values(Stream asset, ReadOnlySpan<byte> entry, bool little, long fileLength, int maxCount)
    {
        int type = U16(entry[2..], little);
        long count = U32(entry[4..], little);
        int size = type switch { 3 => 2, 4 => 4, _ => 0 };
        if (size == 0 || count < 1 || count > maxCount) return [];
        long bytes = count * size;
        byte[] raw;
        if (bytes <= 4)
        {
            raw = entry.Slice(8, (int)bytes).ToArray();
        }
        else
        {
            long offset = U32(entry[8..], little);
            if (offset > fileLength - bytes) return [];
            raw = new byte[bytes];
            asset.Position = offset;
            asset.ReadExactly(raw);
        }
        var values = new long[count];
        for (int i = 0; i < count; i++) values[i] = size == 2 ? U16(raw.AsSpan(i * 2), little) : U32(raw.AsSpan(i * 4), little);
        return values;
    }

    private static int U16(ReadOnlySpan<byte> b, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static long U32(ReadOnlySpan<byte> b, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
