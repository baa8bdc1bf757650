using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Formats;

/// <summary>
/// Any file we cannot embed in: the asset stays byte-for-byte as it was and the manifest store goes to a sidecar
/// `NAME.c2pa` beside it (C2PA 2.2 external manifests; c2pa-rs looks for the asset path with its extension
/// replaced by `c2pa`). The data hash covers the whole asset: no exclusions.
/// </summary>
/// <remarks>
/// With the signing engine: construct the handler with the sidecar stream (<see cref="ForStoreStream"/>).
/// <see cref="WriteWithPlaceholder"/> copies the asset unchanged (so the engine hashes exactly the asset) and
/// <see cref="WriteStore"/> writes the store to the sidecar stream, ignoring the asset destination it is handed.
/// For reading, <see cref="ReadManifestStore"/> takes the sidecar's stream, and <see cref="ReadSidecar"/> takes the asset's path.
/// </remarks>
public sealed class SidecarHandler : IAssetHandler
{
    /// <summary>Extension of sidecar manifest stores.</summary>
    public const string Extension = ".c2pa";

    /// <summary>Largest sidecar store read into memory.</summary>
    public const int MaxStoreBytes = AssetIo.MaxStoreBytes;

    private const string Format = "c2pa";
    private readonly Stream? _storeStream;

