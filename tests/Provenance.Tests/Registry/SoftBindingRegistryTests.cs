using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Fingerprint;
using Provenance.Registry;
using Provenance.Tests.Fingerprint;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.Registry;

public sealed class SoftBindingRegistryTests
{
    [Fact]
    public async Task Transformed_copies_find_their_work_and_unrelated_pictures_do_not()
    {
        using var pki = new TestPki("Registry Artist");
        using TempFolder folder = TestAssets.NewFolder();
        string database = folder.File("registry.db");
        string[] works = ["earth_apollo17.png", "TUSCANY.png", "nikon-20221019-building.png"];
        var ids = new string[works.Length];
        byte[]? firstStore = null;
        using (SoftBindingRegistry registry = SoftBindingRegistry.Open(database))
        {
            for (int i = 0; i < works.Length; i++)
            {
                string signed = folder.File("signed-" + works[i]);
                await new ManifestSigner().SignFileAsync(IsccFixtures.PathOf(works[i]), signed, Signing.Request(), pki.Signer());
                RegistryEntry entry = RegistryEntry.FromSignedFile(signed);
                Assert.True(entry.CodeFromManifest);
                registry.Add(entry.ManifestId, entry.Code, entry.Store, works[i]);
                ids[i] = entry.ManifestId;
                firstStore ??= entry.Store;
            }
        }

        // Reopened: what was added persisted.
        using SoftBindingRegistry reopened = SoftBindingRegistry.Open(database);
        Assert.Equal(firstStore, reopened.ManifestStore(ids[0]));
        Assert.Null(reopened.ManifestStore("urn:c2pa:unknown"));
        foreach (string copy in new[] { "earth_apollo17-q70.jpg", "earth_apollo17-half.png", "earth_apollo17-gray.png", "earth_apollo17-exif6.jpg" })
        {
            RegistryMatch match = Assert.Single(reopened.Find(Code(copy)));
            Assert.Equal(ids[0], match.ManifestId);
            Assert.InRange(match.Distance, 0, 2);
        }
        Assert.Equal(ids[1], Assert.Single(reopened.Find(Code("TUSCANY-q70.jpg"))).ManifestId);
        // Another picture, and a mirror image (a different picture for matching), find nothing.
        Assert.Empty(reopened.Find(Code("mars.png")));
        Assert.Empty(reopened.Find(Code("nikon-20221019-building-mirror.png")));
        // With the radius opened to every bit, everything matches, nearest first.
        var all = reopened.Find(Code("TUSCANY.png"), maxDistance: 64);
        Assert.Equal(3, all.Count);
        Assert.Equal(ids[1], all[0].ManifestId);
        Assert.Equal(1.0, all[0].Similarity);
    }

    [Fact]
    public void Files_without_intact_credentials_are_not_registered()
    {
        Assert.Throws<InvalidDataException>(() => RegistryEntry.FromSignedFile(IsccFixtures.PathOf("mars.png")));
    }

    private static IsccImageCode Code(string fixture) => ImageDecoder.TryDecodeFile(IsccFixtures.PathOf(fixture))!.Code();
}
