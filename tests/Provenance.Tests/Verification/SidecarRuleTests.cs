using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.Verification;

/// <summary>DESIGN.md "Sidecars": two files with one stem never share a sidecar, and a sidecar is never adopted by a file it does not belong to.</summary>
public sealed class SidecarRuleTests
{
    private static byte[] Bytes(int seed)
    {
        var data = new byte[4096];
        new System.Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task TwoFilesWithOneStemGetASidecarEach()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string psd = folder.File("painting.psd"), kra = folder.File("painting.kra");
        File.WriteAllBytes(psd, Bytes(1));
        File.WriteAllBytes(kra, Bytes(2));

        SignResult first = await new ManifestSigner().SignFileAsync(psd, psd, Signing.Request(), pki.Signer());
        SignResult second = await new ManifestSigner().SignFileAsync(kra, kra, Signing.Request(), pki.Signer());

        Assert.True(File.Exists(psd + ".c2pa"));
        Assert.True(File.Exists(kra + ".c2pa"));
        Assert.False(File.Exists(folder.File("painting.c2pa")));
        Assert.False(second.HasParentIngredient);
        Assert.False(first.HasParentIngredient);
        var trust = new TrustSettings { Anchors = [pki.Root] };
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(psd, trust).Verdict);
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(kra, trust).Verdict);
    }

    [Fact]
    public async Task ASharedPlainSidecarIsNeverAdoptedByTheOtherFile()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string kra = folder.File("painting.kra");
        File.WriteAllBytes(kra, Bytes(3));
        await new ManifestSigner().SignFileAsync(kra, kra, Signing.Request(), pki.Signer());
        Assert.True(File.Exists(folder.File("painting.c2pa")));    // alone in its folder: where c2patool looks

        string psd = folder.File("painting.psd");
        File.WriteAllBytes(psd, Bytes(4));
        var trust = new TrustSettings { Anchors = [pki.Root] };
        FileVerification other = Verifier.VerifyFile(psd, trust);
        Assert.Equal(Verdict.Missing, other.Verdict);
        Assert.Contains("belongs to another file", other.Reason, System.StringComparison.Ordinal);
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(kra, trust).Verdict);

        // Signing the newcomer does not take the other file's manifest as its parent, nor overwrite its sidecar.
        byte[] kraSidecar = File.ReadAllBytes(folder.File("painting.c2pa"));
        SignResult signed = await new ManifestSigner().SignFileAsync(psd, psd, Signing.Request(), pki.Signer());
        Assert.False(signed.HasParentIngredient);
        Assert.Equal(kraSidecar, File.ReadAllBytes(folder.File("painting.c2pa")));
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(psd, trust).Verdict);
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(kra, trust).Verdict);
    }

    [Fact]
    public void AStraySidecarIsAnErrorRow()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string stray = folder.File("ghost.c2pa");
        File.WriteAllBytes(stray, Bytes(5));
        FileVerification result = Verifier.VerifyFile(stray, TrustSettings.None);
        Assert.Equal(Verdict.Error, result.Verdict);
        Assert.Contains("without its asset", result.Reason, System.StringComparison.Ordinal);
        Assert.False(SidecarHandler.HasAsset(stray));
        File.WriteAllBytes(folder.File("ghost.kra"), Bytes(6));
        Assert.True(SidecarHandler.HasAsset(stray));
    }
}
