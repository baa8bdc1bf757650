using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Org.BouncyCastle.X509;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Tests.Identity;

public sealed class RevocationTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Revoke_issues_a_root_signed_CRL_listing_the_token_certificate_with_increasing_numbers()
    {
        using UnlockedIdentity root = DevelopmentIdentity.GetOrCreate(temp.Combine("dev"));
        await using var lost = new SoftwareTestToken("LOST-1");
        await using var kept = new SoftwareTestToken("KEPT-1");
        X509Certificate2 lostCertificate = await TokenEnrollment.EnrollAsync(lost, root);
        X509Certificate2 keptCertificate = await TokenEnrollment.EnrollAsync(kept, root);

        byte[] first = root.Revoke("LOST-1");
        byte[] second = root.IssueCrl();

        // Independent parser and signature check (BouncyCastle), against the root's public key.
        X509Crl crl = new X509CrlParser().ReadCrl(first);
        crl.Verify(new X509CertificateParser().ReadCertificate(root.Identity.RootCertificate.RawData).GetPublicKey());
        Assert.Equal(2, crl.Version);
        var entry = Assert.Single(crl.GetRevokedCertificates());
        Assert.Equal(new Org.BouncyCastle.Math.BigInteger(lostCertificate.SerialNumber, 16), entry.SerialNumber);

        RevocationList parsedFirst = RevocationList.Parse(first);
        RevocationList parsedSecond = RevocationList.Parse(second);
        Assert.True(parsedFirst.IsSignedBy(root.Identity.RootCertificate));
        Assert.True(parsedFirst.Lists(lostCertificate.SerialNumber));
        Assert.False(parsedFirst.Lists(keptCertificate.SerialNumber));
        Assert.Equal(BigInteger.One, parsedFirst.Number);
        Assert.Equal(new BigInteger(2), parsedSecond.Number);
        Assert.True(parsedSecond.Lists(lostCertificate.SerialNumber));

        Assert.Equal(second, File.ReadAllBytes(Path.Combine(root.Identity.Directory, ArtistIdentity.CrlFile)));
        var revoked = Assert.Single(root.Identity.RevokedCertificates());
        Assert.Equal(lostCertificate.SerialNumber, revoked.CertificateSerial);
    }

    [Fact]
    public void A_CRL_is_not_accepted_as_signed_by_another_root()
    {
        using UnlockedIdentity first = DevelopmentIdentity.GetOrCreate(temp.Combine("one"));
        using UnlockedIdentity second = DevelopmentIdentity.GetOrCreate(temp.Combine("two"));
        // Same subject name (both are the development root), different keys: only the signature tells them apart.
        Assert.Equal(first.Identity.RootCertificate.Subject, second.Identity.RootCertificate.Subject);
        RevocationList crl = RevocationList.Parse(first.IssueCrl());
        Assert.True(crl.IsSignedBy(first.Identity.RootCertificate));
        Assert.False(crl.IsSignedBy(second.Identity.RootCertificate));
    }

    [Fact]
    public void Revoking_an_unknown_token_is_refused()
    {
        using UnlockedIdentity root = DevelopmentIdentity.GetOrCreate(temp.Combine("dev"));
        Assert.Throws<IdentityNotFoundException>(() => root.Revoke("NEVER-SEEN"));
        Assert.False(File.Exists(Path.Combine(root.Identity.Directory, ArtistIdentity.CrlFile)));
    }
}

public sealed class IdentityLedgerTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"version\":1,\"crlNumber\":0,\"enrolled\":null,\"revoked\":[]}")]
    [InlineData("{\"version\":1,\"crlNumber\":0,\"enrolled\":[],\"revoked\":[{\"tokenSerial\":\"T\",\"certificateSerial\":\"XYZ\",\"revokedAt\":\"2026-01-01T00:00:00Z\"}]}")]
    [InlineData("{\"version\":1,\"crlNumber\":0,\"enrolled\":[{\"tokenSerial\":\"../x\",\"certificateSerial\":\"0A\",\"keyProtection\":\"software\",\"board\":\"b\",\"enrolledAt\":\"2026-01-01T00:00:00Z\",\"notAfter\":\"2026-01-01T00:00:00Z\"}],\"revoked\":[]}")]
    public void A_damaged_ledger_is_reported_and_no_CRL_is_issued(string content)
    {
        using UnlockedIdentity root = DevelopmentIdentity.GetOrCreate(temp.Combine("dev"));
        File.WriteAllText(Path.Combine(root.Identity.Directory, "identity.json"), content);
        Assert.Throws<IdentityDamagedException>(() => root.IssueCrl());
        Assert.Throws<IdentityDamagedException>(() => root.Identity.EnrolledTokens());
        Assert.Equal(content, File.ReadAllText(Path.Combine(root.Identity.Directory, "identity.json")));
    }
}
