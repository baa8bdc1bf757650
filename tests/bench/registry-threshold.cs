#:project ../../host/Provenance/Provenance.csproj
#:property TreatWarningsAsErrors=false
// Chooses the registry's match radius (issue 17): recall of transformed copies and false matches between unrelated
// pictures, per Hamming distance, for the ISCC Image-Code prov computes.
//
// Usage (not CI; needs Debian's openclipart-png: apt-get install openclipart-png):
//   nice -n 10 dotnet run -c Release tests/bench/registry-threshold.cs -- [--every 6] [--folder /usr/share/openclipart/png] [--fixtures ../shared/fixtures/iscc]
//
// The pictures: every Nth PNG of the folder in ordinal path order (deterministic), byte-identical files counted once.
// The copies, made here with SkiaSharp (as a platform or a person re-saving the picture would):
//   q70        JPEG quality 70 (transparency flattened on white, as converters do), metadata gone
//   half       half width and height (cubic resampling), PNG
//   q70-half   JPEG q70, then half size, then PNG: re-encoded, resized, stripped, converted
//   stripped   decoded and re-encoded as PNG (every chunk but the pixels dropped)
// Pairs: every pair of distinct pictures in the set is an unrelated pair (the set's near-duplicates count against us).
// The shared photo fixtures (../shared/fixtures/iscc) are reported too: original against its q70, half, grey, border
// and EXIF-rotated copies, made with Pillow.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Fingerprint;
using SkiaSharp;

int every = 6;
string folder = "/usr/share/openclipart/png";
string? fixtures = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--every": every = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--folder": folder = args[++i]; break;
        case "--fixtures": fixtures = args[++i]; break;
        default: throw new ArgumentException("unknown argument " + args[i]);
    }
}
if (!Directory.Exists(folder)) { Console.Error.WriteLine($"{folder} is missing: apt-get install openclipart-png"); return 2; }

string[] all = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories);
Array.Sort(all, StringComparer.Ordinal);
var picked = new List<string>();
var seen = new HashSet<string>(StringComparer.Ordinal);
for (int i = 0; i < all.Length; i += every)
{
    string digest = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(all[i])));
    if (seen.Add(digest)) picked.Add(all[i]);
}
string[] transforms = ["q70", "half", "q70-half", "stripped"];
var original = new ulong?[picked.Count];
var copies = new ulong?[picked.Count, transforms.Length];
int done = 0, untransformable = 0;
Parallel.For(0, picked.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
{
    byte[] bytes = File.ReadAllBytes(picked[i]);
    original[i] = Code(bytes);
    try
    {
        using SKBitmap? bitmap = original[i] == null ? null : SKBitmap.Decode(bytes);
        if (bitmap != null)
        {
            byte[] q70 = Jpeg(bitmap, 70);
            copies[i, 0] = Code(q70);
            using (SKBitmap half = Half(bitmap)) copies[i, 1] = Code(Png(half));
            using (SKBitmap q70Bitmap = SKBitmap.Decode(q70))
            using (SKBitmap q70Half = Half(q70Bitmap)) copies[i, 2] = Code(Png(q70Half));
            copies[i, 3] = Code(Png(bitmap));
        }
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        // Skia could not allocate or encode a copy of a very large drawing: it stays out of the recall figures.
        Interlocked.Increment(ref untransformable);
    }
    int n = Interlocked.Increment(ref done);
    if (n % 200 == 0) Console.Error.WriteLine($"{n}/{picked.Count} pictures");
});

int[] valid = Enumerable.Range(0, picked.Count).Where(i => original[i] != null).ToArray();
Console.WriteLine($"pictures: {valid.Length} of {picked.Count} picked (every {every}th of {all.Length} PNGs in {folder}, byte-identical files once; {picked.Count - valid.Length} not decodable)");
const int maxRadius = 16;
var pairHistogram = new long[65];
for (int a = 0; a < valid.Length; a++)
    for (int b = a + 1; b < valid.Length; b++)
        pairHistogram[BitOperations.PopCount(original[valid[a]]!.Value ^ original[valid[b]]!.Value)]++;
