using System;
using System.IO;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

/// <summary>Damaged files must fail with <see cref="AssetFormatException"/> (or read), never with another exception.</summary>
public class MutationTests
{
    [Theory]
    [InlineData("png")]
    [InlineData("tiff-le")]
    [InlineData("tiff-be")]
    [InlineData("bigtiff")]
    [InlineData("webp")]
    public void RandomDamage_OnlyEverRaisesAssetFormatException(string format)
    {
        (IAssetHandler handler, byte[] source) = format switch
        {
            "png" => ((IAssetHandler)new PngHandler(), Png(6, 5)),
            "tiff-le" => (new TiffHandler(), TiffBuilder.Build(true, false, 6, 5, pages: 2)),
            "tiff-be" => (new TiffHandler(), TiffBuilder.Build(false, false, 6, 5)),
            "bigtiff" => (new TiffHandler(), TiffBuilder.Build(true, true, 6, 5, pages: 2)),
            _ => (new WebpHandler(), WebpHandlerTests.Lossy16),
        };
        var (_, signed) = Embed(handler, source, FakeStore(64), "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>");
        var random = new Random(format.GetHashCode(StringComparison.Ordinal) ^ 12345);

        for (int round = 0; round < 400; round++)
        {
            byte[] damaged = (byte[])signed.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                int at = random.Next(Math.Min(damaged.Length, 160));
                damaged[at] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }
            if (random.Next(4) == 0) damaged = damaged[..random.Next(damaged.Length)];

            Exercise(handler, damaged, round);
        }
    }

    private static void Exercise(IAssetHandler handler, byte[] damaged, int round)
    {
        Action[] calls =
        [
            () => handler.ReadManifestStore(new MemoryStream(damaged)),
            () => handler.ReadXmp(new MemoryStream(damaged)),
            () => handler.GetStoreExclusions(new MemoryStream(damaged)),
            () => handler.WriteWithPlaceholder(new MemoryStream(damaged), new MemoryStream(), 64, "<a/>"),
        ];
        foreach (Action call in calls)
        {
            try
            {
                call();
            }
            catch (AssetFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"round {round}: {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(damaged.AsSpan(0, Math.Min(64, damaged.Length)))}");
            }
        }
    }
}
