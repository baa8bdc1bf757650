using System;
using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.C2pa;

/// <summary>
/// DESIGN.md performance model: the data hash is computed while the signed copy is written, and it is the same
/// hash a reader computes from the finished file.
/// </summary>
public class OnePassSigningTests
{
    [Theory]
    [InlineData("artwork.jpg")]
    [InlineData("artwork.png")]
    [InlineData("artwork.tif")]
    [InlineData("artwork.webp")]
    public async Task EveryFormatIsHashedWhileWrittenAndTheHashMatchesTheFile(string sample)
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string output = folder.File("signed-" + sample);

        SignResult result = await new ManifestSigner().SignFileAsync(SamplePath(sample), output, Signing.Request(), pki.Signer());

        Assert.True(result.HashedWhileWriting);
        using (var signed = File.OpenRead(output))
            Assert.Equal(DataHasher.Hash(signed, result.Exclusions, "sha256"), result.DataHash);
        Assert.Equal(Verdict.Valid, Verifier.VerifyFile(output, TrustSettings.None).Verdict);
    }

    [Fact]
    public void SeekingBackMakesTheRunningHashUnusable()
    {
        using var inner = new MemoryStream();
        using var hashing = new HashingWriteStream(inner, System.Security.Cryptography.HashAlgorithmName.SHA256);
        hashing.Write([1, 2, 3]);
        hashing.ExcludeNext(2);
        hashing.Write([9, 9, 4]);
        Assert.True(hashing.IsSequential);
        Assert.Equal([new HashRange(3, 2)], hashing.Exclusions);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(new byte[] { 1, 2, 3, 4 }), hashing.GetHash());
        hashing.Position = 0;
        Assert.False(hashing.IsSequential);
    }

    private static string SamplePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"samples/{name} not found above {AppContext.BaseDirectory}");
    }
}
