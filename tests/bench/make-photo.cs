#:project ../../host/Provenance/Provenance.csproj
#:property TreatWarningsAsErrors=false
// A large photo-like JPEG for the sign/verify benchmark (tests/bench/native_start_and_one_read.py):
//   dotnet run tests/bench/make-photo.cs -- OUT.jpg WIDTH HEIGHT QUALITY
// Smooth colour gradients with fine grain (seeded, so every run makes the same file), encoded by SkiaSharp (libjpeg-turbo).
using System;
using System.IO;
using SkiaSharp;

if (args.Length < 4) throw new ArgumentException("usage: make-photo.cs OUT.jpg WIDTH HEIGHT QUALITY");
int width = int.Parse(args[1]), height = int.Parse(args[2]), quality = int.Parse(args[3]);
var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
var pixels = new byte[(long)width * height * 4];
var random = new Random(50);
var grain = new byte[1 << 16];
random.NextBytes(grain);
for (int y = 0; y < height; y++)
{
    for (int x = 0; x < width; x++)
    {
        long i = ((long)y * width + x) * 4;
        int g = grain[(x * 7919 + y * 104729) & 0xFFFF] / 3 - 42;
        pixels[i] = (byte)Math.Clamp(x * 255 / width + g, 0, 255);
        pixels[i + 1] = (byte)Math.Clamp(y * 255 / height + g, 0, 255);
        pixels[i + 2] = (byte)Math.Clamp(128 + (int)(100 * Math.Sin((x + y) / 200.0)) + g, 0, 255);
        pixels[i + 3] = 255;
    }
}
using SKImage image = SKImage.FromPixelCopy(info, pixels, width * 4);
using SKData data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
using (FileStream output = File.Create(args[0])) data.SaveTo(output);
Console.WriteLine($"{args[0]}: {width}x{height}, quality {quality}, {new FileInfo(args[0]).Length} bytes");
