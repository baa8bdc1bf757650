using System;
using System.IO;
using SkiaSharp;

namespace Provenance.Fingerprint;

/// <summary>
/// The claim thumbnail every signed image carries (C2PA 2.2 §18.5, `c2pa.thumbnail.claim.jpeg`): the upright picture,
/// transparency on white, reduced by an integer box filter until its long side is at most <see cref="MaxSide"/> pixels,
/// encoded as a baseline JPEG by SkiaSharp (libjpeg-turbo) at quality 80; when that is larger than
/// <see cref="MaxBytes"/> the quality steps down (60, 40) and then the size halves, so a thumbnail never passes it
/// (verifiers show thumbnails of up to <see cref="Verification.ThumbnailFacts.MaxBytes"/>).
/// </summary>
public static class Thumbnail
{
    /// <summary>Long side of the thumbnail, in pixels, at most.</summary>
    public const int MaxSide = 512;

    /// <summary>Bytes of the JPEG, at most.</summary>
    public const int MaxBytes = 128 * 1024;

    /// <summary>
    /// Long side of a saved version's thumbnail (issue 16, `--history`): every version's manifest travels in the final
    /// file, so the versions' thumbnails are kept small (README, "Proof of process", bytes per version).
    /// </summary>
    public const int VersionMaxSide = 256;

    /// <summary>Bytes of a saved version's thumbnail, at most.</summary>
    public const int VersionMaxBytes = 24 * 1024;

    /// <summary>The assertion label (C2PA 2.2 §18.5: `c2pa.thumbnail.claim.` + the format's extension).</summary>
    public const string Label = "c2pa.thumbnail.claim.jpeg";

    public const string MediaType = "image/jpeg";

    private static readonly int[] Qualities = [80, 60, 40];

    /// <summary>The thumbnail of decoded pixels (stored orientation turned upright), at most <see cref="MaxBytes"/>.</summary>
    public static byte[] FromImage(DecodedImage decoded, int maxBytes = MaxBytes, int maxSide = MaxSide)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        RgbaImage image = decoded.Image;
        var reducer = new BoxReducer(image.Width, image.Height, Math.Min(maxSide, MaxSide));
        int rowBytes = image.Width * 4;
        for (int y = 0; y < image.Height; y++) reducer.AddRow(image.Pixels.AsSpan(y * rowBytes, rowBytes));
        return Encode(ImageNormalizer.Transpose(reducer.Finish(), decoded.Orientation), maxBytes);
    }

    /// <summary>Encodes an (already small, upright) image within <paramref name="maxBytes"/>.</summary>
    public static byte[] Encode(RgbaImage image, int maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width > MaxSide || image.Height > MaxSide)
        {
            var reducer = new BoxReducer(image.Width, image.Height, MaxSide);
            for (int y = 0; y < image.Height; y++) reducer.AddRow(image.Pixels.AsSpan(y * image.Width * 4, image.Width * 4));
            image = reducer.Finish();
        }
        while (true)
        {
            foreach (int quality in Qualities)
            {
                byte[] jpeg = EncodeJpeg(image, quality);
                if (jpeg.Length <= maxBytes) return jpeg;
            }
            if (image.Width == 1 && image.Height == 1) throw new InvalidOperationException($"a one-pixel JPEG does not fit {maxBytes} bytes");
            var half = new BoxReducer(image.Width, image.Height, Math.Max(1, Math.Max(image.Width, image.Height) / 2));
            for (int y = 0; y < image.Height; y++) half.AddRow(image.Pixels.AsSpan(y * image.Width * 4, image.Width * 4));
            image = half.Finish();
        }
    }

    private static byte[] EncodeJpeg(RgbaImage image, int quality)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using SKImage sk = SKImage.FromPixelCopy(info, image.Pixels, image.Width * 4)
            ?? throw new InvalidOperationException("SkiaSharp refused the thumbnail pixels");
        using SKData data = sk.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException("SkiaSharp did not encode the thumbnail as JPEG");
        return data.ToArray();
    }

    /// <summary>
    /// The JPEG grown to exactly <paramref name="length"/> bytes with comment (COM, ITU T.81 §B.2.4.5) segments after
    /// SOI, which decoders skip: a thumbnail whose size had to be reserved before its pixels were read fills its slot.
    /// </summary>
    public static byte[] PadTo(byte[] jpeg, int length)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        int padding = length - jpeg.Length;
        if (padding == 0) return jpeg;
        if (padding < 4) throw new ArgumentOutOfRangeException(nameof(length), length, $"a {jpeg.Length}-byte JPEG cannot grow by {padding} bytes (a comment segment takes at least 4)");
        if (jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("not a JPEG (no SOI)", nameof(jpeg));
        using var output = new MemoryStream(length);
        output.Write(jpeg, 0, 2);
        while (padding > 0)
        {
            // A segment's length field counts itself: payload up to 65533. Leave no remainder below 4.
            int segment = Math.Min(padding, 65535 + 2);
            if (padding - segment is > 0 and < 4) segment -= 4;
            int fieldLength = segment - 2;
            output.WriteByte(0xFF);
            output.WriteByte(0xFE);
            output.WriteByte((byte)(fieldLength >> 8));
            output.WriteByte((byte)fieldLength);
            output.Write(new byte[fieldLength - 2]);
            padding -= segment;
        }
        output.Write(jpeg, 2, jpeg.Length - 2);
        return output.ToArray();
    }
}

