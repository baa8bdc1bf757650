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
