using System;
using System.Linq;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.History;

/// <summary>Issue 16: what verification says about a history of saved versions, from the ingredients it validated.</summary>
public sealed class ProcessTimelineTests
{
    [Fact]
    public async Task AChainOfSavedVersionsIsATimelineWithEveryLinkIntact()
    {
        using var pki = new TestPki();
        var versions = await HistoryChain.SignChainAsync(pki.Signer(), 5, firstCounter: 10, step: 3);

        FileVerification result = HistoryChain.Verify(versions[^1], new TrustSettings { Anchors = [pki.Root] });

        Assert.Equal(Verdict.Trusted, result.Verdict);
        ProcessFacts process = Assert.IsType<ProcessFacts>(result.Process);
        Assert.Equal(5, process.Versions.Count);
        Assert.Equal(versions.Select(v => v.Result.ManifestLabel), process.Versions.Select(v => v.Manifest));
        Assert.Equal(new long?[] { 10, 13, 16, 19, 22 }, process.Versions.Select(v => v.Counter));
        Assert.True(process.CountersIncreasing);
        Assert.Equal(8, process.SkippedCounters);
        Assert.True(process.LinksIntact);
        Assert.True(process.Complete);
        Assert.True(process.CreatedByToken);
        Assert.Null(process.ImportedStart);
        Assert.Equal(["PD-0042"], process.Tokens);
        Assert.Equal(["c2pa.created"], process.Versions[0].Actions);
        Assert.All(process.Versions.Skip(1), v => Assert.Equal(["c2pa.opened", "c2pa.drawing"], v.Actions));
        Assert.Null(process.Versions[0].LinkIntact);
        Assert.All(process.Versions.Skip(1), v => Assert.True(v.LinkIntact));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 9, 10, 0, TimeSpan.Zero), process.First!.Value);
        Assert.False(process.First.TimeStamped);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 9, 22, 0, TimeSpan.Zero), process.Last!.Value);
        Assert.Contains(ProcessFacts.Limit, result.Reasons);
        Assert.Contains(result.Reasons, r => r.StartsWith("History of 5 saved versions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneSignedVersionIsNoHistory()
    {
        using var pki = new TestPki();
        var versions = await HistoryChain.SignChainAsync(pki.Signer(), 1);
        Assert.Null(HistoryChain.Verify(versions[0]).Process);
    }

    [Fact]
    public async Task AReplacedVersionMakesTheFileInvalidNamingTheBrokenLink()
    {
        using var pki = new TestPki();
        var versions = await HistoryChain.SignChainAsync(pki.Signer(), 4);
        // Another drawing's version, signed by the same key: a genuine manifest, just not the one version 3 was made from.
        SignedVersion stranger = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(99), null, 50);
        string replaced = versions[1].Result.ManifestLabel;
        var forged = versions[^1] with { Store = HistoryChain.ReplaceManifest(versions[^1].Store, replaced, stranger.Store) };

        FileVerification result = HistoryChain.Verify(forged);

        Assert.Equal(Verdict.Invalid, result.Verdict);
        ValidationStatus broken = Assert.Single(result.Statuses, s => s.Code == ValidationCodes.IngredientManifestMismatch && s.IsFailure);
        Assert.Equal("self#jumbf=/c2pa/" + replaced, broken.Url);
        ProcessFacts process = Assert.IsType<ProcessFacts>(result.Process);
        Assert.False(process.LinksIntact);
        // The chain as validation followed it: the stranger under version 2's label, then version 3 (whose link to it
        // is broken) and version 4.
        Assert.Equal([replaced, versions[2].Result.ManifestLabel, versions[3].Result.ManifestLabel], process.Versions.Select(v => v.Manifest));
        Assert.False(process.Versions[1].LinkIntact);
        Assert.True(process.Versions[2].LinkIntact);
        Assert.Contains("a link is broken", process.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHistoryThatStartsFromAnImageNotCreatedByATokenIsFlaggedAsImported()
    {
        using var pki = new TestPki();
        // The starting point: credentials with no token (a generated image, say), then two versions by the token.
        SignedVersion start = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(0), null, 0, serial: null);
        SignedVersion first = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(1), start.Store, 20);
        SignedVersion second = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(2), first.Store, 21);

        ProcessFacts process = Assert.IsType<ProcessFacts>(HistoryChain.Verify(second).Process);

        Assert.Equal(3, process.Versions.Count);
        Assert.False(process.CreatedByToken);
        Assert.NotNull(process.ImportedStart);
        Assert.Contains("not created by a token", process.Summary, StringComparison.Ordinal);
        Assert.Null(process.Versions[0].TokenSerial);
    }

    [Fact]
    public async Task CountersThatGoBackwardsAreSaid()
    {
        using var pki = new TestPki();
        SignedVersion one = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(0), null, 30);
        SignedVersion two = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(1), one.Store, 12);

        ProcessFacts process = Assert.IsType<ProcessFacts>(HistoryChain.Verify(two).Process);

        Assert.False(process.CountersIncreasing);
        Assert.Contains("NOT strictly increasing", process.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AParentFromTheHistoryRecordsEachCodeOnceSoAVersionAddsAConstantSize()
    {
        using var pki = new TestPki();
        var versions = await HistoryChain.SignChainAsync(pki.Signer(), 12);
        // What each version adds to the store: its own manifest. It must not grow with the number of versions before it.
        int[] added = [.. versions.Skip(1).Select((v, i) => v.Store.Length - versions[i].Store.Length)];
        Assert.True(added[^1] - added[2] <= 16, "a version adds more with every version before it: " + string.Join(", ", added));
    }

    [Fact]
    public async Task ANestedVersionTakesUnderFiveKilobytesOfStackSoTheDeepestHistoryFitsTheValidatorsThread()
    {
        // 100 nested versions validated on a 512 KB stack: under 5 KB a level, so the 1000 levels the validator follows
        // fit in the 16 MB thread it validates deep stores on (ManifestValidator.OnDeepStack).
        const int versions = 100;
        Assert.Equal(1000, ManifestValidator.MaxIngredientDepth);
        using var pki = new TestPki();
        var chain = await HistoryChain.SignChainAsync(pki.Signer(), versions);
        FileVerification? result = null;
        var thread = new System.Threading.Thread(() => result = HistoryChain.Verify(chain[^1], onCallingThread: true), maxStackSize: 512 * 1024);
        thread.Start();
        thread.Join();

        ProcessFacts process = Assert.IsType<ProcessFacts>(result!.Process);
        Assert.Equal(versions, process.Versions.Count);
        Assert.True(process.Complete);
        Assert.True(process.LinksIntact);
    }
}
