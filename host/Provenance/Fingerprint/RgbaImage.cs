using System;

namespace Provenance.Fingerprint;

/// <summary>Decoded pixels: 8-bit R, G, B, A per pixel, row-major, alpha not premultiplied.</summary>
public sealed class RgbaImage
{
    public RgbaImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "sizes must be positive");
        if (pixels.LongLength != (long)width * height * 4) throw new ArgumentException("the pixel buffer does not match the size", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }
}

/// <summary>EXIF Orientation values (TIFF tag 274), the stored pixels' relation to the upright picture.</summary>
public enum ExifOrientation
{
    Normal = 1,
    MirrorHorizontal = 2,
    Rotate180 = 3,
    MirrorVertical = 4,
    Transpose = 5,
    Rotate90 = 6,
    Transverse = 7,
    Rotate270 = 8,
}
