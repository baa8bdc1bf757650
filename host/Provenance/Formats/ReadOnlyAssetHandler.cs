using System;
using System.IO;

namespace Provenance.Formats;

/// <summary>
/// A format whose embedded credentials we read and verify but do not write: signing such a file falls back to a
/// `.c2pa` sidecar (<see cref="IAssetHandler.CanWrite"/> is false), and the write methods say so.
/// </summary>
public abstract class ReadOnlyAssetHandler : IAssetHandler
{
    /// <inheritdoc/>
    public abstract string FormatName { get; }

    /// <inheritdoc/>
    public abstract string MediaType { get; }

    /// <summary>Always false: signing goes to a sidecar.</summary>
    public bool CanWrite => false;

    /// <inheritdoc/>
    public abstract bool CanRead(ReadOnlySpan<byte> header);

    /// <inheritdoc/>
    public abstract byte[]? ReadManifestStore(Stream asset);

    /// <inheritdoc/>
    public abstract string? ReadXmp(Stream asset);

    /// <inheritdoc/>
    public abstract System.Collections.Generic.IReadOnlyList<HashRange> GetStoreExclusions(Stream asset);

    /// <summary>Throws: embedding in this format is not supported.</summary>
    public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp) => throw NotWritable();

    /// <summary>Throws: embedding in this format is not supported.</summary>
    public void WriteStore(Stream destination, StorePlacement placement, byte[] store) => throw NotWritable();

    private NotSupportedException NotWritable() =>
        new($"signing {FormatName.ToUpperInvariant()} files in place is not supported; use a sidecar (prov sign writes NAME.c2pa beside the file)");
}
