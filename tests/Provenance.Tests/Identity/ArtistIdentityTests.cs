using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Provenance.Identity;

namespace Provenance.Tests.Identity;

public sealed class ArtistIdentityTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private const int Fast = ArtistIdentity.MinKeyDerivationIterations;
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Create_writes_a_self_signed_P256_CA_that_Load_reads_back()
    {
        string folder = temp.Combine("identity");
        ArtistIdentity created = ArtistIdentity.Create("Ada Lovelace", "ada@example.org", "https://ada.example.org/", Password, folder, Fast);

        ArtistIdentity loaded = ArtistIdentity.Load(folder);
        Assert.Equal("Ada Lovelace", loaded.Name);
        Assert.Equal("ada@example.org", loaded.Email);
        Assert.Equal("https://ada.example.org/", loaded.Url);
        Assert.Equal(created.Fingerprint, loaded.Fingerprint);
        Assert.False(loaded.IsDevelopment);

        X509Certificate2 root = loaded.RootCertificate;
        Assert.Equal(root.Subject, root.Issuer);
        Assert.False(root.HasPrivateKey);
        using (ECDsa publicKey = root.GetECDsaPublicKey()!)
        {
            Assert.Equal(256, publicKey.KeySize);
        }

        var constraints = Assert.Single(root.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.True(constraints.Critical);
        var usage = Assert.Single(root.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.Single(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>());

        // The self-signature verifies: a chain of just the root, trusted as custom root, builds.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(root));
    }

    [Fact]
    public void The_root_key_file_is_PBES2_AES256_encrypted_PKCS8_and_unlocks_with_the_password()
    {
        string folder = temp.Combine("identity");
        ArtistIdentity identity = ArtistIdentity.Create("Ada", null, null, Password, folder);
        string pem = File.ReadAllText(Path.Combine(folder, ArtistIdentity.RootKeyFile));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem, StringComparison.Ordinal);

        byte[] der = Convert.FromBase64String(pem[pem.IndexOf('\n')..pem.IndexOf("-----END", StringComparison.Ordinal)].Replace("\n", "", StringComparison.Ordinal));
        var info = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var algorithm = info.ReadSequence();
        Assert.Equal("1.2.840.113549.1.5.13", algorithm.ReadObjectIdentifier()); // id-PBES2
        var parameters = algorithm.ReadSequence();
        var kdf = parameters.ReadSequence();
        Assert.Equal("1.2.840.113549.1.5.12", kdf.ReadObjectIdentifier()); // id-PBKDF2
        var kdfParameters = kdf.ReadSequence();
        kdfParameters.ReadOctetString();
        Assert.True(kdfParameters.TryReadInt32(out int iterations));
        Assert.True(iterations >= 600_000);
        var cipher = parameters.ReadSequence();
        Assert.Equal("2.16.840.1.101.3.4.1.42", cipher.ReadObjectIdentifier()); // aes256-CBC

        using UnlockedIdentity unlocked = identity.Unlock(Password);
        Assert.Equal(identity.Fingerprint, unlocked.Identity.Fingerprint);
    }

    [Fact]
    public void A_wrong_password_throws_WrongPasswordException()
    {
        string folder = temp.Combine("identity");
        ArtistIdentity identity = ArtistIdentity.Create("Ada", null, null, Password, folder, Fast);
        var error = Assert.Throws<WrongPasswordException>(() => identity.Unlock("not the password"));
        Assert.Contains("Wrong password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_refuses_to_overwrite_an_existing_identity_and_leaves_it_intact()
    {
        string folder = temp.Combine("identity");
        ArtistIdentity.Create("Ada", null, null, Password, folder, Fast);
        byte[] certificateBefore = File.ReadAllBytes(Path.Combine(folder, ArtistIdentity.RootCertificateFile));
        byte[] keyBefore = File.ReadAllBytes(Path.Combine(folder, ArtistIdentity.RootKeyFile));

        Assert.Throws<IdentityExistsException>(() => ArtistIdentity.Create("Mallory", null, null, "another password", folder, Fast));

        Assert.Equal(certificateBefore, File.ReadAllBytes(Path.Combine(folder, ArtistIdentity.RootCertificateFile)));
        Assert.Equal(keyBefore, File.ReadAllBytes(Path.Combine(folder, ArtistIdentity.RootKeyFile)));
        Assert.Equal(["root-key.p8", "root.pem"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Create_refuses_a_folder_holding_only_a_key()
    {
        string folder = temp.Combine("identity");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ArtistIdentity.RootKeyFile), "left over");
        Assert.Throws<IdentityExistsException>(() => ArtistIdentity.Create("Ada", null, null, Password, folder));
        Assert.Equal("left over", File.ReadAllText(Path.Combine(folder, ArtistIdentity.RootKeyFile)));
    }

    [Fact]
    public void Load_of_an_empty_folder_says_there_is_no_identity()
    {
        var error = Assert.Throws<IdentityNotFoundException>(() => ArtistIdentity.Load(temp.Combine("nothing")));
        Assert.Contains("prov identity create", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null, null, "long enough")]
    [InlineData("Ada", "not-an-email", null, "long enough")]
    [InlineData("Ada", null, "ftp://example.org", "long enough")]
    [InlineData("Ada", null, null, "short")]
    public void Create_rejects_unusable_input_without_writing_anything(string name, string? email, string? url, string password)
    {
        string folder = temp.Combine("identity");
        Assert.Throws<ArgumentException>(() => ArtistIdentity.Create(name, email, url, password, folder));
        Assert.False(ArtistIdentity.Exists(folder));
    }

    [Fact]
    public void A_key_file_from_another_identity_is_reported_as_damaged()
    {
        string first = temp.Combine("first");
        string second = temp.Combine("second");
        ArtistIdentity.Create("First", null, null, Password, first, Fast);
        ArtistIdentity other = ArtistIdentity.Create("Second", null, null, Password, second, Fast);
        File.Copy(Path.Combine(first, ArtistIdentity.RootKeyFile), Path.Combine(second, ArtistIdentity.RootKeyFile), overwrite: true);

        Assert.Throws<IdentityDamagedException>(() => other.Unlock(Password));
    }
}
