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

    /// <summary>The sidecar path of an asset: its extension replaced by `.c2pa` (photo.heic → photo.c2pa).</summary>
    public static string SidecarPath(string assetPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assetPath);
        return Path.ChangeExtension(assetPath, Extension);
    }

    /// <summary>The store in the asset's sidecar, or null when there is no sidecar.</summary>
    public static byte[]? ReadSidecar(string assetPath)
    {
        string path = SidecarPath(assetPath);
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return new SidecarHandler().ReadManifestStore(stream);
    }

    /// <summary>Writes the asset's sidecar atomically (temporary file in the same folder, flushed, renamed).</summary>
    public static void WriteSidecar(string assetPath, byte[] store)
    {
        ArgumentNullException.ThrowIfNull(store);
        string path = Path.GetFullPath(SidecarPath(assetPath));
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
