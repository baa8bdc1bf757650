using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Provenance.Formats;

/// <summary>
/// TIFF and BigTIFF: the manifest store is the value of tag 0xCD41 (type UNDEFINED) in IFD0 (C2PA 2.2 §A.3.5, which covers DNG and
/// other TIFF-based raw formats too: `AssetHandlers` sniffs a DNG as TIFF). §A.3.5 in 2.2 asks for the store as the only
/// entry of the last IFD (earlier versions said IFD0); this handler reads both and still writes IFD0.
/// Writing follows c2pa-rs tiff_io: the source is copied unchanged, then a new IFD0 (the old entries, which keep
/// pointing at the old data, plus the XMP and C2PA tags) is appended with the store right after it, and the header is
/// pointed at it. The data hash leaves out only the store: c2pa-rs also leaves out the C2PA entry's count field
/// (its store may be rewritten at another size), which makes c2pa-rs itself report
/// `assertion.dataHash.additionalExclusionsPresent`; our store's size is fixed before hashing, so the count stays hashed.
/// XMP is tag 700 (type BYTE) in IFD0.
/// </summary>
public sealed class TiffHandler : IAssetHandler
{
    private const string Format = "tiff";
    private const ushort C2paTag = 0xCD41;
    private const ushort XmpTag = 700;
    private const ushort TypeByte = 1;
    private const ushort TypeUndefined = 7;
    private const int MaxPages = 2000;
    private const int MaxEntries = 65535;

    /// <inheritdoc/>
    public string FormatName => Format;

    /// <inheritdoc/>
    public string MediaType => "image/tiff";

    /// <inheritdoc/>
    public bool CanRead(ReadOnlySpan<byte> header)
    {
        if (header.Length < 4) return false;
        bool little = header[0] == 'I' && header[1] == 'I';
        bool big = header[0] == 'M' && header[1] == 'M';
        if (!little && !big) return false;
        ushort magic = little ? BinaryPrimitives.ReadUInt16LittleEndian(header[2..]) : BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        return magic is 42 or 43;
    }

    /// <inheritdoc/>
    public byte[]? ReadManifestStore(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var tiff = Scan(asset);
        if (FindStoreEntry(tiff) is not { } entry) return null;
        var (offset, length) = ValueRange(tiff, entry, "C2PA tag 0xCD41");
        StoreLimits.Check(Format, entry.EntryOffset, length, "C2PA tag 0xCD41 value");
        return AssetIo.ReadBytesAt(asset, offset, length, Format, "C2PA tag 0xCD41 value");
    }

    /// <inheritdoc/>
    public string? ReadXmp(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var tiff = Scan(asset);
        int index = tiff.First.Entries.FindIndex(e => e.Tag == XmpTag);
        if (index < 0) return null;
        var entry = tiff.First.Entries[index];
        if (entry.Type != TypeByte && entry.Type != TypeUndefined)
            throw new AssetFormatException(Format, entry.EntryOffset, $"XMP tag 700 has type {entry.Type}, not BYTE");
        if (entry.Count > AssetIo.MaxXmpBytes)
            throw new AssetFormatException(Format, entry.EntryOffset, $"XMP tag 700 of {entry.Count} bytes is larger than the {AssetIo.MaxXmpBytes}-byte limit");
        var (offset, length) = ValueRange(tiff, entry, "XMP tag 700");
        return Encoding.UTF8.GetString(AssetIo.ReadBytesAt(asset, offset, length, Format, "XMP tag 700 value")).TrimEnd('\0');
    }

    /// <inheritdoc/>
    public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var tiff = Scan(source);
        int fieldSize = tiff.Big ? 8 : 4;
        if (storeLength <= fieldSize) throw new ArgumentOutOfRangeException(nameof(storeLength), storeLength, "a manifest store is longer than an IFD value field");
        long outputStart = destination.Position;

