using Microsoft.Extensions.Primitives;
using Provenance.Cli.Serve;

namespace Provenance.Cli.Tests.Serve;

/// <summary>The name and request checks of `prov serve` on their own (ServeHardeningTests drives them over HTTP).</summary>
public sealed class ServeGuardTests
{
    [Theory]
    [InlineData("scan.jpg", "scan.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\ana\\scan.tif", "scan.tif")]
    [InlineData("  spaced.png  ", "spaced.png")]
    [InlineData("", "upload")]
    [InlineData("..", "upload")]
    [InlineData("folder/", "upload")]
    [InlineData("Zeichnung – entwurf.webp", "Zeichnung – entwurf.webp")]
    public void NamesKeepOnlyTheirLastSegment(string requested, string shown)
    {
        Assert.True(UploadName.TryClean(requested, out string name, out _));
        Assert.Equal(shown, name);
    }

    [Theory]
    [InlineData("a\0.png", "control characters")]
    [InlineData("a\u001b[2J.png", "control characters")]
    [InlineData("invoice\u202Egpj.exe", "control characters")]
    [InlineData("\u0085.png", "control characters")]
    public void NamesWithControlCharactersAreRefusedWithoutRepeatingThem(string requested, string problem)
    {
        Assert.False(UploadName.TryClean(requested, out _, out string message));
        Assert.Contains(problem, message);
        Assert.DoesNotContain(requested, message);
    }

    [Fact]
    public void NamesLongerThanAFileNameCanBeAreRefused()
    {
        Assert.True(UploadName.TryClean(new string('é', 127) + ".", out _, out _)); // 255 bytes
        Assert.False(UploadName.TryClean(new string('é', 128), out _, out string problem)); // 256 bytes
        Assert.Equal("the file name is longer than 255 bytes", problem);
    }

    [Theory]
    [InlineData("scan.jpg", "upload.jpg")]
    [InlineData("passwd", "upload")]
    [InlineData("x.tar.gz", "upload.gz")]
    [InlineData("odd.j pg", "upload")]
    [InlineData("long.abcdefghijk", "upload")]
    public void UploadsAreStoredUnderAFixedNameKeepingOnlyAPlainExtension(string name, string onDisk) =>
        Assert.Equal(onDisk, UploadName.OnDisk(name));

    [Theory]
    [InlineData("127.0.0.1:8420", null, true)]
    [InlineData("localhost:8420", null, true)]
    [InlineData("LOCALHOST:8420", null, true)]
    [InlineData("[::1]:8420", null, true)]
    [InlineData("127.0.0.1:8420", "http://127.0.0.1:8420", true)]
    [InlineData("localhost:8420", "http://localhost:8420", true)]
    [InlineData("localhost:8420", "http://127.0.0.1:8420", false)]
    [InlineData("127.0.0.1:8420", "http://evil.example", false)]
    [InlineData("127.0.0.1:8420", "null", false)]
    [InlineData("127.0.0.1:8420", "https://127.0.0.1:8420", false)]
    [InlineData("evil.example:8420", null, false)]
    [InlineData("127.0.0.1:8421", null, false)]
    [InlineData("127.0.0.1", null, false)]
    [InlineData("", null, false)]
    public void OnlyOurOwnAddressesAndOurOwnPageGetThrough(string host, string? origin, bool allowed)
    {
        var guard = new RequestGuard(8420);
        string? refusal = guard.Refusal(host, origin is null ? StringValues.Empty : new StringValues(origin));
        Assert.Equal(allowed, refusal is null);
    }

    [Fact]
    public void TwoOriginsAreRefused() =>
        Assert.NotNull(new RequestGuard(8420).Refusal("127.0.0.1:8420", new StringValues(["http://127.0.0.1:8420", "http://evil.example"])));
}
