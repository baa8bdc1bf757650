using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.History;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.History;

/// <summary>Issue 16: the history store keeps each signed version so the next can be chained to it.</summary>
public sealed class HistoryStoreTests : IDisposable
{
    private readonly TempFolder _folder = TestAssets.NewFolder();
    private readonly HistoryStore _store;
    private readonly string _work;

    public HistoryStoreTests()
    {
        _store = new HistoryStore(_folder.File("history"));
        _work = _folder.File("heron.kra");
    }

    public void Dispose() => _folder.Dispose();

    private async Task<System.Collections.Generic.List<SignedVersion>> RecordChainAsync(int count)
    {
        using var pki = new TestPki();
        var versions = await HistoryChain.SignChainAsync(pki.Signer(), count);
        for (int i = 0; i < versions.Count; i++)
        {
            SignedVersion v = versions[i];
            _store.Record(_work, v.Store, v.Result.ManifestLabel, v.Result.DataHash, "PD-0042", 10 + i, DateTimeOffset.UtcNow, i == 0 ? null : i, null);
        }
        return versions;
    }

    [Fact]
    public async Task EveryVersionComesBackByteForByteAndTheDiskHoldsEachManifestOnce()
    {
        var versions = await RecordChainAsync(6);

        HistoryWork work = Assert.IsType<HistoryWork>(_store.Find(_work));
        Assert.Equal(Path.GetFullPath(_work), work.Path);
        Assert.Equal([1, 2, 3, 4, 5, 6], work.Versions.Select(v => v.Number));
        Assert.Equal(versions.Select(v => v.Result.ManifestLabel), work.Versions.Select(v => v.Manifest));
        Assert.Equal(Convert.ToHexStringLower(versions[2].Result.DataHash), work.Versions[2].AssetHash);
        for (int i = 0; i < versions.Count; i++) Assert.Equal(versions[i].Store, _store.StoreOf(_work, i + 1));
        // Six manifests on disk, not the 21 the six complete stores hold between them.
        Assert.Equal(6, Directory.GetFiles(Path.Combine(_store.Directory, "manifests")).Length);
        Assert.True(_store.BytesOnDisk() < versions[^1].Store.Length + 16 * 1024, $"{_store.BytesOnDisk()} bytes for a {versions[^1].Store.Length}-byte store");
    }

    [Fact]
    public async Task PruneKeepsTheLatestVersionsRebuildableAndForgetsTheRest()
    {
        var versions = await RecordChainAsync(5);

        HistoryPruneResult pruned = _store.Prune(_work, keep: 2);

        Assert.Equal(3, pruned.Removed);
        Assert.Equal([4, 5], _store.Find(_work)!.Versions.Select(v => v.Number));
        // The kept versions were signed over the pruned ones: their stores still carry them, byte for byte.
        Assert.Equal(versions[3].Store, _store.StoreOf(_work, 4));
        Assert.Equal(versions[4].Store, _store.StoreOf(_work, 5));
        Assert.Throws<HistoryException>(() => _store.StoreOf(_work, 2));

        HistoryPruneResult all = _store.Prune(_work, keep: 0);
        Assert.Equal(2, all.Removed);
        Assert.Null(_store.Find(_work));
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Directory, "manifests")));
        Assert.True(all.BytesFreed > 0);
    }

    [Fact]
    public async Task AManifestChangedOnDiskIsRefusedNotUsedAsAParent()
    {
        await RecordChainAsync(2);
        string file = Directory.GetFiles(Path.Combine(_store.Directory, "manifests"))[0];
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 1;
        File.WriteAllBytes(file, bytes);

        HistoryException e = Assert.Throws<HistoryException>(() => _store.StoreOf(_work, 2));
        Assert.Contains("changed on disk", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWorkFileOfThisSchemaKeepsFieldsItDoesNotKnowAndANewerSchemaIsRefused()
    {
        var versions = await RecordChainAsync(1);
        string workFile = Directory.GetFiles(Path.Combine(_store.Directory, "works"), "*.json").Single();
        // As a later prov might have written it: a field this one does not know, on the work and on a version.
        JsonObject work = JsonNode.Parse(File.ReadAllText(workFile))!.AsObject();
        work["studio"] = "north window";
        work["versions"]![0]!["pressure"] = "recorded";
        File.WriteAllText(workFile, work.ToJsonString());

        using var pki = new TestPki();
        SignedVersion next = await HistoryChain.SignAsync(pki.Signer(), HistoryChain.Asset(7), versions[0].Store, 11);
        _store.Record(_work, next.Store, next.Result.ManifestLabel, next.Result.DataHash, "PD-0042", 11, DateTimeOffset.UtcNow, 1, null);

        JsonObject after = JsonNode.Parse(File.ReadAllText(workFile))!.AsObject();
        Assert.Equal("north window", after["studio"]!.GetValue<string>());
        Assert.Equal("recorded", after["versions"]![0]!["pressure"]!.GetValue<string>());
        Assert.Equal(next.Store, _store.StoreOf(_work, 2));

        after["schemaVersion"] = HistoryStore.SchemaVersion + 1;
        File.WriteAllText(workFile, after.ToJsonString());
        HistoryException e = Assert.Throws<HistoryException>(() => _store.Find(_work));
        Assert.Contains("newer prov", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWorkFileWrittenByTheFirstReleaseIsRead()
    {
        // Schema 1 as this release writes it (the format a later release must keep reading).
        string works = Path.Combine(_store.Directory, "works");
        Directory.CreateDirectory(works);
        File.WriteAllText(Path.Combine(works, HistoryStore.KeyOf(_work) + ".json"), $$"""
            {"schemaVersion":1,"path":{{JsonValue.Create(Path.GetFullPath(_work)).ToJsonString()}},"versions":[
              {"number":1,"manifest":"urn:c2pa:00000000-0000-0000-0000-000000000001","assetHash":"ab","tokenSerial":"PD-0042","counter":7,
               "time":"2026-12-06T09:00:00Z","storeLength":4000,"manifestLength":3900,"previous":null,"parentWork":null,"boxes":[]}]}
            """);

        HistoryVersion version = Assert.Single(_store.Find(_work)!.Versions);
        Assert.Equal(7, version.Counter);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero), version.Time);
    }

    [Fact]
    public async Task AnExportTakesTheNativeFileBesideItAsItsSource()
    {
        await RecordChainAsync(2);
        Assert.Equal(Path.GetFullPath(_work), _store.NativeSourceOf(_folder.File("heron.png"))?.Path);
        Assert.Null(_store.NativeSourceOf(_folder.File("other.png")));
        Assert.Null(_store.NativeSourceOf(_folder.File("heron.kra")));
    }
}