        // An old store at the very end of the file (where c2pa-rs and we put it) is cut off; one elsewhere is left
        // unreferenced. A c2pa-rs multi-page file keeps its store in a last IFD of its own, which is unlinked.
        long copyLength = tiff.FileLength;
        var patches = new List<(long Offset, byte[] Bytes)>();
        long nextOfNewIfd0 = tiff.First.Next;
        if (FindStoreEntry(tiff) is { } oldStore)
        {
            var (oldOffset, oldLength) = ValueRange(tiff, oldStore, "C2PA tag 0xCD41");
            if (oldOffset + oldLength == tiff.FileLength && oldOffset >= tiff.HeaderSize) copyLength = oldOffset;
        }
        if (tiff.Pages.Count > 1)
        {
            var last = tiff.Pages[^1];
            bool storeOnlyPage = last.Entries.Count == 1 && last.Entries[0].Tag == C2paTag;
            for (int i = 1; i < tiff.Pages.Count; i++)
            {
                var page = tiff.Pages[i];
                if (page.Entries.Exists(e => e.Tag == C2paTag) && !(storeOnlyPage && i == tiff.Pages.Count - 1))
                    throw new AssetFormatException(Format, page.Offset, $"IFD {i} holds a C2PA tag beside other tags; cannot replace its store");
            }
            if (storeOnlyPage)
            {
                if (tiff.Pages.Count == 2) nextOfNewIfd0 = 0;
                else patches.Add((tiff.Pages[^2].NextFieldOffset, new byte[fieldSize]));
            }
        }

        byte[]? xmpBytes = xmp is null ? null : Encoding.UTF8.GetBytes(xmp);
        long xmpOffset = Align(copyLength);
        long afterXmp = xmpBytes is not null && xmpBytes.Length > fieldSize ? xmpOffset + xmpBytes.Length : xmpOffset;
        long ifdOffset = Align(afterXmp);

        var entries = tiff.First.Entries.FindAll(e => e.Tag != C2paTag && !(xmpBytes is not null && e.Tag == XmpTag));
        if (xmpBytes is not null) entries.Add(NewEntry(tiff, XmpTag, TypeByte, xmpBytes.Length, xmpBytes.Length > fieldSize ? xmpOffset : -1, xmpBytes));
        int entrySize = tiff.Big ? 20 : 12;
        int countSize = tiff.Big ? 8 : 2;
        long ifdSize = countSize + (long)(entries.Count + 1) * entrySize + fieldSize;
        long storeOffset = ifdOffset + ifdSize;
        entries.Add(NewEntry(tiff, C2paTag, TypeUndefined, storeLength, storeOffset, null));
        // TIFF 6.0 §2: entries are sorted ascending by tag.
        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        if (entries.Count > MaxEntries) throw new AssetFormatException(Format, tiff.First.Offset, $"IFD0 would have {entries.Count} entries");
        long end = storeOffset + storeLength;
        if (!tiff.Big && end > uint.MaxValue)
            throw new AssetFormatException(Format, tiff.FileLength, $"the signed file would be {end} bytes, past the 4 GiB limit of classic TIFF");

        byte[] headerOffset = new byte[fieldSize];
        WriteOffset(tiff, headerOffset, ifdOffset);
        patches.Add((tiff.Big ? 8 : 4, headerOffset));
        patches.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        foreach (var (offset, bytes) in patches)
        {
            if (offset + bytes.Length > copyLength)
                throw new AssetFormatException(Format, offset, "IFD link lies inside the old manifest store");
        }

        AssetIo.CopyWithPatches(source, destination, 0, copyLength, patches, Format);
        AssetIo.WriteZeros(destination, xmpOffset - copyLength);
        if (xmpBytes is not null && xmpBytes.Length > fieldSize) destination.Write(xmpBytes);
        AssetIo.WriteZeros(destination, ifdOffset - afterXmp);