/// <summary>
/// Reduces an image fed row by row (RGBA, top to bottom) by an integer box filter so that its long side is at most
/// the given size, compositing transparency on white. Memory: one row of sums and the small result.
/// </summary>
public sealed class BoxReducer
{
    private readonly int _width;
    private readonly int _height;
    private readonly int _factor;
    private readonly uint[] _sums;
    private readonly byte[] _output;
    private int _row;

    public BoxReducer(int width, int height, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        _width = width;
        _height = height;
        _factor = Math.Max(1, (Math.Max(width, height) + maxSide - 1) / maxSide);
        Width = (width + _factor - 1) / _factor;
        Height = (height + _factor - 1) / _factor;
        _sums = new uint[Width * 3];
        _output = new byte[Width * Height * 4];
        Array.Fill(_output, (byte)255);
    }

    /// <summary>Size of the result.</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>Rows fed so far.</summary>
    public int Rows => _row;

    /// <summary>Adds the next row (width × 4 bytes, RGBA straight alpha).</summary>
    public void AddRow(ReadOnlySpan<byte> rgba)
    {
        if (rgba.Length < _width * 4) throw new ArgumentException("a row is width × 4 bytes", nameof(rgba));
        if (_row >= _height) throw new InvalidOperationException("more rows than the image has");
        for (int ox = 0, x = 0; ox < Width; ox++)
        {
            uint r = 0, g = 0, b = 0;
            for (int end = Math.Min(_width, x + _factor); x < end; x++)
            {
                int i = x * 4;
                int a = rgba[i + 3];
                if (a == 255)
                {
                    r += rgba[i];
                    g += rgba[i + 1];
                    b += rgba[i + 2];
                }
                else
                {
                    r += (uint)((rgba[i] * a + 255 * (255 - a) + 127) / 255);
                    g += (uint)((rgba[i + 1] * a + 255 * (255 - a) + 127) / 255);
                    b += (uint)((rgba[i + 2] * a + 255 * (255 - a) + 127) / 255);
                }
            }
            _sums[ox * 3] += r;
            _sums[ox * 3 + 1] += g;
            _sums[ox * 3 + 2] += b;
        }
        _row++;
        if (_row % _factor == 0 || _row == _height) EmitBand();
    }

    /// <summary>Adds the next row of 8-bit grey samples (<paramref name="invert"/>: WhiteIsZero), opaque.</summary>
    public void AddGreyRow(ReadOnlySpan<byte> grey, bool invert)
    {
        if (grey.Length < _width) throw new ArgumentException("a row is width bytes", nameof(grey));
        if (_row >= _height) throw new InvalidOperationException("more rows than the image has");
        for (int ox = 0, x = 0; ox < Width; ox++)
        {
            int end = Math.Min(_width, x + _factor);
            uint sum = 0;
            for (int i = x; i < end; i++) sum += grey[i];
            if (invert) sum = (uint)(255 * (end - x)) - sum;
            x = end;
            _sums[ox * 3] += sum;
            _sums[ox * 3 + 1] += sum;
            _sums[ox * 3 + 2] += sum;
        }
        _row++;
        if (_row % _factor == 0 || _row == _height) EmitBand();
    }

    /// <summary>Adds the next row of 8-bit RGB samples, opaque.</summary>
    public void AddRgbRow(ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length < _width * 3) throw new ArgumentException("a row is width × 3 bytes", nameof(rgb));
        if (_row >= _height) throw new InvalidOperationException("more rows than the image has");
        for (int ox = 0, x = 0; ox < Width; ox++)
        {
            int end = Math.Min(_width, x + _factor);
            uint r = 0, g = 0, b = 0;
            for (int i = x * 3, stop = end * 3; i < stop; i += 3)
            {
                r += rgb[i];
                g += rgb[i + 1];
                b += rgb[i + 2];
            }
            x = end;
            _sums[ox * 3] += r;
            _sums[ox * 3 + 1] += g;
            _sums[ox * 3 + 2] += b;
        }
        _row++;
        if (_row % _factor == 0 || _row == _height) EmitBand();
    }

    private void EmitBand()
    {
        int band = (_row - 1) / _factor;
        int rows = _row - band * _factor;
        for (int ox = 0; ox < Width; ox++)
        {
            int columns = Math.Min(_factor, _width - ox * _factor);
            uint count = (uint)(columns * rows);
            int o = (band * Width + ox) * 4;
            _output[o] = (byte)((_sums[ox * 3] + count / 2) / count);
            _output[o + 1] = (byte)((_sums[ox * 3 + 1] + count / 2) / count);
            _output[o + 2] = (byte)((_sums[ox * 3 + 2] + count / 2) / count);
            _output[o + 3] = 255;
        }
        Array.Clear(_sums);
    }

    /// <summary>The reduced image; rows never fed stay white.</summary>
    public RgbaImage Finish()
    {
        if (_row % _factor != 0 && _row < _height) EmitBand();
        return new RgbaImage(Width, Height, _output);
    }
}
