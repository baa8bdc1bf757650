using System;
using System.Buffers.Binary;
using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Fingerprint;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using SkiaSharp;
using Xunit.Abstractions;

namespace Provenance.Tests.Fingerprint;

/// <summary>
/// Issue 12 "Thumbnails": every signed image carries a `c2pa.thumbnail.claim.jpeg` the verifier shows, upright, of
/// bounded size; a large uncompressed TIFF gets its thumbnail and ISCC code from strips sampled during the hashing copy.
/// </summary>
public class ThumbnailTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("jpg")]
    [InlineData("png")]
    [InlineData("tif")]
    [InlineData("webp")]
    public async Task A_signed_image_shows_a_thumbnail_of_its_picture(string extension)
    {
        // Left half black, right half white, 900 × 300: the thumbnail keeps the shape and the two halves.
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("halves." + extension);
        File.WriteAllBytes(input, extension == "tif" ? UncompressedRgbTiff(Halves(900, 300), rowsPerStrip: 7) : Encode(Halves(900, 300), extension));
        FileVerification verified = await SignAndVerifyAsync(folder, input);

        ThumbnailFacts thumbnail = Assert.IsType<ThumbnailFacts>(verified.Thumbnail);
        Assert.Equal("image/jpeg", thumbnail.MediaType);
        Assert.True(thumbnail.Bytes.Length <= Thumbnail.MaxBytes);
        using SKBitmap shown = SKBitmap.Decode(thumbnail.Bytes);
        Assert.Equal((450, 150), (shown.Width, shown.Height));
        Assert.True(shown.GetPixel(50, 75).Red < 30, "the left half is black");
        Assert.True(shown.GetPixel(400, 75).Red > 225, "the right half is white");
    }

    [Fact]
    public async Task A_thumbnail_is_upright_when_the_pixels_are_stored_turned()
    {
        // The ISCC fixture stored rotated with EXIF Orientation 6: its thumbnail has the upright picture's shape.
        string fixture = IsccFixtures.PathOf("truepic-20230212-landscape-exif6.jpg");
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("turned.jpg");
        File.Copy(fixture, input);
        using var codec = SKCodec.Create(fixture);
        Assert.Equal(SKEncodedOrigin.RightTop, codec.EncodedOrigin);

        FileVerification verified = await SignAndVerifyAsync(folder, input);
        using SKBitmap shown = SKBitmap.Decode(verified.Thumbnail!.Bytes);
        using SKBitmap upright = SKBitmap.Decode(IsccFixtures.PathOf("truepic-20230212-landscape.png"));
        Assert.Equal(upright.Width > upright.Height, shown.Width > shown.Height);
        Assert.NotEqual(codec.Info.Width > codec.Info.Height, shown.Width > shown.Height);
    }

    [Fact]
    public void A_large_picture_gets_a_thumbnail_within_the_size_bounds()
    {
        // Noise is the worst case for JPEG: the quality steps down (and the size halves) until the bytes fit.
        var pixels = new byte[2000 * 1500 * 4];
        new Random(7).NextBytes(pixels);
        for (int i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        byte[] jpeg = Thumbnail.FromImage(new DecodedImage(new RgbaImage(2000, 1500, pixels), ExifOrientation.Normal));
        using SKBitmap shown = SKBitmap.Decode(jpeg);
        log.WriteLine($"noise 2000×1500: thumbnail {shown.Width}×{shown.Height}, {jpeg.Length} bytes");
        Assert.True(jpeg.Length <= Thumbnail.MaxBytes, $"{jpeg.Length} bytes");
        Assert.True(Math.Max(shown.Width, shown.Height) <= Thumbnail.MaxSide);

        byte[] padded = Thumbnail.PadTo(jpeg, Thumbnail.MaxBytes);
        Assert.Equal(Thumbnail.MaxBytes, padded.Length);
        using SKBitmap same = SKBitmap.Decode(padded);
        Assert.Equal(shown.GetPixel(10, 10), same.GetPixel(10, 10));
    }

    [Fact]
    public async Task A_streamed_tiff_scan_gets_the_thumbnail_and_the_code_of_its_pixels()
    {
        // The ISCC fixture photo as an uncompressed RGB TIFF scan, signed on the streaming path (in-memory limit
        // lowered below its size): the code sampled from its strips is the reference code of the same pixels.
        string png = IsccFixtures.PathOf("truepic-20230212-landscape.png");
        string reference = ReferenceCode("truepic-20230212-landscape.png");
        using SKBitmap picture = SKBitmap.Decode(png);
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("scan.tif");
        File.WriteAllBytes(input, UncompressedRgbTiff(picture, rowsPerStrip: 16));

        FileVerification verified;
        using (SigningPixels.UseInMemoryLimit(64 * 1024))
            verified = await SignAndVerifyAsync(folder, input);
        Assert.NotNull(verified.Thumbnail);
        using SKBitmap shown = SKBitmap.Decode(verified.Thumbnail.Bytes);
        Assert.Equal((picture.Width, picture.Height), (shown.Width, shown.Height));
        // The padded slot: the thumbnail of a streamed file fills exactly the bytes reserved before the copy.
        Assert.Equal(Thumbnail.MaxBytes, verified.Thumbnail.Bytes.Length);
        Assert.Equal(reference, SoftBinding(Signed(input)));

        // Three times the size (each pixel 3 × 3): the sample is reduced by 2 before the code, and the code stays
        // within the 0–2 bits a resize moves it (ISCC fixtures' README).
        using SKBitmap large = picture.Resize(new SKImageInfo(picture.Width * 3, picture.Height * 3), new SKSamplingOptions(SKFilterMode.Nearest));
        string bigInput = folder.File("scan-large.tif");
        File.WriteAllBytes(bigInput, UncompressedRgbTiff(large, rowsPerStrip: 5));
        using (SigningPixels.UseInMemoryLimit(64 * 1024))
            verified = await SignAndVerifyAsync(folder, bigInput);
        string streamed = SoftBinding(Signed(bigInput));
        int distance = IsccImageCode.Parse(streamed).DistanceTo(IsccImageCode.Parse(reference));
        log.WriteLine($"{large.Width}×{large.Height} streamed: {streamed} is {distance} bits from {reference}");
        Assert.InRange(distance, 0, 2);
    }

    [Fact]
    public void The_strip_sampler_reads_sixteen_bit_grey_as_libtiff_does()
    {
        // 16-bit big-endian WhiteIsZero grey, a ramp across: sampled from its strips (the high byte of each sample,
        // inverted) it is the picture LibTiff.NET decodes from the whole file.
        const int width = 300, height = 40;
        byte[] tiff = SixteenBitGreyTiff(width, height);
        using var stream = new MemoryStream(tiff);
        TiffStripSampler sampler = TiffStripSampler.TryCreate(stream) ?? throw new InvalidOperationException("not sampled");
        sampler.Observe(0, tiff);
        Assert.True(sampler.Complete);
        RgbaImage sampled = sampler.Sample().Image;
        RgbaImage decoded = TiffDecoder.TryDecode(tiff)!.Image;
        Assert.Equal((width, height), (sampled.Width, sampled.Height));
        Assert.Equal(decoded.Pixels, sampled.Pixels);
    }

    private static byte[] SixteenBitGreyTiff(int width, int height)
    {
        using var tiff = new MemoryStream();
        tiff.Write("MM\0*\0\0\0\0"u8);
        uint data = (uint)tiff.Position;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int v = x * 65535 / (width - 1);
                tiff.Write([(byte)(v >> 8), (byte)v]);
            }
        uint ifd = (uint)tiff.Position;
        (ushort Tag, uint Value)[] entries = [(256, (uint)width), (257, (uint)height), (258, 16), (259, 1), (262, 0), (273, data), (277, 1), (278, (uint)height), (279, (uint)(width * height * 2))];
        tiff.Write([0, (byte)entries.Length]);
        foreach (var (tag, value) in entries)
        {
            var entry = new byte[12];
            BinaryPrimitives.WriteUInt16BigEndian(entry, tag);
            BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(2), 4);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(4), 1);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(8), value);
            tiff.Write(entry);
        }
        tiff.Write([0, 0, 0, 0]);
        byte[] bytes = tiff.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), ifd);
        return bytes;
    }

    [Fact]
    public async Task A_saved_version_of_a_history_carries_a_small_thumbnail_and_a_plain_signature_a_full_one()
    {
        // Issue 16: every version's manifest travels in the final export, so a version's thumbnail is kept small.
        using var folder = new TempFolder();
        using SKBitmap picture = Halves(1600, 1000);
        string input = Path.Combine(folder.Path, "drawing.png");
        using (SKData png = picture.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(input, png.ToArray());
        using var pki = new TestPki("Thumbnail Artist");
        string plain = Path.Combine(folder.Path, "plain.png"), version = Path.Combine(folder.Path, "version.png");
        await new ManifestSigner().SignFileAsync(input, plain, Signing.Request(), pki.Signer());
        SigningRequest plainRequest = Signing.Request();
        var versionRequest = new SigningRequest
        {
            Title = plainRequest.Title, ArtistName = plainRequest.ArtistName, Source = plainRequest.Source, Consent = plainRequest.Consent, HistoryVersion = true,
        };
        await new ManifestSigner().SignFileAsync(input, version, versionRequest, pki.Signer());

        using SKBitmap full = SKBitmap.Decode(Verifier.VerifyFile(plain, TrustSettings.None).Thumbnail!.Bytes);
        FileVerification versionVerified = Verifier.VerifyFile(version, TrustSettings.None);
        Assert.Equal(Verdict.Valid, versionVerified.Verdict);
        using SKBitmap small = SKBitmap.Decode(versionVerified.Thumbnail!.Bytes);
        Assert.True(Math.Max(full.Width, full.Height) > Thumbnail.VersionMaxSide, $"a plain signature's thumbnail is {full.Width}x{full.Height}");
        Assert.True(Math.Max(small.Width, small.Height) <= Thumbnail.VersionMaxSide, $"a version's thumbnail is {small.Width}x{small.Height}");
        Assert.True(versionVerified.Thumbnail.Bytes.Length <= Thumbnail.VersionMaxBytes);
    }

    private static string Signed(string input) => Path.Combine(Path.GetDirectoryName(input)!, "signed-" + Path.GetFileName(input));

    private static async Task<FileVerification> SignAndVerifyAsync(TempFolder folder, string input)
    {
        using var pki = new TestPki("Thumbnail Artist");
        string output = Signed(input);
        await new ManifestSigner().SignFileAsync(input, output, Signing.Request(), pki.Signer());
        FileVerification verified = Verifier.VerifyFile(output, TrustSettings.None);
        Assert.Equal(Verdict.Valid, verified.Verdict);
        Assert.Contains(verified.Statuses, st => st.Code == ValidationCodes.AssertionHashedUriMatch && st.Url!.EndsWith("/" + Thumbnail.Label, StringComparison.Ordinal));
        return verified;
    }

    /// <summary>The ISCC code the signed file's active manifest states.</summary>
    private static string SoftBinding(string signed)
    {
        using Stream stream = File.OpenRead(signed);
        IAssetHandler handler = AssetHandlers.Default.ForStream(stream)!;
        ManifestStore store = ManifestStore.Parse(handler.ReadManifestStore(stream)!);
        return (SoftBindingReader.IsccCode(store.Active!) ?? throw new InvalidOperationException("no soft binding")).ToString();
    }

    private static string ReferenceCode(string file)
    {
        foreach ((string name, string code, _) in IsccFixtures.Rows()) if (name == file) return code;
        throw new InvalidOperationException(file + " is not in expected.tsv");
    }

    private static SKBitmap Halves(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, x < width / 2 ? SKColors.Black : SKColors.White);
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, string extension)
    {
        using SKImage image = SKImage.FromBitmap(bitmap);
        SKEncodedImageFormat format = extension switch { "jpg" => SKEncodedImageFormat.Jpeg, "png" => SKEncodedImageFormat.Png, _ => SKEncodedImageFormat.Webp };
        using SKData data = image.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>An uncompressed 8-bit RGB TIFF (TIFF 6.0 §6), strips of <paramref name="rowsPerStrip"/> rows, IFD after the data.</summary>
    internal static byte[] UncompressedRgbTiff(SKBitmap bitmap, int rowsPerStrip)
    {
        int width = bitmap.Width, height = bitmap.Height;
        int strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        using var tiff = new MemoryStream();
        tiff.Write("II*\0\0\0\0\0"u8);
        var offsets = new uint[strips];
        var counts = new uint[strips];
        for (int s = 0; s < strips; s++)
        {
            offsets[s] = (uint)tiff.Position;
            for (int y = s * rowsPerStrip; y < Math.Min(height, (s + 1) * rowsPerStrip); y++)
                for (int x = 0; x < width; x++)
                {
                    SKColor c = bitmap.GetPixel(x, y);
                    tiff.Write([c.Red, c.Green, c.Blue]);
                }
            counts[s] = (uint)(tiff.Position - offsets[s]);
        }
        uint bitsAt = (uint)tiff.Position;
        tiff.Write([8, 0, 8, 0, 8, 0]);
        uint offsetsAt = (uint)tiff.Position;
        foreach (uint o in offsets) WriteU32(tiff, o);
        uint countsAt = (uint)tiff.Position;
        foreach (uint c in counts) WriteU32(tiff, c);
        if (tiff.Position % 2 == 1) tiff.WriteByte(0);
        uint ifd = (uint)tiff.Position;
        (ushort Tag, ushort Type, uint Count, uint Value)[] entries =
        [
            (256, 4, 1, (uint)width), (257, 4, 1, (uint)height), (258, 3, 3, bitsAt), (259, 3, 1, 1), (262, 3, 1, 2),
            (273, 4, (uint)strips, strips == 1 ? offsets[0] : offsetsAt), (277, 3, 1, 3), (278, 4, 1, (uint)rowsPerStrip),
            (279, 4, (uint)strips, strips == 1 ? counts[0] : countsAt), (284, 3, 1, 1),
        ];
        var count = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(count, (ushort)entries.Length);
        tiff.Write(count);
        foreach (var (tag, type, n, value) in entries)
        {
            var entry = new byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(2), type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), n);
            if (type == 3 && n == 1) BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(8), (ushort)value);
            else BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), value);
            tiff.Write(entry);
        }
        WriteU32(tiff, 0);
        byte[] bytes = tiff.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ifd);
        return bytes;
    }

    private static void WriteU32(Stream stream, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        stream.Write(b);
    }
}