        var ifd = new byte[ifdSize];
        WriteUnsigned(tiff, ifd.AsSpan(0, countSize), (ulong)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            Span<byte> slot = ifd.AsSpan(countSize + i * entrySize, entrySize);
            WriteUnsigned(tiff, slot[..2], entry.Tag);
            WriteUnsigned(tiff, slot[2..4], entry.Type);
            WriteUnsigned(tiff, slot.Slice(4, fieldSize), entry.Count);
            entry.Field.CopyTo(slot[(4 + fieldSize)..]);
        }
        WriteOffset(tiff, ifd.AsSpan(ifd.Length - fieldSize), nextOfNewIfd0);
        destination.Write(ifd);
        (destination as IHashExclusionSink)?.ExcludeNext(storeLength);
        AssetIo.WriteZeros(destination, storeLength);

        return new StorePlacement(storeLength, [new HashRange(storeOffset, storeLength)], outputStart + storeOffset);
    }

    /// <inheritdoc/>
    public void WriteStore(Stream destination, StorePlacement placement, byte[] store)
    {
        ArgumentNullException.ThrowIfNull(destination);
        AssetIo.CheckStoreLength(placement, store);
        if (placement.HandlerState is not long storeOffset)
            throw new ArgumentException("placement was not made by the TIFF handler", nameof(placement));
        destination.Position = storeOffset;
        destination.Write(store);
        destination.Flush();
    }

    /// <inheritdoc/>
    public IReadOnlyList<HashRange> GetStoreExclusions(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var tiff = Scan(asset);
        if (FindStoreEntry(tiff) is not { } entry) return [];
        var (offset, length) = ValueRange(tiff, entry, "C2PA tag 0xCD41");
        return [new HashRange(offset, length)];
    }

    /// <inheritdoc/>
    public IReadOnlyList<HashRange> GetStoreRegion(Stream asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var tiff = Scan(asset);
        if (FindStoreEntry(tiff) is not { } entry) return [];
        var (offset, length) = ValueRange(tiff, entry, "C2PA tag 0xCD41");
        // c2pa-rs (tiff_io) also leaves out the C2PA entry's count field, so that its store can be rewritten at
        // another size; that field only says how long the store is, so it belongs to the store's framing.
        return [new HashRange(entry.EntryOffset + 4, tiff.Big ? 8 : 4), new HashRange(offset, length)];
    }

    private static long Align(long offset) => (offset + 3) & ~3L;

    /// <summary>The C2PA entry: the last IFD first, then IFD0 (as c2pa-rs looks for it).</summary>
    private static IfdEntry? FindStoreEntry(TiffLayout tiff)
    {
        foreach (var page in tiff.Pages.Count > 1 ? new[] { tiff.Pages[^1], tiff.First } : [tiff.First])
        {
            int index = page.Entries.FindIndex(e => e.Tag == C2paTag);
            if (index < 0) continue;
            var entry = page.Entries[index];
            if (entry.Type != TypeUndefined)
                throw new AssetFormatException(Format, entry.EntryOffset, $"C2PA tag 0xCD41 has type {entry.Type}, not UNDEFINED (7)");
            return entry;
        }
        return null;
    }

    /// <summary>Where a BYTE/UNDEFINED entry's value lies: in the field itself when it fits, else at the offset the field holds.</summary>
    private static (long Offset, long Length) ValueRange(TiffLayout tiff, IfdEntry entry, string what)
    {
        int fieldSize = tiff.Big ? 8 : 4;
        long fieldOffset = entry.EntryOffset + 4 + fieldSize;
        if (entry.Count <= (ulong)fieldSize) return (fieldOffset, (long)entry.Count);
        ulong offset = ReadUnsigned(tiff, entry.Field);
        if (entry.Count > (ulong)tiff.FileLength || offset > (ulong)tiff.FileLength - entry.Count)
            throw new AssetFormatException(Format, entry.EntryOffset, $"{what} value ({entry.Count} bytes at offset {offset}) lies outside the file ({tiff.FileLength} bytes)");
        return ((long)offset, (long)entry.Count);
    }

    private static IfdEntry NewEntry(TiffLayout tiff, ushort tag, ushort type, long count, long valueOffset, byte[]? inlineValue)
    {
        var field = new byte[tiff.Big ? 8 : 4];
        if (valueOffset >= 0) WriteOffset(tiff, field, valueOffset);
        else inlineValue?.CopyTo(field, 0);
        return new IfdEntry(tag, type, (ulong)count, field, -1);
    }

    private static void WriteOffset(TiffLayout tiff, Span<byte> target, long value) => WriteUnsigned(tiff, target, (ulong)value);

    private static void WriteUnsigned(TiffLayout tiff, Span<byte> target, ulong value)
    {
        switch (target.Length)
        {
            case 2:
                if (tiff.Little) BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)value); else BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)value);
                break;
            case 4:
                if (tiff.Little) BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)value); else BinaryPrimitives.WriteUInt32BigEndian(target, (uint)value);
                break;
            default:
                if (tiff.Little) BinaryPrimitives.WriteUInt64LittleEndian(target, value); else BinaryPrimitives.WriteUInt64BigEndian(target, value);
                break;
        }
    }

    private static ulong ReadUnsigned(TiffLayout tiff, ReadOnlySpan<byte> source) => source.Length switch
    {
        2 => tiff.Little ? BinaryPrimitives.ReadUInt16LittleEndian(source) : BinaryPrimitives.ReadUInt16BigEndian(source),
        4 => tiff.Little ? BinaryPrimitives.ReadUInt32LittleEndian(source) : BinaryPrimitives.ReadUInt32BigEndian(source),
        _ => tiff.Little ? BinaryPrimitives.ReadUInt64LittleEndian(source) : BinaryPrimitives.ReadUInt64BigEndian(source),
    };

    /// <param name="Field">The raw 4-byte (TIFF) or 8-byte (BigTIFF) value/offset field, copied verbatim when rewriting.</param>
    private sealed record IfdEntry(ushort Tag, ushort Type, ulong Count, byte[] Field, long EntryOffset);

    private sealed class Ifd
    {
        public long Offset;
        public long NextFieldOffset;
        public long Next;
        public List<IfdEntry> Entries = new();
    }

    private sealed class TiffLayout
    {
        public bool Little;
        public bool Big;
        public long FileLength;
        public int HeaderSize => Big ? 16 : 8;
        public List<Ifd> Pages = new();
        public Ifd First => Pages[0];
    }

    /// <summary>
    /// Reads the header and walks the IFD chain (a visited set stops loops, <see cref="MaxPages"/> stops long chains).
    /// Entries are kept for IFD0 and the last IFD only, so memory stays small whatever the page count.
    /// </summary>
    private static TiffLayout Scan(Stream asset)
    {
        var tiff = new TiffLayout { FileLength = asset.Length };
        if (tiff.FileLength < 8) throw new AssetFormatException(Format, 0, $"file of {tiff.FileLength} bytes is too short for a TIFF header");
        Span<byte> header = stackalloc byte[16];
        AssetIo.ReadAt(asset, 0, header[..8], Format, "header");
        if (header[0] == 'I' && header[1] == 'I') tiff.Little = true;
        else if (!(header[0] == 'M' && header[1] == 'M')) throw new AssetFormatException(Format, 0, "byte order mark is neither II nor MM");
        ulong magic = ReadUnsigned(tiff, header[2..4]);
        long firstIfd;
        if (magic == 42)
        {
            firstIfd = (long)ReadUnsigned(tiff, header[4..8]);
        }
        else if (magic == 43)
        {
            tiff.Big = true;
            AssetIo.ReadAt(asset, 0, header, Format, "BigTIFF header");
            if (ReadUnsigned(tiff, header[4..6]) != 8 || ReadUnsigned(tiff, header[6..8]) != 0)
                throw new AssetFormatException(Format, 4, "BigTIFF offset size is not 8");
            ulong offset = ReadUnsigned(tiff, header[8..16]);
            firstIfd = offset > long.MaxValue ? -1 : (long)offset;
        }
        else
        {
            throw new AssetFormatException(Format, 2, $"version {magic} is neither 42 (TIFF) nor 43 (BigTIFF)");
        }
        if (firstIfd == 0) throw new AssetFormatException(Format, 4, "TIFF has no IFD0");

        var visited = new HashSet<long>();
        long ifdOffset = firstIfd;
        long linkOffset = tiff.Big ? 8 : 4;
        while (ifdOffset != 0)
        {
            if (!visited.Add(ifdOffset))
                throw new AssetFormatException(Format, linkOffset, $"IFD chain loops back to the IFD at offset {ifdOffset}");
            if (tiff.Pages.Count == MaxPages)
                throw new AssetFormatException(Format, linkOffset, $"IFD chain is longer than {MaxPages} IFDs");
            var ifd = ReadIfd(asset, tiff, ifdOffset, linkOffset, withEntries: tiff.Pages.Count == 0);
            tiff.Pages.Add(ifd);
            linkOffset = ifd.NextFieldOffset;
            ifdOffset = ifd.Next;
        }
        if (tiff.Pages.Count > 1)
            tiff.Pages[^1] = ReadIfd(asset, tiff, tiff.Pages[^1].Offset, 0, withEntries: true);
        return tiff;
    }

    private static Ifd ReadIfd(Stream asset, TiffLayout tiff, long offset, long linkOffset, bool withEntries)
    {
        int countSize = tiff.Big ? 8 : 2;
        int entrySize = tiff.Big ? 20 : 12;
        int fieldSize = tiff.Big ? 8 : 4;
        if (offset < tiff.HeaderSize || offset > tiff.FileLength - countSize)
            throw new AssetFormatException(Format, linkOffset, $"IFD offset {offset} lies outside the file ({tiff.FileLength} bytes)");
        Span<byte> buffer = stackalloc byte[8];
        AssetIo.ReadAt(asset, offset, buffer[..countSize], Format, "IFD entry count");
        ulong count = ReadUnsigned(tiff, buffer[..countSize]);
        if (count == 0 || count > MaxEntries)
            throw new AssetFormatException(Format, offset, $"IFD entry count {count} is outside 1..{MaxEntries}");
        long nextField = offset + countSize + (long)count * entrySize;
        if (nextField + fieldSize > tiff.FileLength)
            throw new AssetFormatException(Format, offset, $"IFD of {count} entries runs past the end of the file ({tiff.FileLength} bytes)");
        AssetIo.ReadAt(asset, nextField, buffer[..fieldSize], Format, "next IFD offset");
        ulong next = ReadUnsigned(tiff, buffer[..fieldSize]);
        var ifd = new Ifd { Offset = offset, NextFieldOffset = nextField, Next = next > long.MaxValue ? -1 : (long)next };
        if (ifd.Next < 0) throw new AssetFormatException(Format, nextField, $"next IFD offset {next} lies outside the file");
        if (!withEntries) return ifd;

        byte[] raw = AssetIo.ReadBytesAt(asset, offset + countSize, (long)count * entrySize, Format, "IFD entries");
        for (int i = 0; i < (int)count; i++)
        {
            ReadOnlySpan<byte> slot = raw.AsSpan(i * entrySize, entrySize);
            ifd.Entries.Add(new IfdEntry(
                (ushort)ReadUnsigned(tiff, slot[..2]),
                (ushort)ReadUnsigned(tiff, slot[2..4]),
                ReadUnsigned(tiff, slot.Slice(4, fieldSize)),
                slot[(4 + fieldSize)..].ToArray(),
                offset + countSize + (long)i * entrySize));
        }
        return ifd;
    }
}
