using System;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Formats;

/// <summary>A byte range of the asset, used for hard-binding exclusions (C2PA 2.2 §9.2 `c2pa.hash.data`).</summary>
public readonly record struct HashRange(long Start, long Length)
{
    public long End => Start + Length;
}

/// <summary>Where the manifest store was placed by <see cref="IAssetHandler.WriteWithPlaceholder"/>.</summary>
/// <param name="StoreLength">Length of the JUMBF manifest store the placeholder holds.</param>
/// <param name="Exclusions">Ranges of the written asset to leave out of the data hash, ascending, non-overlapping.</param>
/// <param name="HandlerState">Handler-private data needed by <see cref="IAssetHandler.WriteStore"/> (segment offsets etc.).</param>
public sealed record StorePlacement(int StoreLength, IReadOnlyList<HashRange> Exclusions, object? HandlerState);

/// <summary>
/// One handler per file format (JPEG, PNG, TIFF, WebP; PDF, BMFF, GIF and JPEG XL read only; sidecar for everything else).
/// Handlers stream: memory does not grow with the asset's size. Malformed input throws <see cref="AssetFormatException"/>.
/// </summary>
public interface IAssetHandler
{
    /// <summary>Short name ("jpeg", "png", ...).</summary>
    string FormatName { get; }

    /// <summary>MIME type written in the claim (`format`).</summary>
    string MediaType { get; }

    /// <summary>True when the first bytes of a file (at least 16 when the file is that long) identify this format.</summary>
    bool CanRead(ReadOnlySpan<byte> header);

    /// <summary>
    /// False for read-only handlers: signing such a file puts the store in a `.c2pa` sidecar and leaves the asset as it
    /// is, and <see cref="WriteWithPlaceholder"/> and <see cref="WriteStore"/> throw <see cref="NotSupportedException"/>.
    /// </summary>
    bool CanWrite => true;

    /// <summary>The embedded JUMBF manifest store, or null when the asset has none.</summary>
    byte[]? ReadManifestStore(Stream asset);

    /// <summary>
    /// The store that signing replaces (it becomes the parent ingredient), read just before <see cref="WriteWithPlaceholder"/>
    /// copies the asset. A handler whose copy checks the rest of the file as it goes (JPEG: the walk to the
    /// end-of-image marker) skips that check here, so the input is read once (DESIGN.md "Performance model").
    /// </summary>
    byte[]? ReadManifestStoreBeforeCopy(Stream asset) => ReadManifestStore(asset);

    /// <summary>
    /// The store for verification, when the data hash reads the file afterwards: a handler whose
    /// <see cref="ReadManifestStore"/> also walks the rest of the file to check it (JPEG) reads the header only and
    /// returns in <paramref name="check"/> that walk, to be fed by the hash's reads (DESIGN.md "Performance model").
    /// </summary>
    byte[]? ReadManifestStoreForVerify(Stream asset, out AssetTailCheck? check)
    {
        check = null;
        return ReadManifestStore(asset);
    }

    /// <summary>The XMP packet embedded in the asset, or null.</summary>
    string? ReadXmp(Stream asset);

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/>, dropping any existing manifest store,
    /// replacing the XMP packet with <paramref name="xmp"/> when given, and inserting a store placeholder of exactly
    /// <paramref name="storeLength"/> bytes.
    /// </summary>
    StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp);

    /// <summary>Writes the final store (exactly placement.StoreLength bytes) into the placeholder.</summary>
    void WriteStore(Stream destination, StorePlacement placement, byte[] store);

    /// <summary>The data-hash exclusion ranges of an asset that carries a store (for validation).</summary>
    IReadOnlyList<HashRange> GetStoreExclusions(Stream asset);

    /// <summary>
    /// The bytes a signer may leave out of a `c2pa.hash.data` hash: the manifest store with its framing and padding
    /// (C2PA 2.2 §15.12.1). A verifier rejects exclusions outside these. By default the store's own exclusions.
    /// </summary>
    IReadOnlyList<HashRange> GetStoreRegion(Stream asset) => GetStoreExclusions(asset);
}

/// <summary>The asset is not a well-formed file of its format: names what was wrong and where.</summary>
public sealed class AssetFormatException : Exception
{
    public AssetFormatException(string format, long offset, string problem, bool multipleStores = false)
        : base($"{format}: {problem} at offset {offset}")
    {
        Format = format;
        Offset = offset;
        Problem = problem;
        MultipleStores = multipleStores;
    }

    /// <summary>True when the file is readable but holds more than one manifest store: its credentials are invalid, the file is not broken.</summary>
    public bool MultipleStores { get; }

    public string Format { get; }
    public long Offset { get; }
    public string Problem { get; }
}

/// <summary>
/// A structural check of the part of an asset that verification would otherwise walk before hashing (JPEG: the
/// entropy-coded data up to the end-of-image marker), fed with the bytes the data hash reads, so the file is read once.
/// </summary>
public abstract class AssetTailCheck
{
    /// <summary>Takes the bytes a read at <paramref name="position"/> returned (in any order; what does not follow on is ignored).</summary>
    public abstract void Observe(long position, ReadOnlySpan<byte> data);

    /// <summary>
    /// Completes the check, reading from <paramref name="asset"/> only what <see cref="Observe"/> did not see; throws
    /// <see cref="AssetFormatException"/> when the file is broken (truncated).
    /// </summary>
    public abstract void Finish(Stream asset);
}
