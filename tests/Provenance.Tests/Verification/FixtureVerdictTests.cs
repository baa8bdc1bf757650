using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using Xunit.Abstractions;

namespace Provenance.Tests.Verification;

/// <summary>
/// Every file in shared/fixtures/c2pa gets the verdict and failure codes FIXTURES.md lists (c2pa-rs 0.91.3's reading).
/// PNG, TIFF and WebP need those formats' handlers: until one is registered in <see cref="AssetHandlers.Default"/>,
/// its fixtures report that and return (the integrator registers the formats branch's handlers).
/// </summary>
public class FixtureVerdictTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, Verdict, string[]> Fixtures => new()
    {
        { "CA.jpg", "none", Verdict.Valid, [] },
        { "XCA.jpg", "none", Verdict.Invalid, [ValidationCodes.AssertionDataHashMismatch] },
        { "E-sig-CA.jpg", "none", Verdict.Invalid, [ValidationCodes.ClaimSignatureMismatch] },
        { "C_with_CAWG_data.jpg", "none", Verdict.Valid, [] },
        { "pd-es256.jpg", "none", Verdict.Valid, [] },
        { "pd-es256.jpg", "root", Verdict.Trusted, [] },
        { "pd-es256.png", "none", Verdict.Valid, [] },
        { "pd-es256.png", "root", Verdict.Trusted, [] },
        { "pd-es256.tif", "none", Verdict.Valid, [] },
        { "pd-es256.tif", "root", Verdict.Trusted, [] },
        { "pd-es256.webp", "none", Verdict.Valid, [] },
        { "pd-es256.webp", "root", Verdict.Trusted, [] },
        { "pd-es256-tampered.png", "none", Verdict.Invalid, [ValidationCodes.AssertionDataHashMismatch] },
        { "pd-es256-tampered.png", "root", Verdict.Invalid, [ValidationCodes.AssertionDataHashMismatch] },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureGetsTheVerdictC2paRsGives(string file, string trust, Verdict expected, string[] failureCodes)
    {
        string? folder = TestAssets.FixturesDirectory();
        Assert.True(folder != null, "shared/fixtures/c2pa was not found above " + System.AppContext.BaseDirectory);
        string path = Path.Combine(folder!, file);
        using (FileStream stream = File.OpenRead(path))
        {
            if (AssetHandlers.Default.ForStream(stream) == null)
            {
                output.WriteLine($"SKIPPED: no asset handler for {Path.GetExtension(file)} is registered yet (the formats branch provides it).");
                return;
            }
        }
        TrustSettings settings = trust == "root"
            ? new TrustSettings { Anchors = [X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder!, "pd-test-root.pem")))] }
            : TrustSettings.None;

        FileVerification result = Verifier.VerifyFile(path, settings);
        output.WriteLine($"{file}: {result.Verdict} [{string.Join(", ", result.Codes)}] {result.Reason}");

        Assert.Equal(expected, result.Verdict);
        foreach (string code in failureCodes) Assert.Contains(code, result.Codes);
        string[] unexpectedFailures = result.Codes.Where(ValidationCodes.IsFailure).Except(failureCodes).ToArray();
        Assert.True(unexpectedFailures.Length == 0, "unexpected failure codes: " + string.Join(", ", unexpectedFailures));
        if (expected == Verdict.Valid) Assert.Contains(ValidationCodes.SigningCredentialUntrusted, result.Codes);
    }

    [Fact]
    public void OurFixtureShowsItsAssertions()
    {
        FileVerification result = Verifier.VerifyFile(TestAssets.Fixture("pd-es256.jpg"), TrustSettings.None);
        Assert.Equal(DigitalSourceTypes.DigitalCapture, result.SourceType!.Iptc);
        Assert.Equal("notAllowed", result.ConsentFor("cawg.ai_training"));
        Assert.Equal(4, result.Consent!.Count);
    }

    [Fact]
    public void CawgFixtureShowsItsConsent()
    {
        FileVerification result = Verifier.VerifyFile(TestAssets.Fixture("C_with_CAWG_data.jpg"), TrustSettings.None);
        Assert.Equal("notAllowed", result.ConsentFor("cawg.ai_inference"));
        Assert.Equal("notAllowed", result.ConsentFor("cawg.ai_generative_training"));
    }
}
