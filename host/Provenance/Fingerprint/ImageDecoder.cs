using System;
using System.IO;
using SkiaSharp;

namespace Provenance.Fingerprint;

/// <summary>
/// Decodes image files to straight-alpha RGBA with SkiaSharp (JPEG via libjpeg-turbo, PNG, WebP, GIF, BMP), with no
/// colour management, as Pillow reads them; TIFF with <see cref="TiffDecoder"/> (LibTiff.NET). Images past
/// <see cref="MaxPixels"/> are refused before decoding.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Pillow's decompression-bomb limit (MAX_IMAGE_PIXELS): larger pictures get no fingerprint.</summary>
    public const long MaxPixels = 89_478_485;

    /// <summary>The decoded pixels and their EXIF orientation, or null when the bytes are no image Skia decodes.</summary>
    public static DecodedImage? TryDecode(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (IsTiffStream(stream))
        {
            // libtiff reads a TIFF by seeking between its IFDs and strips: it is given the file in memory.
            if (stream.Length - stream.Position > MaxTiffFileBytes) return null;
            var file = new byte[stream.Length - stream.Position];
            stream.ReadExactly(file);
            return TiffDecoder.TryDecode(file);
        }
        using var managed = new SKManagedStream(stream, disposeManagedStream: false);
        using SKCodec? codec = SKCodec.Create(managed);
        if (codec == null) return null;
        SKImageInfo info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxPixels) return null;
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        SKCodecResult result = codec.GetPixels(target, out byte[] pixels);
        // An incomplete image (truncated file) is not fingerprinted: its code would describe grey filler.
        if (result != SKCodecResult.Success) return null;
        var orientation = (ExifOrientation)(int)codec.EncodedOrigin;
        if (!Enum.IsDefined(orientation)) orientation = ExifOrientation.Normal;
        return new DecodedImage(new RgbaImage(info.Width, info.Height, pixels), orientation);
    }

    /// <summary>Largest TIFF file decoded in memory (a bigger scan is sampled as it streams past: <see cref="TiffStripSampler"/>).</summary>
    public const long MaxTiffFileBytes = 512L * 1024 * 1024;

    /// <summary>The pixels of a file already read into memory (signing's one read), or null.</summary>
    public static DecodedImage? TryDecode(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (TiffDecoder.IsTiff(file)) return TiffDecoder.TryDecode(file);
        using var stream = new MemoryStream(file, writable: false);
        return TryDecode(stream);
    }

    private static bool IsTiffStream(Stream stream)
    {
        if (!stream.CanSeek) return false;
        long start = stream.Position;
        Span<byte> header = stackalloc byte[4];
        int n = stream.ReadAtLeast(header, 4, throwOnEndOfStream: false);
        stream.Position = start;
        return n == 4 && TiffDecoder.IsTiff(header);
    }

    /// <summary>Decodes a file; null when it is not a decodable image.</summary>
    public static DecodedImage? TryDecodeFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return TryDecode(stream);
    }
}

/// <summary>Stored pixels and the EXIF orientation that turns them upright.</summary>
public sealed record DecodedImage(RgbaImage Image, ExifOrientation Orientation)
{
    public IsccImageCode Code() => IsccImageCode.FromImage(Image, Orientation);
}
