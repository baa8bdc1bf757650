using System;

namespace Provenance.Fingerprint;

/// <summary>
/// Resizes a grey image the way Pillow's <c>Image.resize(size, BICUBIC)</c> does (libImaging/Resample.c): a separable
/// convolution, horizontal pass then vertical, with the filter's support widened by the downscale factor, the
/// coefficients normalised in double precision and then fixed to 22-bit integers, and each sum rounded and clipped to
/// 8 bits. ISCC codes depend on these exact 32×32 values, so the arithmetic follows Pillow's step for step.
/// </summary>
public static class PillowResample
{
    private const double BicubicSupport = 2.0;
    // 8 bits of result, two bits for overflow of a filter with negative lobes, in a 32-bit int.
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes <paramref name="grey"/> (row-major, one byte per pixel) to <paramref name="outWidth"/>×<paramref name="outHeight"/>.</summary>
    public static byte[] Bicubic(byte[] grey, int width, int height, int outWidth, int outHeight)
    {
        ArgumentNullException.ThrowIfNull(grey);
        if (width <= 0 || height <= 0 || outWidth <= 0 || outHeight <= 0) throw new ArgumentOutOfRangeException(nameof(width), "sizes must be positive");
        if (grey.Length != checked(width * height)) throw new ArgumentException("the pixel buffer does not match the size", nameof(grey));

        (int[] boundsV, int[] kernelV, int ksizeV) = Coefficients(height, outHeight);
        byte[] current = grey;
        int rowsFirst = 0;
        int rows = height;
        if (outWidth != width)
        {
            // Pillow runs the horizontal pass only over the rows the vertical pass reads.
            rowsFirst = boundsV[0];
            int rowsLast = boundsV[(outHeight - 1) * 2] + boundsV[(outHeight - 1) * 2 + 1];
            rows = rowsLast - rowsFirst;
            (int[] boundsH, int[] kernelH, int ksizeH) = Coefficients(width, outWidth);
            var temp = new byte[outWidth * rows];
            for (int y = 0; y < rows; y++)
            {
                int inRow = (y + rowsFirst) * width;
                for (int xx = 0; xx < outWidth; xx++)
                {
                    int xmin = boundsH[xx * 2];
                    int count = boundsH[xx * 2 + 1];
                    int k = xx * ksizeH;
                    int sum = 1 << (PrecisionBits - 1);
                    for (int x = 0; x < count; x++) sum += grey[inRow + xmin + x] * kernelH[k + x];
                    temp[y * outWidth + xx] = Clip8(sum);
                }
            }
            current = temp;
            width = outWidth;
        }
        if (outHeight == height && rowsFirst == 0 && rows == height) return current;

        var result = new byte[outWidth * outHeight];
        for (int yy = 0; yy < outHeight; yy++)
        {
            int ymin = boundsV[yy * 2] - rowsFirst;
            int count = boundsV[yy * 2 + 1];
            int k = yy * ksizeV;
            for (int x = 0; x < width; x++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int y = 0; y < count; y++) sum += current[(ymin + y) * width + x] * kernelV[k + y];
                result[yy * outWidth + x] = Clip8(sum);
            }
        }
        return result;
    }

    /// <summary>Pillow's bicubic kernel with a = -0.5.</summary>
    internal static double BicubicFilter(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static byte Clip8(int sum)
    {
        int v = sum >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    /// <summary>Per output pixel: first input index and count (bounds), and the fixed-point weights (ksize per pixel).</summary>
    private static (int[] Bounds, int[] Kernel, int KSize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = BicubicSupport * filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var kernel = new int[outSize * ksize];
        var weights = new double[ksize];
        double inverseScale = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double total = 0.0;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = BicubicFilter((x + xmin - center + 0.5) * inverseScale);
                weights[x] = w;
                total += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double w = total != 0.0 ? weights[x] / total : weights[x];
                kernel[xx * ksize + x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return (bounds, kernel, ksize);
    }
}
