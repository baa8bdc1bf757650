using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Provenance.Identity;

namespace Provenance.Tests.Identity;

public sealed class DevelopmentIdentityTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_development_identity_is_created_once_labelled_and_certifies_tokens_as_development()
    {
        string folder = temp.Combine("dev");
        string fingerprint;
        using (UnlockedIdentity created = DevelopmentIdentity.GetOrCreate(folder))
        {
            fingerprint = created.Identity.Fingerprint;
            Assert.True(created.Identity.IsDevelopment);
            Assert.Equal(DevelopmentIdentity.RootName, created.Identity.Name);
        }

        string keyFile = File.ReadAllText(Path.Combine(folder, ArtistIdentity.DevelopmentKeyFile));
        Assert.Contains("NOT password-protected", keyFile, StringComparison.Ordinal);
        Assert.Contains("NOT an artist", keyFile, StringComparison.Ordinal);

        using UnlockedIdentity again = DevelopmentIdentity.GetOrCreate(folder);
        Assert.Equal(fingerprint, again.Identity.Fingerprint);

        await using var token = new SoftwareTestToken("EMB-1");
        X509Certificate2 leaf = await TokenEnrollment.EnrollAsync(token, again);
        Assert.Contains("development", leaf.Subject, StringComparison.Ordinal);
        Assert.NotEqual(leaf.Subject, leaf.Issuer);
        X509Certificate2Collection chain = again.Identity.GetSigningChain("EMB-1");
        Assert.Equal(leaf.RawData, chain[0].RawData);
        Assert.Equal(again.Identity.RootCertificate.RawData, chain[1].RawData);
    }

    [Fact]
    public void A_password_protected_identity_is_never_mistaken_for_the_development_one()
    {
        string folder = temp.Combine("artist");
        ArtistIdentity.Create("Ada", null, null, "a long password", folder, ArtistIdentity.MinKeyDerivationIterations);
        Assert.Throws<IdentityExistsException>(() => DevelopmentIdentity.GetOrCreate(folder));
    }
}

public sealed class DevelopmentSigningChainTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_chain_is_issued_once_and_reissued_after_revocation()
    {
        string folder = temp.Combine("dev");
        await using var token = new SoftwareTestToken("EMB-7");

        X509Certificate2Collection first = await DevelopmentIdentity.GetSigningChainAsync(token, folder);
        X509Certificate2Collection again = await DevelopmentIdentity.GetSigningChainAsync(token, folder);
        Assert.Equal(first[0].RawData, again[0].RawData);
        Assert.Equal(1, token.PressesRequested);
        Assert.True(TokenCertificateProfile.CertifiesKey(first[0], token.PublicKey));

        using (UnlockedIdentity root = DevelopmentIdentity.GetOrCreate(folder))
        {
            root.Revoke("EMB-7");
        }

        X509Certificate2Collection renewed = await DevelopmentIdentity.GetSigningChainAsync(token, folder);
        Assert.NotEqual(first[0].SerialNumber, renewed[0].SerialNumber);
        Assert.Equal(2, token.PressesRequested);
    }

    [Fact]
    public async Task The_embedded_software_token_gets_a_development_chain_that_certifies_its_key()
    {
        await using Provenance.Device.TokenClient embedded = Provenance.Device.EmbeddedToken.Open(temp.Combine("embedded-token"));
        X509Certificate2Collection chain = await DevelopmentIdentity.GetSigningChainAsync(embedded, temp.Combine("dev"));
        Assert.True(TokenCertificateProfile.CertifiesKey(chain[0], await embedded.GetPublicKeyAsync()));
        Assert.Equal(TokenCertificateProfile.Software, TokenCertificateProfile.KeyProtectionOf(chain[0]));
        Assert.Contains("development", chain[0].Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_that_was_reset_and_rekeyed_gets_a_new_certificate()
    {
        string folder = temp.Combine("dev");
        await using var before = new SoftwareTestToken("EMB-8");
        await using var after = new SoftwareTestToken("EMB-8");
        X509Certificate2Collection old = await DevelopmentIdentity.GetSigningChainAsync(before, folder);
        X509Certificate2Collection fresh = await DevelopmentIdentity.GetSigningChainAsync(after, folder);
        Assert.False(TokenCertificateProfile.CertifiesKey(old[0], after.PublicKey));
        Assert.True(TokenCertificateProfile.CertifiesKey(fresh[0], after.PublicKey));
    }
}
