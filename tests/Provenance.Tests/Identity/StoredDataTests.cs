using System;
using System.IO;
using System.Linq;
using Provenance.Trust;

namespace Provenance.Tests.Identity;

/// <summary>DESIGN.md "Stored data stays readable": stores written by an earlier prov (Fixtures/stores/README.md) still open.</summary>
public sealed class StoredDataTests
{
    internal static string StoreFixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "stores", name);

    [Fact]
    public void ATrustStoreWrittenBeforeIssue18OpensWithItsRootAndCrlAndTakesNewRoots()
    {
        using var folder = new TempFolder();
        string copy = Path.Combine(folder.Path, "trust.db");
        File.Copy(StoreFixture("trust-v1.db"), copy);

        using (TrustStore store = TrustStore.Open(copy))
        {
            TrustedRoot root = Assert.Single(store.List());
            Assert.Equal("Fixture Artist", root.Name);
            Assert.StartsWith("32e6758f", root.Fingerprint, StringComparison.Ordinal);
            Assert.Equal(1, (int)root.CrlNumber!.Value);
            Assert.Single(store.ToTrustSettings().Crls);
        }

        // Opened again (now in WAL mode), it still holds the same data.
        using TrustStore reopened = TrustStore.Open(copy);
        Assert.Equal("Fixture Artist", reopened.List().Single().Name);
    }
}

/// <summary>The identity ledger under concurrency: enrollments made at the same time are all recorded.</summary>
public sealed class IdentityLedgerConcurrencyTests
{
    [Fact]
    public async System.Threading.Tasks.Task ConcurrentEnrollmentsAreAllRecorded()
    {
        using var temp = new TempFolder();
        Provenance.Identity.ArtistIdentity identity = Provenance.Identity.ArtistIdentity.Create("Ada Lovelace", null, null, "correct horse battery", temp.Combine("identity"), Provenance.Identity.ArtistIdentity.MinKeyDerivationIterations);
        using Provenance.Identity.UnlockedIdentity unlocked = identity.Unlock("correct horse battery");
        string[] serials = Enumerable.Range(1, 8).Select(i => "TK-000" + i).ToArray();

        await System.Threading.Tasks.Task.WhenAll(serials.Select(serial => System.Threading.Tasks.Task.Run(async () =>
        {
            await using var token = new SoftwareTestToken(serial);
            await Provenance.Identity.TokenEnrollment.EnrollAsync(token, unlocked);
        })));

        Assert.Equal(serials, identity.EnrolledTokens().Select(t => t.TokenSerial).Order(StringComparer.Ordinal).ToArray());
    }
}
