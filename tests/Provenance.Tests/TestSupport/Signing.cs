using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Formats;
using Provenance.Verification;

namespace Provenance.Tests.TestSupport;

internal static class Signing
{
    public static SigningRequest Request(string? xmp = null, System.Uri? tsa = null)
    {
        var consent = ConsentClaims.AllNotAllowed();
        consent.Set(ConsentUse.DataMining, ConsentPermission.Constrained, "research only, ask first");
        return new SigningRequest
        {
            Title = "Harbour at dawn",
            ArtistName = "Ada Example",
            Source = CaptureSource.Scan,
            Consent = consent,
            TokenSerial = "PD-0042",
            TokenCounter = 17,
            KeyProtection = TokenKeyProtection.SecureElement,
            Xmp = xmp,
            TimeStampAuthority = tsa,
        };
    }

    public static async Task<(byte[] Bytes, SignResult Result)> SignJpegAsync(byte[] jpeg, IClaimSigner signer, SigningRequest? request = null)
    {
        using var input = new MemoryStream(jpeg);
        using var output = new MemoryStream();
        SignResult result = await new ManifestSigner().SignAsync(input, output, new JpegHandler(), request ?? Request(), signer, default);
        return (output.ToArray(), result);
    }

    public static FileVerification Verify(byte[] asset, TrustSettings? trust = null)
    {
        using var stream = new MemoryStream(asset);
        return Verifier.VerifyStream(stream, "test.jpg", trust ?? TrustSettings.None, AssetHandlers.Default);
    }
}
