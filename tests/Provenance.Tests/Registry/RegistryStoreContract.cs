using System;
using System.Collections.Generic;
using System.Linq;
using Provenance.Fingerprint;
using Provenance.Registry;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.Registry;

/// <summary>
/// What every registry store must do, run on SQLite (<see cref="SqliteRegistryStoreTests"/>) and on PostgreSQL
/// (<see cref="PostgresRegistryStoreTests"/>, a throwaway cluster): the same checks, the same expected answers.
/// </summary>
public abstract class RegistryStoreContract : IDisposable
{
    /// <summary>A store on this test's database; called twice, two instances sharing it.</summary>
    protected abstract ISoftBindingStore Open();

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private static readonly ulong Base = 0x9A3C_5E71_0F24_B6D8;

    // One bit flipped in each of the first n bands (bits 63, 50, 37, 24, 11): n bits away, sharing 5 - n bands.
    private static IsccImageCode Flipped(params int[] bits) => new(bits.Aggregate(Base, (h, b) => h ^ (1UL << b)));

    protected void Finds_nearest_first_within_the_radius_and_nothing_beyond()
    {
        using ISoftBindingStore store = Open();
        byte[] manifest = [1, 2, 3];
        store.Add("urn:c2pa:d6", Flipped(63, 50, 37, 24, 11, 0), manifest, "six bits, every band differs");
        store.Add("urn:c2pa:d4", Flipped(63, 50, 37, 24), manifest, "four bits, only the last band shared");
        store.Add("urn:c2pa:d0", new IsccImageCode(Base), manifest, "same");
        store.Add("urn:c2pa:d2", Flipped(62, 61), manifest, "two bits in one band");
        store.Add("urn:c2pa:far", new IsccImageCode(~Base), manifest, "all bits");

        IReadOnlyList<RegistryMatch> near = store.Find(new IsccImageCode(Base), maxDistance: 4);
        Assert.Equal(["urn:c2pa:d0", "urn:c2pa:d2", "urn:c2pa:d4"], near.Select(m => m.ManifestId));
        Assert.Equal([0, 2, 4], near.Select(m => m.Distance));
        Assert.Equal([100, 97, 94], near.Select(m => m.SimilarityScore));
        Assert.Equal("four bits, only the last band shared", near[2].Title);

        // Past the band index's radius the store still answers, exactly (by reading every row).
        Assert.Equal(["urn:c2pa:d0", "urn:c2pa:d2", "urn:c2pa:d4", "urn:c2pa:d6"], store.Find(new IsccImageCode(Base), maxDistance: 6).Select(m => m.ManifestId));
        Assert.Equal(5, store.Find(new IsccImageCode(Base), maxDistance: 64).Count);
        Assert.Single(store.Find(new IsccImageCode(Base), maxDistance: 64, limit: 1));
        Assert.Empty(store.Find(new IsccImageCode(Base ^ 0x0000_FFFF_0000_0000), maxDistance: 4));
    }

    protected void Keeps_manifest_stores_and_replaces_a_manifest_registered_again()
    {
        using ISoftBindingStore store = Open();
        byte[] first = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        store.Add("urn:c2pa:work", new IsccImageCode(Base), first, "work.png");
        Assert.Equal(first, store.ManifestStore("urn:c2pa:work"));
        Assert.Null(store.ManifestStore("urn:c2pa:unknown"));

        byte[] second = [9, 9, 9];
        store.Add("urn:c2pa:work", new IsccImageCode(~Base), second, "work-v2.png");
        Assert.Equal(second, store.ManifestStore("urn:c2pa:work"));
        Assert.Empty(store.Find(new IsccImageCode(Base), maxDistance: 4));
        Assert.Equal("work-v2.png", Assert.Single(store.Find(new IsccImageCode(~Base), maxDistance: 0)).Title);
        Assert.Equal(1, store.Count());
        Assert.Throws<ArgumentException>(() => store.Add("urn:c2pa:empty", new IsccImageCode(Base), [], null));
    }

    protected void Two_instances_share_one_database()
    {
        using ISoftBindingStore writer = Open();
        using ISoftBindingStore reader = Open();
        writer.Add("urn:c2pa:shared", new IsccImageCode(Base), [7], "shared.png");
        Assert.Equal("urn:c2pa:shared", Assert.Single(reader.Find(Flipped(63, 50))).ManifestId);
        Assert.Equal([7], reader.ManifestStore("urn:c2pa:shared"));
    }

    /// <summary>Random codes for a store large enough that the planner prefers indexes to reading every row.</summary>
    protected static IEnumerable<(string, IsccImageCode, byte[], string?)> RandomWorks(int count)
    {
        var random = new Random(17);
        for (int i = 0; i < count; i++) yield return ($"urn:c2pa:bulk-{i}", new IsccImageCode((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)), [1], null);
    }
}

