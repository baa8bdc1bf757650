using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// ISO base media files (HEIC/HEIF, AVIF, MP4, MOV), read only. C2PA 2.2 §A.5: the manifest store is the payload of a
/// top-level `uuid` box with the C2PA user type d8fec3d6-1b0e-483c-9297-5828877ec481, a FullBox (version, flags),
/// a NUL-terminated purpose `manifest`, an 8-byte offset to the first auxiliary (merkle) box, then the store.
/// XMP is the payload of the `uuid` box be7acfcb-97a9-42e8-9c71-999491e3afac.
/// </summary>
/// <remarks>
/// These files are bound by `c2pa.hash.bmff` (§9.2.3, §18.6), whose exclusions name boxes by path, not byte ranges,
/// and which this verifier does not check yet. <see cref="GetStoreExclusions"/> returns the byte ranges of the boxes
/// §A.5.6 requires every BMFF hash to exclude: `/ftyp`, the C2PA `/uuid` box and `/mfra`.
/// </remarks>
public sealed class BmffHandler : ReadOnlyAssetHandler
{
    private const string Format = "bmff";
    private const int MaxPurposeBytes = 64;

    /// <summary>C2PA 2.2 §A.5.1.2: the ContentProvenanceBox's user type.</summary>
    public static readonly byte[] C2paUuid = Convert.FromHexString("D8FEC3D61B0E483C92975828877EC481");

    /// <summary>The XMP `uuid` box's user type (XMP Specification Part 3, §1.1.4).</summary>
    public static readonly byte[] XmpUuid = Convert.FromHexString("BE7ACFCB97A942E89C71999491E3AFAC");

    /// <inheritdoc/>
    public override string FormatName => Format;

    /// <inheritdoc/>
    public override string MediaType => "image/heif";

    /// <summary>An `ftyp` box first (ISO/IEC 14496-12 §4.3: it comes as early as possible; every HEIF/AVIF/MP4 starts with it).</summary>
    public override bool CanRead(ReadOnlySpan<byte> header) => header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8);

    /// <inheritdoc/>
    public override byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (FindStoreBox(asset) is not { } found) return null;
        StoreLimits.Check(Format, found.Box.Offset, found.StoreLength, "C2PA uuid box payload");
        return AssetIo.ReadBytesAt(asset, found.StoreOffset, found.StoreLength, Format, "C2PA uuid box payload");
    }

    /// <inheritdoc/>
    public override string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        foreach (IsoBox box in Boxes(asset))
        {
            if (box.Type != "uuid" || !HasUserType(asset, box, XmpUuid)) continue;
            long length = box.DataSize - 16;
            if (length > AssetIo.MaxXmpBytes)
                throw new AssetFormatException(Format, box.Offset, $"XMP uuid box of {length} bytes is larger than the {AssetIo.MaxXmpBytes}-byte limit");
            return Encoding.UTF8.GetString(AssetIo.ReadBytesAt(asset, box.DataOffset + 16, length, Format, "XMP uuid box payload")).TrimEnd('\0');
        }
        return null;
    }

    /// <summary>
    /// C2PA 2.2 §A.5.6 "always excluded boxes": the whole `ftyp`, the whole C2PA `uuid` box and the whole `mfra`
    /// (when present), ascending; nothing when the file has no store.
    /// </summary>
    public override IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (FindStoreBox(asset) is not { } found) return [];
        var ranges = new List<HashRange>();
        foreach (IsoBox box in Boxes(asset))
        {
            if (box.Type is "ftyp" or "mfra" || box.Offset == found.Box.Offset) ranges.Add(new HashRange(box.Offset, box.Size));
        }
        return ranges;
    }

    private readonly record struct StoreBox(IsoBox Box, long StoreOffset, long StoreLength);

    private static List<IsoBox> Boxes(Stream asset)
    {
        List<IsoBox> boxes = IsoBoxes.TopLevel(asset, Format);
        if (boxes.Count == 0 || boxes[0].Type != "ftyp")
            throw new AssetFormatException(Format, 0, "the file does not start with an 'ftyp' box");
        return boxes;
    }

    private static bool HasUserType(Stream asset, IsoBox box, byte[] uuid)
    {
        if (box.DataSize < 16) throw new AssetFormatException(Format, box.Offset, $"'uuid' box of {box.Size} bytes is too short for its 16-byte user type");
        Span<byte> userType = stackalloc byte[16];
        AssetIo.ReadAt(asset, box.DataOffset, userType, Format, "uuid box user type");
        return userType.SequenceEqual(uuid);
    }

    /// <summary>
    /// C2PA 2.2 §A.5.3: one top-level C2PA box with purpose `manifest`. Boxes with purpose `merkle` (§A.5.4) are
    /// auxiliary and skipped. `original`/`update` pairs (a store plus an update manifest) are not merged here.
    /// </summary>
    private static StoreBox? FindStoreBox(Stream asset)
    {
        StoreBox? found = null;
        foreach (IsoBox box in Boxes(asset))
        {
            if (box.Type != "uuid" || !HasUserType(asset, box, C2paUuid)) continue;
            // §A.5.1.2: FullBox version (1 byte) and flags (3 bytes) follow the user type, then the purpose.
            long position = box.DataOffset + 16 + 4;
            long end = box.End;
            if (position > end) throw new AssetFormatException(Format, box.Offset, "C2PA uuid box ends inside its version and flags");
            string purpose = ReadPurpose(asset, ref position, end, box.Offset);
            if (purpose == "merkle") continue;
            if (purpose is "original" or "update")
                throw new AssetFormatException(Format, box.Offset, $"C2PA uuid box with purpose '{purpose}' (an update manifest, C2PA 2.2 §A.5.3) is not supported");
            if (purpose != "manifest")
                throw new AssetFormatException(Format, box.Offset, $"C2PA uuid box has the unknown purpose '{purpose}'");
            if (found is not null)
                throw new AssetFormatException(Format, box.Offset, "second C2PA uuid box with purpose 'manifest': a file may hold only one manifest store (C2PA 2.2 §A.5.3)", multipleStores: true);
            // §A.5.1.2: the 8-byte offset of the first auxiliary C2PA box (0 when there is none) precedes the store.
            if (end - position < 8) throw new AssetFormatException(Format, box.Offset, "C2PA uuid box ends inside its auxiliary-box offset");
            position += 8;
            found = new StoreBox(box, position, end - position);
        }
        return found;
    }

    private static string ReadPurpose(Stream asset, ref long position, long end, long boxOffset)
    {
        int available = (int)Math.Min(MaxPurposeBytes + 1, end - position);
        Span<byte> bytes = stackalloc byte[MaxPurposeBytes + 1];
        AssetIo.ReadAt(asset, position, bytes[..available], Format, "C2PA uuid box purpose");
        int nul = bytes[..available].IndexOf((byte)0);
        if (nul < 0)
            throw new AssetFormatException(Format, boxOffset, $"C2PA uuid box purpose has no NUL terminator within {Math.Min(available, MaxPurposeBytes)} bytes");
        position += nul + 1;
        return Encoding.UTF8.GetString(bytes[..nul]);
    }
}
