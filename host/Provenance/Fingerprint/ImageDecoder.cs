using System;
using System.IO;
using SkiaSharp;

namespace Provenance.Fingerprint;

/// <summary>
/// Decodes image files to straight-alpha RGBA with SkiaSharp (JPEG via libjpeg-turbo, PNG, WebP, GIF, BMP), with no
/// colour management, as Pillow reads them. Images past <see cref="MaxPixels"/> are refused before decoding.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Pillow's decompression-bomb limit (MAX_IMAGE_PIXELS): larger pictures get no fingerprint.</summary>
    public const long MaxPixels = 89_478_485;

    /// <summary>The decoded pixels and their EXIF orientation, or null when the bytes are no image Skia decodes.</summary>
    public static DecodedImage? TryDecode(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
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
