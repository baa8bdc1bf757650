using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Provenance.Identity;

namespace Provenance.Tests.Identity;

public sealed class TokenEnrollmentTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly TempFolder temp = new();
    private readonly UnlockedIdentity unlocked;

    public TokenEnrollmentTests()
    {
        ArtistIdentity identity = ArtistIdentity.Create("Ada Lovelace", "ada@example.org", null, Password, temp.Combine("identity"), ArtistIdentity.MinKeyDerivationIterations);
        unlocked = identity.Unlock(Password);
    }

    public void Dispose()
    {
        unlocked.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task The_leaf_has_the_C2PA_end_entity_profile_and_chains_to_the_root()
    {
        await using var token = new SoftwareTestToken("TK-0042", "secureElement");
        X509Certificate2 leaf = await TokenEnrollment.EnrollAsync(token, unlocked);

        // Parse back from the stored file, not the returned object.
        X509Certificate2 stored = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(unlocked.Identity.Directory, "tokens", "TK-0042.pem")));
        Assert.Equal(leaf.RawData, stored.RawData);
        X509Certificate2 root = unlocked.Identity.RootCertificate;

        Assert.Equal(3, stored.Version);
        Assert.NotEqual(stored.Subject, stored.Issuer);
        Assert.Equal(root.SubjectName.RawData, stored.IssuerName.RawData);
        Assert.Equal("1.2.840.10045.4.3.2", stored.SignatureAlgorithm.Value); // ecdsa-with-SHA256

        var constraints = Assert.Single(stored.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.False(constraints.CertificateAuthority);
        var usage = Assert.Single(stored.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        var extendedUsage = Assert.Single(stored.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(
            new[] { TokenCertificateProfile.EmailProtectionOid, TokenCertificateProfile.DocumentSigningOid }.Order(StringComparer.Ordinal),
            extendedUsage.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value!).Order(StringComparer.Ordinal));
        Assert.Single(stored.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        var authorityKey = Assert.Single(stored.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        var rootKeyId = Assert.Single(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(Convert.FromHexString(rootKeyId.SubjectKeyIdentifier!), authorityKey.KeyIdentifier!.Value.ToArray());
        Assert.All(stored.Extensions.Cast<X509Extension>().Where(e => e.Critical), e => Assert.Contains(e.Oid!.Value, new[] { "2.5.29.19", "2.5.29.15" }));

        Assert.Equal("Ada Lovelace token TK-0042", stored.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal("TK-0042", TokenCertificateProfile.TokenSerialOf(stored));
        Assert.Equal(TokenCertificateProfile.SecureElement, TokenCertificateProfile.KeyProtectionOf(stored));
        Assert.True(stored.NotAfter <= root.NotAfter);
        Assert.True(stored.NotAfter > DateTime.UtcNow.AddYears(4));

        // The certified key is the token's key.
        using ECDsa certified = stored.GetECDsaPublicKey()!;
        using ECDsa tokenKey = token.PublicKeyOnly();
        Assert.Equal(tokenKey.ExportSubjectPublicKeyInfo(), certified.ExportSubjectPublicKeyInfo());

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(stored), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(2, chain.ChainElements.Count);
    }

    [Fact]
    public async Task The_challenge_is_fresh_and_bound_to_the_context_and_serial()
    {
        await using var token = new SoftwareTestToken("TK-7");
        await TokenEnrollment.EnrollAsync(token, unlocked);
        byte[] first = token.LastChallenge!;
        await TokenEnrollment.EnrollAsync(token, unlocked);
        byte[] second = token.LastChallenge!;

        byte[] prefix = Encoding.ASCII.GetBytes("prov-enroll-v1\0TK-7\0");
        Assert.Equal(prefix, first[..prefix.Length]);
        Assert.Equal(prefix.Length + 32, first.Length);
        Assert.NotEqual(first, second);
        Assert.Equal(2, token.PressesRequested);
    }

    [Fact]
    public async Task A_token_whose_signature_does_not_verify_is_refused_and_nothing_is_issued()
    {
        await using var token = new SoftwareTestToken("TK-BAD") { SignWithOtherKey = true };
        var error = await Assert.ThrowsAsync<EnrollmentException>(() => TokenEnrollment.EnrollAsync(token, unlocked));
        Assert.Contains("did not prove possession", error.Message, StringComparison.Ordinal);
        Assert.Null(unlocked.Identity.FindTokenCertificate("TK-BAD"));
        Assert.Empty(unlocked.Identity.EnrolledTokens());
    }

    [Fact]
    public async Task A_malformed_public_key_or_serial_or_missing_key_is_refused()
    {
        await using var notOnCurve = new SoftwareTestToken("TK-1") { ReportedPublicKey = [0x04, .. new byte[64]] };
        await Assert.ThrowsAsync<EnrollmentException>(() => TokenEnrollment.EnrollAsync(notOnCurve, unlocked));

        await using var compressed = new SoftwareTestToken("TK-2") { ReportedPublicKey = new byte[33] };
        await Assert.ThrowsAsync<EnrollmentException>(() => TokenEnrollment.EnrollAsync(compressed, unlocked));

        await using var pathSerial = new SoftwareTestToken("../../etc");
        await Assert.ThrowsAsync<EnrollmentException>(() => TokenEnrollment.EnrollAsync(pathSerial, unlocked));

        await using var noKey = new SoftwareTestToken("TK-3") { HasKey = false };
        await Assert.ThrowsAsync<EnrollmentException>(() => TokenEnrollment.EnrollAsync(noKey, unlocked));
        Assert.Empty(unlocked.Identity.EnrolledTokens());
    }

    [Fact]
    public async Task A_software_key_certificate_says_development_not_hardware_protected()
    {
        await using var token = new SoftwareTestToken("TK-SW", "software");
        X509Certificate2 leaf = await TokenEnrollment.EnrollAsync(token, unlocked);
        Assert.Contains("development, not hardware-protected", leaf.Subject, StringComparison.Ordinal);
        Assert.Equal(TokenCertificateProfile.Software, TokenCertificateProfile.KeyProtectionOf(leaf));

        var enrolled = Assert.Single(unlocked.Identity.EnrolledTokens());
        Assert.Equal("TK-SW", enrolled.TokenSerial);
        Assert.Equal(leaf.SerialNumber, enrolled.CertificateSerial);
        Assert.Equal(2, unlocked.Identity.GetSigningChain("TK-SW").Count);
    }

    [Fact]
    public async Task Public_files_never_contain_the_root_private_key()
    {
        await using var token = new SoftwareTestToken("TK-9");
        await TokenEnrollment.EnrollAsync(token, unlocked);
        unlocked.Revoke("TK-9");

        string folder = unlocked.Identity.Directory;
        using var key = ECDsa.Create();
        key.ImportFromEncryptedPem(File.ReadAllText(Path.Combine(folder, ArtistIdentity.RootKeyFile)), Password);
        byte[] scalar = key.ExportParameters(true).D!;

        foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ArtistIdentity.RootKeyFile))
        {
            PrivateKeyScan.AssertAbsent(File.ReadAllBytes(file), scalar, file);
        }
    }
}
