using System;
using System.Collections.Generic;
using Provenance.Fingerprint;

namespace Provenance.Registry;

/// <summary>
/// Where a soft-binding registry keeps manifest stores and the ISCC Image-Codes that find them: SQLite
/// (<see cref="SoftBindingRegistry"/>, the embedded default) or PostgreSQL (<see cref="PostgresBindingStore"/>, shared
/// by several stateless registry servers). Both answer a search with the same candidates and order.
/// </summary>
public interface ISoftBindingStore : IDisposable
{
    /// <summary>Where the data lives, as a person reads it (a file path, or PostgreSQL host and database).</summary>
    string Location { get; }

    /// <summary>Stores a manifest store and the Image-Code that finds it; adding the same manifest again replaces it.</summary>
    void Add(string manifestId, IsccImageCode code, byte[] store, string? title);

    /// <summary>Registered works within <paramref name="maxDistance"/> bits of <paramref name="code"/>, nearest first.</summary>
    IReadOnlyList<RegistryMatch> Find(IsccImageCode code, int maxDistance = SoftBindingRegistry.DefaultMaxDistance, int limit = 100);

    /// <summary>The stored manifest store, or null when the id is unknown.</summary>
    byte[]? ManifestStore(string manifestId);

    /// <summary>How many bindings are stored.</summary>
    long Count();
}

/// <summary>Opens the store a command names: PostgreSQL when given a connection string, else the SQLite file.</summary>
public static class SoftBindingStores
{
    public static ISoftBindingStore Open(string? sqlitePath, string? postgres) =>
        !string.IsNullOrWhiteSpace(postgres) ? PostgresBindingStore.Open(postgres) : SoftBindingRegistry.Open(sqlitePath);

    internal static void CheckAdd(string manifestId, byte[] store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestId);
        ArgumentNullException.ThrowIfNull(store);
        if (manifestId.Length > MaxManifestIdLength) throw new ArgumentException($"the manifest id is longer than {MaxManifestIdLength:N0} characters", nameof(manifestId));
        if (store.Length is 0 or > SoftBindingRegistry.MaxStoreBytes) throw new ArgumentException($"a manifest store must be 1 to {SoftBindingRegistry.MaxStoreBytes} bytes", nameof(store));
    }

    internal static void CheckFind(int maxDistance, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
    }

    /// <summary>Longest manifest id accepted (a `urn:c2pa:` label is about 50 characters).</summary>
    public const int MaxManifestIdLength = 1024;
}

/// <summary>
/// The index that keeps a Hamming search from reading every row: the 64-bit code cut into <see cref="Count"/> bands
/// (13, 13, 13, 13 and 12 bits), each indexed. Two codes at most <see cref="IndexedRadius"/> bits apart differ in at
/// most that many bands, so (pigeonhole) at least one band is identical: the rows sharing a band with the query are the
/// only candidates, and the exact distance is computed on those. A wider search reads every row of the algorithm.
/// </summary>
public static class BindingBands
{
    public const int Count = 5;

    /// <summary>The widest search the band index answers exactly.</summary>
    public const int IndexedRadius = Count - 1;

    private static readonly int[] Shifts = [51, 38, 25, 12, 0];
    private static readonly int[] Widths = [13, 13, 13, 13, 12];

    /// <summary>Band <paramref name="index"/> of a code, as the SQL expression computes it from the signed 64-bit value.</summary>
    public static long Band(ulong hash, int index) => (long)((hash >> Shifts[index]) & ((1UL << Widths[index]) - 1));

    /// <summary>
    /// The SQL (SQLite and PostgreSQL alike) for band <paramref name="index"/> of the column <paramref name="column"/>,
    /// a signed 64-bit integer: the mask drops whatever an arithmetic shift copies in from the sign bit.
    /// </summary>
    public static string Sql(string column, int index) => $"(({column} >> {Shifts[index]}) & {(1L << Widths[index]) - 1})";
}