long pairs = (long)valid.Length * (valid.Length - 1) / 2;
var copyHistogram = new long[transforms.Length, 65];
var copyCounts = new long[transforms.Length];
foreach (int i in valid)
    for (int t = 0; t < transforms.Length; t++)
        if (copies[i, t] is ulong c) { copyHistogram[t, BitOperations.PopCount(original[i]!.Value ^ c)]++; copyCounts[t]++; }

Console.WriteLine($"unrelated pairs: {pairs:N0}; copies made of {copyCounts.Min()} pictures ({untransformable} too large for Skia to copy)");
Console.WriteLine("radius | " + string.Join(" | ", transforms.Select(t => $"recall {t}")) + " | false-match pairs | false-match rate");
for (int r = 0; r <= maxRadius; r++)
{
    var cells = new List<string>();
    for (int t = 0; t < transforms.Length; t++)
    {
        long hit = 0;
        for (int d = 0; d <= r; d++) hit += copyHistogram[t, d];
        cells.Add($"{100.0 * hit / copyCounts[t],6:0.0} %");
    }
    long fm = 0;
    for (int d = 0; d <= r; d++) fm += pairHistogram[d];
    Console.WriteLine($"{r,6} | {string.Join(" | ", cells)} | {fm,9:N0} | {100.0 * fm / pairs:0.000} %");
}
Console.WriteLine($"pairs with identical codes: {pairHistogram[0]:N0}");

if (fixtures != null && Directory.Exists(fixtures))
{
    Console.WriteLine("shared photo fixtures (Pillow-made copies): distance to the original");
    foreach (string orig in Directory.GetFiles(fixtures, "*.png").Where(f => File.Exists(Path.Combine(fixtures, Path.GetFileNameWithoutExtension(f) + "-q70.jpg"))).Order(StringComparer.Ordinal))
    {
        string stem = Path.GetFileNameWithoutExtension(orig);
        ulong? o = Code(File.ReadAllBytes(orig));
        var cells = new List<string>();
        foreach (string suffix in new[] { "q70.jpg", "half.png", "gray.png", "border.png", "exif6.jpg" })
        {
            string copy = Path.Combine(fixtures, $"{stem}-{suffix}");
            ulong? c = File.Exists(copy) ? Code(File.ReadAllBytes(copy)) : null;
            cells.Add(o is ulong x && c is ulong y ? $"{suffix} {BitOperations.PopCount(x ^ y)}" : $"{suffix} -");
        }
        // The chain the registry test uses, made here: q70, half, PNG.
        using SKBitmap? bitmap = SKBitmap.Decode(orig);
        if (bitmap != null && o is ulong ox)
        {
            using SKBitmap q = SKBitmap.Decode(Jpeg(bitmap, 70));
            using SKBitmap h = Half(q);
            cells.Add($"q70-half(png) {BitOperations.PopCount(ox ^ Code(Png(h))!.Value)}");
        }
        Console.WriteLine($"  {stem}: {string.Join(", ", cells)}");
    }
}
return 0;

static ulong? Code(byte[] bytes)
{
    using var stream = new MemoryStream(bytes, writable: false);
    return ImageDecoder.TryDecode(stream)?.Code().Hash;
}

static byte[] Jpeg(SKBitmap bitmap, int quality)
{
    using var flat = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
    using (var canvas = new SKCanvas(flat))
    {
        canvas.Clear(SKColors.White);
        canvas.DrawBitmap(bitmap, 0, 0);
    }
    using SKData data = flat.Encode(SKEncodedImageFormat.Jpeg, quality);
    return data.ToArray();
}

static byte[] Png(SKBitmap bitmap)
{
    using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
    return data.ToArray();
}

static SKBitmap Half(SKBitmap bitmap) =>
    bitmap.Resize(new SKImageInfo(Math.Max(1, bitmap.Width / 2), Math.Max(1, bitmap.Height / 2), bitmap.ColorType, bitmap.AlphaType), new SKSamplingOptions(SKCubicResampler.Mitchell));