public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    private readonly TempFolder _folder = TestAssets.NewFolder();

    protected override ISoftBindingStore Open() => SoftBindingRegistry.Open(_folder.File("registry.db"));

    public override void Dispose()
    {
        _folder.Dispose();
        base.Dispose();
    }

    [Fact] public void Finds_nearest_first_within_the_radius_and_nothing_beyond_sqlite() => Finds_nearest_first_within_the_radius_and_nothing_beyond();
    [Fact] public void Keeps_manifest_stores_and_replaces_a_manifest_registered_again_sqlite() => Keeps_manifest_stores_and_replaces_a_manifest_registered_again();
    [Fact] public void Two_instances_share_one_database_sqlite() => Two_instances_share_one_database();

    [Fact]
    public void A_registry_of_the_previous_schema_is_migrated_in_place_and_keeps_its_works()
    {
        string path = _folder.File("v1.db");
        using (var v1 = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v1.Open();
            using var create = v1.CreateCommand();
            // Schema 1 as the previous release wrote it (no band indexes).
            create.CommandText = """
                CREATE TABLE manifests (manifest_id TEXT PRIMARY KEY, store BLOB NOT NULL, title TEXT, added TEXT NOT NULL);
                CREATE TABLE bindings (alg TEXT NOT NULL, value INTEGER NOT NULL, manifest_id TEXT NOT NULL REFERENCES manifests(manifest_id), PRIMARY KEY (alg, value, manifest_id));
                INSERT INTO manifests VALUES ('urn:c2pa:old', x'0102', 'old.png', '2026-01-01T00:00:00Z');
                INSERT INTO bindings VALUES ('io.iscc.v0', -7341730136245631272, 'urn:c2pa:old');
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
        }
        using var store = SoftBindingRegistry.Open(path);
        var code = new IsccImageCode(unchecked((ulong)-7341730136245631272L));
        Assert.Equal("urn:c2pa:old", Assert.Single(store.Find(new IsccImageCode(code.Hash ^ 0b101))).ManifestId);
        Assert.Contains("bindings_band0", store.ExplainFind(4), StringComparison.Ordinal);
        Assert.Equal([1, 2], store.ManifestStore("urn:c2pa:old"));
    }

    [Fact]
    public void The_search_reads_only_rows_sharing_a_band_with_the_query()
    {
        using var store = SoftBindingRegistry.Open(_folder.File("registry.db"));
        store.AddMany(RandomWorks(2000));
        string plan = store.ExplainFind(SoftBindingRegistry.DefaultMaxDistance);
        for (int i = 0; i < BindingBands.Count; i++) Assert.Contains($"bindings_band{i}", plan, StringComparison.Ordinal);
        // With the index the bindings are looked up by rowid from the union of five band searches; without it, every
        // binding of the algorithm is read (`sqlite_autoindex_bindings_1 (alg=?)`).
        Assert.Contains("SEARCH b USING INTEGER PRIMARY KEY (rowid=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("(alg=?)\n", plan.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("(alg=?)\n", store.ExplainFind(BindingBands.IndexedRadius + 1).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}

public sealed class PostgresRegistryStoreTests : RegistryStoreContract
{
    private readonly Lazy<string> _database = new(PostgresCluster.NewDatabase);

    protected override ISoftBindingStore Open() => PostgresBindingStore.Open(_database.Value);

    [PostgresFact] public void Finds_nearest_first_within_the_radius_and_nothing_beyond_postgres() => Finds_nearest_first_within_the_radius_and_nothing_beyond();
    [PostgresFact] public void Keeps_manifest_stores_and_replaces_a_manifest_registered_again_postgres() => Keeps_manifest_stores_and_replaces_a_manifest_registered_again();
    [PostgresFact] public void Two_instances_share_one_database_postgres() => Two_instances_share_one_database();

    [PostgresFact]
    public void The_search_reads_only_rows_sharing_a_band_with_the_query()
    {
        using var store = (PostgresBindingStore)Open();
        store.AddMany(RandomWorks(20_000));
        store.Analyze();
        var code = new IsccImageCode(0x0123_4567_89AB_CDEF);
        string plan = store.ExplainFind(code, SoftBindingRegistry.DefaultMaxDistance);
        Assert.Contains("BitmapOr", plan, StringComparison.Ordinal);
        for (int i = 0; i < BindingBands.Count; i++) Assert.Contains($"Bitmap Index Scan on prov_bindings_band{i}", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on prov_bindings", plan, StringComparison.Ordinal);
        // A search wider than the bands guarantee reads every row.
        Assert.Contains("Seq Scan on prov_bindings", store.ExplainFind(code, BindingBands.IndexedRadius + 1), StringComparison.Ordinal);
    }
}
