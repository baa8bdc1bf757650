using System;
using System.IO;
using BitMiracle.LibTiff.Classic;

namespace Provenance.Fingerprint;

/// <summary>
/// Decodes the first page of a TIFF held in memory to RGBA with BitMiracle.LibTiff.NET (a managed port of libtiff: every
/// compression libtiff reads, among them CCITT Group 3/4 bilevel scans, LZW, Deflate, PackBits and JPEG-in-TIFF; 1- to
/// 16-bit grey, RGB, palette, CMYK and YCbCr, strips or tiles). The stored pixels come back unturned, with the
/// Orientation tag (274) as the <see cref="ExifOrientation"/> that turns them upright, as Pillow's exif_transpose reads it.
/// Pictures past <see cref="ImageDecoder.MaxPixels"/>, and files libtiff cannot read, are not decoded (null).
/// </summary>
public static class TiffDecoder
{
    /// <summary>True when the bytes start with a TIFF header (II*\0 or MM\0*; BigTIFF 43 too).</summary>
    public static bool IsTiff(ReadOnlySpan<byte> header) =>
        header.Length >= 4 && ((header[0] == 'I' && header[1] == 'I' && header[2] is 42 or 43 && header[3] == 0)
            || (header[0] == 'M' && header[1] == 'M' && header[2] == 0 && header[3] is 42 or 43));

    /// <summary>The first page's pixels, or null when they do not decode.</summary>
    public static DecodedImage? TryDecode(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!IsTiff(file)) return null;
        Tiff.SetErrorHandler(Quiet.Instance);
        try
        {
            using var stream = new MemoryStream(file, writable: false);
            using Tiff? tiff = Tiff.ClientOpen("asset", "r", stream, new TiffStream());
            if (tiff == null) return null;
            int width = tiff.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
            int height = tiff.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
            if (width <= 0 || height <= 0 || (long)width * height > ImageDecoder.MaxPixels) return null;
            int tag = tiff.GetField(TiffTag.ORIENTATION)?[0].ToInt() ?? 1;
            var orientation = tag is >= 1 and <= 8 ? (ExifOrientation)tag : ExifOrientation.Normal;
            // libtiff flips the raster from the file's orientation to the one asked; asking for the file's own
            // orientation (5–8 count as 1–4 there) leaves the stored pixels as they are.
            var asked = (Orientation)(tag is >= 5 and <= 8 ? tag - 4 : (int)orientation);
            var raster = new int[width * height];
            if (!tiff.ReadRGBAImageOriented(width, height, raster, asked, true)) return null;
            var pixels = new byte[(long)width * height * 4];
            for (int i = 0; i < raster.Length; i++)
            {
                int v = raster[i];
                pixels[i * 4] = (byte)Tiff.GetR(v);
                pixels[i * 4 + 1] = (byte)Tiff.GetG(v);
                pixels[i * 4 + 2] = (byte)Tiff.GetB(v);
                pixels[i * 4 + 3] = (byte)Tiff.GetA(v);
            }
            return new DecodedImage(new RgbaImage(width, height, pixels), orientation);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A malformed TIFF is a file without pixels here; its structure is judged by the TIFF handler.
            return null;
        }
    }

    /// <summary>libtiff prints warnings and errors on the console by default: a library must not.</summary>
    private sealed class Quiet : TiffErrorHandler
    {
        public static readonly Quiet Instance = new();

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) { }

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
    }
}
