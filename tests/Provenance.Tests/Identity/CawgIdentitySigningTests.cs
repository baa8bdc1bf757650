using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Device;
using Provenance.Identity;
using Provenance.Tests.TestSupport;
using Provenance.Trust;
using Provenance.Verification;
using ProvenanceDevice.Token.Protocol;
using AssetFolder = Provenance.Tests.TestSupport.TempFolder;

namespace Provenance.Tests.Identity;

/// <summary>
/// ArtworkSigner with a token enrolled with its artist's identity certificate: the file carries a `cawg.identity`
/// assertion that the verifier shows as her verified identity, with the token firmware of today (one press, paired
/// SIGN) and with firmware that predates the pairing (refuses offset FFFE with BadPayload; a second press).
/// </summary>
public sealed class CawgIdentitySigningTests
{
    private const string Password = "cawg-identity-password";

    private static async Task<(ArtworkSignResult Result, TrustSettings Trust, int Signs)> SignAsync(AssetFolder folder, bool cawgIdentity, bool oldFirmware)
    {
        string identityFolder = folder.File("identity");
        ArtistIdentity identity = ArtistIdentity.Create("Ada Artist", "ada@example.org", "https://ada.example.org", Password, identityFolder, ArtistIdentity.MinKeyDerivationIterations);
        await using TokenClient embedded = EmbeddedToken.Open(folder.File("token"));
        using (UnlockedIdentity unlocked = identity.Unlock(Password))
            await TokenEnrollment.EnrollAsync(embedded, unlocked, cawgIdentity);
        var token = new CountingToken(embedded, oldFirmware);
        string input = folder.File("scan.jpg");
        File.WriteAllBytes(input, TestAssets.SmallJpeg());
        string output = folder.File("signed.jpg");
        ArtworkSignResult result = await ArtworkSigner.SignFileAsync(input, output, token,
            new ArtworkSignOptions { IdentityDirectory = identityFolder, Source = CaptureSource.Scan }, null);
        var trust = new TrustSettings { Anchors = [identity.RootCertificate] };
        return (result, trust, token.Signs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheFileCarriesTheArtistsVerifiedIdentity(bool oldFirmware)
    {
        using AssetFolder folder = TestAssets.NewFolder();
        (ArtworkSignResult result, TrustSettings trust, int signs) = await SignAsync(folder, cawgIdentity: true, oldFirmware);

        Assert.True(result.IdentityAsserted);
        Assert.Null(result.IdentityNote);
        Assert.Equal(2, signs);
        FileVerification verified = Verifier.VerifyFile(result.Output, trust);
        Assert.Equal(Verdict.Trusted, verified.Verdict);
        Provenance.Verification.Cawg.IdentityFacts identity = Assert.Single(verified.Identities);
        Assert.True(identity.Verified, string.Join(", ", identity.Codes));
        Assert.True(identity.IssuerTrusted);
        Assert.Equal("Ada Artist", identity.Issuer);
        // The claim's counter is the token's second signature for this file.
        Assert.Equal(result.Counter, verified.Token!.Counter);
        Assert.True(verified.Token.CounterBound);
    }

    [Fact]
    public async Task WithoutAnIdentityCertificateTheFileHasNoIdentityAndSignsOnce()
    {
        using AssetFolder folder = TestAssets.NewFolder();
        (ArtworkSignResult result, TrustSettings trust, int signs) = await SignAsync(folder, cawgIdentity: false, oldFirmware: false);

        Assert.False(result.IdentityAsserted);
        Assert.Contains("--cawg-identity", result.IdentityNote, StringComparison.Ordinal);
        Assert.Equal(1, signs);
        Assert.Empty(Verifier.VerifyFile(result.Output, trust).Identities);
    }

    /// <summary>The embedded token, counting SIGNs; as old firmware it refuses offset FFFE the way that firmware does.</summary>
    private sealed class CountingToken(TokenClient inner, bool oldFirmware) : IToken
    {
        public int Signs { get; private set; }

        public string Endpoint => inner.Endpoint;

        public Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

        public Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default) => inner.GetPublicKeyAsync(cancellationToken);

        public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default)
        {
            Signs++;
            return inner.SignAsync(toBeSigned, presence, cancellationToken);
        }

        public Task<TokenSignature> SignBoundAsync(byte[] toBeSigned, int bindingOffset, IPresencePrompt? presence, CancellationToken cancellationToken = default)
        {
            Signs++;
            return inner.SignBoundAsync(toBeSigned, bindingOffset, presence, cancellationToken);
        }

        public Task<TokenSignature> SignPairedAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default)
        {
            if (oldFirmware) throw new TokenErrorException(ErrorCode.BadPayload, "SIGN: binding offset at offset 4 lies beyond the to-be-signed bytes");
            Signs++;
            return inner.SignPairedAsync(toBeSigned, presence, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