    /// <param name="mediaType">The asset's MIME type, written as the claim's format.</param>
    public SidecarHandler(string mediaType = "application/octet-stream")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        MediaType = mediaType;
    }

    private SidecarHandler(string mediaType, Stream storeStream)
        : this(mediaType)
    {
        _storeStream = storeStream;
    }

    /// <summary>A handler whose <see cref="WriteStore"/> writes the store into <paramref name="sidecar"/> (the `.c2pa` file being written).</summary>
    public static SidecarHandler ForStoreStream(Stream sidecar, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        if (!sidecar.CanWrite || !sidecar.CanSeek) throw new ArgumentException("the sidecar stream must be writable and seekable", nameof(sidecar));
        return new SidecarHandler(mediaType, sidecar);
    }

    /// <inheritdoc/>
    public string FormatName => "sidecar";

    /// <inheritdoc/>
    public string MediaType { get; }

    /// <summary>True when the bytes start a JUMBF superbox (`jumb`), i.e. the stream is a `.c2pa` store itself.</summary>
    public bool CanRead(ReadOnlySpan<byte> header) => header.Length >= 8 && header[4..8].SequenceEqual("jumb"u8);

    /// <summary>Reads a sidecar store from the `.c2pa` stream (not the asset). Null for an empty stream.</summary>
    public byte[]? ReadManifestStore(Stream sidecar)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        long length = sidecar.Length;
        if (length == 0) return null;
        if (length > MaxStoreBytes) throw new AssetFormatException(Format, 0, $"sidecar of {length} bytes is larger than the {MaxStoreBytes}-byte limit");
        if (length < 8) throw new AssetFormatException(Format, 0, $"sidecar of {length} bytes is too short for a JUMBF box");
        byte[] store = AssetIo.ReadBytesAt(sidecar, 0, length, Format, "sidecar store");
        if (!CanRead(store)) throw new AssetFormatException(Format, 4, "sidecar does not start with a JUMBF superbox ('jumb')");
        // ISO 19566-5: LBox is the box length; 1 means an 8-byte XLBox follows.
        ulong boxLength = BinaryPrimitives.ReadUInt32BigEndian(store);
        if (boxLength == 1 && length >= 16) boxLength = BinaryPrimitives.ReadUInt64BigEndian(store.AsSpan(8));
        if (boxLength != (ulong)length)
            throw new AssetFormatException(Format, 0, $"JUMBF superbox says {boxLength} bytes but the sidecar has {length}");
        return store;
    }

    /// <summary>Always null: XMP cannot be placed in a format this handler does not understand.</summary>
    public string? ReadXmp(Stream asset) => null;

    /// <summary>Copies the asset unchanged (<paramref name="xmp"/> is not written: the format is opaque to us).</summary>
    public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(storeLength);
        source.Position = 0;
        AssetIo.Copy(source, destination, source.Length, Format);
        return new StorePlacement(storeLength, [], _storeStream);
    }

    /// <summary>
    /// Writes the store as the whole content of the sidecar stream: the one given to <see cref="ForStoreStream"/>, or
    /// else <paramref name="destination"/>.
    /// </summary>
    public void WriteStore(Stream destination, StorePlacement placement, byte[] store)
    {
        AssetIo.CheckStoreLength(placement, store);
        Stream target = placement.HandlerState as Stream ?? destination ?? throw new ArgumentNullException(nameof(destination));
        target.Position = 0;
        target.SetLength(0);
        target.Write(store);
        target.Flush();
    }

    /// <summary>Always empty: the data hash of a sidecar manifest covers the whole asset.</summary>
    public IReadOnlyList<HashRange> GetStoreExclusions(Stream asset) => [];

    /// <summary>
    /// Where the sidecar of <paramref name="assetPath"/> is written (DESIGN.md "Sidecars"): `NAME.c2pa`, where c2pa-rs
    /// and c2patool look, unless another file in the folder has the stem NAME (`painting.psd` beside `painting.kra`)
    /// or `NAME.EXT.c2pa` already exists; then `NAME.EXT.c2pa`, so that two files never share one sidecar.
    /// </summary>
    public static string SidecarPath(string assetPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assetPath);
        string full = Path.GetFullPath(assetPath);
        string own = full + Extension;
        if (File.Exists(own) || StemShared(full)) return own;
        return Path.ChangeExtension(full, Extension);
    }

    /// <summary>True when another file (not a sidecar) in the asset's folder has the asset's stem.</summary>
    public static bool StemShared(string assetPath)
    {
        string full = Path.GetFullPath(assetPath);
        string? folder = Path.GetDirectoryName(full);
        string stem = Path.GetFileNameWithoutExtension(full);
        if (folder == null || !Directory.Exists(folder)) return false;
        foreach (string other in Directory.EnumerateFiles(folder, stem + "*", new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            if (string.Equals(other, full, StringComparison.Ordinal) || other.EndsWith(Extension, StringComparison.OrdinalIgnoreCase)) continue;
            if (string.Equals(Path.GetFileNameWithoutExtension(other), stem, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>
    /// The sidecar a reader uses for <paramref name="assetPath"/>: `NAME.EXT.c2pa` first, then `NAME.c2pa`.
    /// <c>Shared</c> is true when that `NAME.c2pa` may belong to another file with the same stem.
    /// </summary>
    public static (string Path, bool Shared)? FindSidecar(string assetPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assetPath);
        string full = Path.GetFullPath(assetPath);
        string own = full + Extension;
        if (File.Exists(own)) return (own, false);
        string plain = Path.ChangeExtension(full, Extension);
        if (!string.Equals(plain, full, StringComparison.Ordinal) && File.Exists(plain)) return (plain, StemShared(full));
        return null;
    }

    /// <summary>True when a `.c2pa` file has its asset beside it (`NAME.EXT` for `NAME.EXT.c2pa`, any `NAME.*` for `NAME.c2pa`).</summary>
    public static bool HasAsset(string sidecarPath)
    {
        string full = Path.GetFullPath(sidecarPath);
        if (!full.EndsWith(Extension, StringComparison.OrdinalIgnoreCase)) return false;
        string asset = full[..^Extension.Length];
        if (File.Exists(asset)) return true;
        string? folder = Path.GetDirectoryName(full);
        string stem = Path.GetFileName(asset);
        if (folder == null || stem.Length == 0) return false;
        foreach (string other in Directory.EnumerateFiles(folder, stem + ".*", new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 }))
            if (!other.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) && string.Equals(Path.GetFileNameWithoutExtension(other), stem, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The store in the asset's sidecar, or null when there is no sidecar (see <see cref="FindSidecar"/>).</summary>
    public static byte[]? ReadSidecar(string assetPath) => FindSidecar(assetPath) is { } found ? ReadStoreFile(found.Path) : null;

    /// <summary>
    /// The store of a sidecar that is certainly this asset's (its own `NAME.EXT.c2pa`, or a `NAME.c2pa` no other file
    /// could claim), or null: what signing takes as the parent, so that one file never adopts another's history.
    /// </summary>
    public static byte[]? ReadOwnSidecar(string assetPath) => FindSidecar(assetPath) is { Shared: false } found ? ReadStoreFile(found.Path) : null;

    private static byte[]? ReadStoreFile(string path)
    {
        using Stream stream = AssetFile.OpenRead(path);
        return new SidecarHandler().ReadManifestStore(stream);
    }

    /// <summary>Writes the asset's sidecar atomically (temporary file in the same folder, flushed, renamed).</summary>
    public static void WriteSidecar(string assetPath, byte[] store)
    {
        ArgumentNullException.ThrowIfNull(store);
        string path = SidecarPath(assetPath);
        string temp = Provenance.IO.TempFiles.PathBeside(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(store);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A MIME type for the claim's `format` from the asset's extension; application/octet-stream when unknown.</summary>
    public static string MediaTypeFor(string assetPath) => Path.GetExtension(assetPath).ToLowerInvariant() switch
    {
        ".heic" or ".heif" => "image/heif",
        ".avif" => "image/avif",
        ".gif" => "image/gif",
        ".jxl" => "image/jxl",
        ".bmp" => "image/bmp",
        ".svg" => "image/svg+xml",
        ".dng" => "image/x-adobe-dng",
        ".psd" => "image/vnd.adobe.photoshop",
        ".pdf" => "application/pdf",
        ".mp4" => "video/mp4",
        ".mov" => "video/quicktime",
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    };
}
