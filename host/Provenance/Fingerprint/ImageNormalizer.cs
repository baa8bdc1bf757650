using System;

namespace Provenance.Fingerprint;

/// <summary>
/// The ISCC image normalisation (iscc-sdk <c>image_normalize</c>): transpose by EXIF orientation, composite
/// transparency on white, trim a uniform border judged by the top-left pixel, convert to Pillow's "L" grey and
/// resize to 32×32 with Pillow's bicubic filter. The result is the 1,024 grey values the soft hash reads.
/// </summary>
public static class ImageNormalizer
{
    public const int Size = 32;

    public static byte[] Normalize(RgbaImage image, ExifOrientation orientation)
    {
        ArgumentNullException.ThrowIfNull(image);
        RgbaImage upright = Transpose(image, orientation);
        // One pass over the pixels (a 50-megapixel photo is 200 MB of RGBA): on white, the trim box and the grey
        // together, with the same arithmetic as OnWhite, TrimBox and Grey below.
        (byte[] grey, int left, int top, int width, int height) = GreyAndTrimBox(upright);
        if (width != upright.Width || height != upright.Height) grey = Crop(grey, upright.Width, left, top, width, height);
        return PillowResample.Bicubic(grey, width, height, Size, Size);
    }

    private static (byte[] Grey, int Left, int Top, int Width, int Height) GreyAndTrimBox(RgbaImage image)
    {
        int w = image.Width, h = image.Height;
        byte[] src = image.Pixels;
        var grey = new byte[(long)w * h];
        int a0 = src[3];
        byte r0 = Blend(a0, src[0]), g0 = Blend(a0, src[1]), b0 = Blend(a0, src[2]);
        int minX = w, minY = h, maxX = -1, maxY = -1;
        for (int y = 0; y < h; y++)
        {
            long row = (long)y * w;
            int first = -1, last = -1;
            for (int x = 0; x < w; x++)
            {
                long i = (row + x) * 4;
                int a = src[i + 3];
                byte r, g, b;
                if (a == 255)
                {
                    r = src[i];
                    g = src[i + 1];
                    b = src[i + 2];
                }
                else
                {
                    r = Blend(a, src[i]);
                    g = Blend(a, src[i + 1]);
                    b = Blend(a, src[i + 2]);
                }
                if (r != r0 || g != g0 || b != b0)
                {
                    if (first < 0) first = x;
                    last = x;
                }
                grey[row + x] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
            if (first < 0) continue;
            if (first < minX) minX = first;
            if (last > maxX) maxX = last;
            if (y < minY) minY = y;
            maxY = y;
        }
        // A uniform image has no box: Pillow's crop(None) keeps it whole.
        if (maxX < 0) return (grey, 0, 0, w, h);
        return (grey, minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    private static byte[] Crop(byte[] grey, int stride, int left, int top, int width, int height)
    {
        var cropped = new byte[width * height];
        for (int y = 0; y < height; y++) Buffer.BlockCopy(grey, (top + y) * stride + left, cropped, y * width, width);
        return cropped;
    }

    /// <summary>Turns stored pixels upright as Pillow's <c>ImageOps.exif_transpose</c> does.</summary>
    public static RgbaImage Transpose(RgbaImage image, ExifOrientation orientation)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (orientation is < ExifOrientation.MirrorHorizontal or > ExifOrientation.Rotate270) return image;
        int w = image.Width, h = image.Height;
        bool swap = orientation >= ExifOrientation.Transpose;
        int outW = swap ? h : w, outH = swap ? w : h;
        var output = new byte[image.Pixels.Length];
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                // Source pixel of upright (x, y).
                (int sx, int sy) = orientation switch
                {
                    ExifOrientation.MirrorHorizontal => (w - 1 - x, y),
                    ExifOrientation.Rotate180 => (w - 1 - x, h - 1 - y),
                    ExifOrientation.MirrorVertical => (x, h - 1 - y),
                    ExifOrientation.Transpose => (y, x),
                    ExifOrientation.Rotate90 => (y, h - 1 - x),
                    ExifOrientation.Transverse => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x), // Rotate270
                };
                Buffer.BlockCopy(image.Pixels, (sy * w + sx) * 4, output, (y * outW + x) * 4, 4);
            }
        }
        return new RgbaImage(outW, outH, output);
    }

    /// <summary>RGB (3 bytes a pixel) composited on white with Pillow's paste-with-mask rounding.</summary>
    public static byte[] OnWhite(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] src = image.Pixels;
        var rgb = new byte[(long)image.Width * image.Height * 3];
        for (long i = 0, o = 0; i < src.LongLength; i += 4, o += 3)
        {
            int a = src[i + 3];
            rgb[o] = Blend(a, src[i]);
            rgb[o + 1] = Blend(a, src[i + 1]);
            rgb[o + 2] = Blend(a, src[i + 2]);
        }
        return rgb;
    }

    // Pillow ImagingUtils.h BLEND over a white background: DIV255(255 * (255 - a) + value * a).
    private static byte Blend(int alpha, int value)
    {
        int t = 255 * (255 - alpha) + value * alpha + 128;
        return (byte)(((t >> 8) + t) >> 8);
    }

    /// <summary>The bounding box of pixels differing from the top-left one; the whole image when none or all differ.</summary>
    public static (int Left, int Top, int Width, int Height) TrimBox(byte[] rgb, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        byte r = rgb[0], g = rgb[1], b = rgb[2];
        int minX = width, minY = height, maxX = -1, maxY = -1;
        for (int y = 0; y < height; y++)
        {
            long row = (long)y * width * 3;
            for (int x = 0; x < width; x++)
            {
                long i = row + x * 3;
                if (rgb[i] == r && rgb[i + 1] == g && rgb[i + 2] == b) continue;
                if (x < minX) minX = x;
                if (x > maxX) maxX = x;
                if (y < minY) minY = y;
                if (y > maxY) maxY = y;
            }
        }
        // A uniform image has no box: Pillow's crop(None) keeps it whole.
        if (maxX < 0) return (0, 0, width, height);
        return (minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /// <summary>Pillow's RGB→L: (R·19595 + G·38470 + B·7471 + 0x8000) >> 16, over the given box.</summary>
    public static byte[] Grey(byte[] rgb, int stride, int left, int top, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        var grey = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            long row = ((long)(y + top) * stride + left) * 3;
            for (int x = 0; x < width; x++)
            {
                long i = row + x * 3;
                grey[y * width + x] = (byte)((rgb[i] * 19595 + rgb[i + 1] * 38470 + rgb[i + 2] * 7471 + 0x8000) >> 16);
            }
        }
        return grey;
    }
}
