using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Provenance.Identity;
using Provenance.Trust;
using Provenance.Verification;

namespace Provenance.Tests.Identity;

public sealed class TrustStoreTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string DatabasePath => temp.Combine("trust.db");

    [Fact]
    public void Add_list_remove_by_name_and_by_fingerprint()
    {
        using UnlockedIdentity ada = DevelopmentIdentity.GetOrCreate(temp.Combine("ada"));
        using UnlockedIdentity bob = DevelopmentIdentity.GetOrCreate(temp.Combine("bob"));
        using (TrustStore store = TrustStore.Open(DatabasePath))
        {
            TrustedRoot added = store.Add(ada.Identity.RootPem, "Ada Lovelace");
            Assert.Equal(ada.Identity.Fingerprint, added.Fingerprint);
            store.Add(bob.Identity.RootCertificate.RawData, "Bob");
        }

        using (TrustStore reopened = TrustStore.Open(DatabasePath))
        {
            Assert.Equal(["Ada Lovelace", "Bob"], reopened.List().Select(r => r.Name));
            Assert.Equal(2, reopened.ToTrustSettings().Anchors.Count);

            reopened.Remove("ada lovelace");
            TrustedRoot removed = reopened.Remove(CertificateFingerprint.Display(bob.Identity.Fingerprint));
            Assert.Equal("Bob", removed.Name);
            Assert.Empty(reopened.List());
            Assert.Throws<TrustedRootNotFoundException>(() => reopened.Remove("Bob"));
        }
    }

    [Fact]
    public void Duplicates_by_fingerprint_or_name_are_rejected_with_a_clear_message()
    {
        using UnlockedIdentity ada = DevelopmentIdentity.GetOrCreate(temp.Combine("ada"));
        using UnlockedIdentity bob = DevelopmentIdentity.GetOrCreate(temp.Combine("bob"));
        using TrustStore store = TrustStore.Open(DatabasePath);
        store.Add(ada.Identity.RootPem, "Ada");
        var sameRoot = Assert.Throws<TrustStoreException>(() => store.Add(ada.Identity.RootPem, "Someone else"));
        Assert.Contains("already trusted as 'Ada'", sameRoot.Message, StringComparison.Ordinal);
        var sameName = Assert.Throws<TrustStoreException>(() => store.Add(bob.Identity.RootPem, "ADA"));
        Assert.Contains("choose another --name", sameName.Message, StringComparison.Ordinal);
        Assert.Single(store.List());
    }

    [Fact]
    public async Task A_token_certificate_or_garbage_is_not_accepted_as_a_root()
    {
        using UnlockedIdentity ada = DevelopmentIdentity.GetOrCreate(temp.Combine("ada"));
        await using var token = new SoftwareTestToken("T-1");
        var leaf = await TokenEnrollment.EnrollAsync(token, ada);
        using TrustStore store = TrustStore.Open(DatabasePath);

        var notCa = Assert.Throws<TrustStoreException>(() => store.Add(leaf.RawData));
        Assert.Contains("not a CA certificate", notCa.Message, StringComparison.Ordinal);
        Assert.Throws<TrustStoreException>(() => store.Add("hello"));
        Assert.Throws<TrustStoreException>(() => store.Add(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }));
        Assert.Throws<TrustStoreException>(() => store.Add(ada.Identity.RootPem + ada.Identity.RootPem));
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task ImportCrl_needs_a_trusted_signer_and_keeps_the_highest_number()
    {
        using UnlockedIdentity ada = DevelopmentIdentity.GetOrCreate(temp.Combine("ada"));
        await using var token = new SoftwareTestToken("LOST");
        var leaf = await TokenEnrollment.EnrollAsync(token, ada);
        byte[] crl1 = ada.Revoke("LOST");
        byte[] crl2 = ada.IssueCrl();

        using TrustStore store = TrustStore.Open(DatabasePath);
        var untrusted = Assert.Throws<TrustStoreException>(() => store.ImportCrl(crl1));
        Assert.Contains("not signed by any trusted root", untrusted.Message, StringComparison.Ordinal);

        store.Add(ada.Identity.RootPem, "Ada");
        CrlImportResult second = store.ImportCrl(System.Text.Encoding.ASCII.GetBytes(System.Security.Cryptography.PemEncoding.WriteString("X509 CRL", crl2)));
        Assert.True(second.Stored);
        Assert.Equal(2, (int)second.Number);
        Assert.Equal(1, second.RevokedCount);

        CrlImportResult older = store.ImportCrl(crl1);
        Assert.False(older.Stored);
        Assert.Equal(2, (int)older.PreviousNumber!.Value);

        TrustSettings settings = store.ToTrustSettings();
        byte[] kept = Assert.Single(settings.Crls);
        Assert.Equal(crl2, kept);
        Assert.True(RevocationList.Parse(kept).Lists(leaf.SerialNumber));
        Assert.Equal(2, (int)store.List().Single().CrlNumber!.Value);
    }

    [Fact]
    public void A_CRL_from_a_lookalike_root_with_the_same_name_is_refused()
    {
        using UnlockedIdentity real = DevelopmentIdentity.GetOrCreate(temp.Combine("real"));
        using UnlockedIdentity impostor = DevelopmentIdentity.GetOrCreate(temp.Combine("impostor"));
        using TrustStore store = TrustStore.Open(DatabasePath);
        store.Add(real.Identity.RootPem);
        Assert.Throws<TrustStoreException>(() => store.ImportCrl(impostor.IssueCrl()));
        Assert.Throws<TrustStoreException>(() => store.ImportCrl(new byte[] { 0x30, 0x00 }));
        Assert.Empty(store.ToTrustSettings().Crls);
    }

    [Theory]
    [InlineData("this is not a database, it is a shopping list\n")]
    [InlineData("SQLite format 3\0 followed by garbage that is not a b-tree page at all.....................................................................................")]
    public void A_corrupt_database_gives_one_line_and_is_left_untouched(string content)
    {
        File.WriteAllText(DatabasePath, content);
        byte[] before = File.ReadAllBytes(DatabasePath);

        var error = Assert.Throws<TrustStoreCorruptException>(() => TrustStore.Open(DatabasePath));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(DatabasePath));
    }
}

public sealed class TrustStoreForeignDatabaseTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Someone_elses_SQLite_database_is_refused_and_not_modified()
    {
        string path = temp.Combine("photos.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path + ";Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE photos (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO photos (title) VALUES ('sunset');";
            command.ExecuteNonQuery();
        }

        byte[] before = File.ReadAllBytes(path);
        var error = Assert.Throws<TrustStoreCorruptException>(() => TrustStore.Open(path));
        Assert.Contains("not a prov trust store", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_empty_file_becomes_a_trust_store()
    {
        string path = temp.Combine("empty.db");
        File.WriteAllBytes(path, []);
        using TrustStore store = TrustStore.Open(path);
        Assert.Empty(store.List());
    }
}

public sealed class TrustStoreHostileInputTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Every_truncation_and_bit_flip_of_a_CRL_or_root_is_refused_with_a_typed_error()
    {
        using UnlockedIdentity ada = DevelopmentIdentity.GetOrCreate(temp.Combine("ada"));
        byte[] crl = ada.IssueCrl();
        byte[] root = ada.Identity.RootCertificate.RawData;
        using TrustStore store = TrustStore.Open(temp.Combine("trust.db"));
        store.Add(root, "Ada");

        for (int length = 0; length < crl.Length; length++)
        {
            Assert.ThrowsAny<TrustStoreException>(() => store.ImportCrl(crl[..length]));
        }

        for (int i = 0; i < crl.Length; i += 2)
        {
            byte[] flipped = (byte[])crl.Clone();
            flipped[i] ^= 0x01;
            try
            {
                CrlImportResult result = store.ImportCrl(flipped);
                // A flip the parser tolerates must still leave the signature intact to be accepted (e.g. a DER length
                // byte BouncyCastle reads leniently would change the signed bytes and fail the check).
                Assert.Fail("a CRL with bit " + i + " flipped was accepted as number " + result.Number);
            }
            catch (TrustStoreException)
            {
            }
        }

        Assert.Empty(store.ToTrustSettings().Crls);
        for (int length = 1; length < root.Length; length += 7)
        {
            Assert.ThrowsAny<TrustStoreException>(() => store.Add(root[..length], "Truncated " + length));
        }

        Assert.Single(store.List());
    }
}
