using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.Verification;

/// <summary>
/// The attacker's toolkit: rewrites the manifest store inside a signed file while keeping its length (the claim
/// signature's padding absorbs the difference), so that only the rule under test can catch the forgery.
/// </summary>
internal static class Forger
{
    public static readonly (string Format, IAssetHandler Handler, string Sample)[] Formats =
    [
        ("jpeg", new JpegHandler(), "artwork.jpg"),
        ("png", new PngHandler(), "artwork.png"),
        ("tiff", new TiffHandler(), "artwork.tif"),
        ("webp", new WebpHandler(), "artwork.webp"),
    ];

    public static IAssetHandler Handler(string format) => Formats.Single(f => f.Format == format).Handler;

    public static string SamplePath(string name)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "ProvenanceDevice.sln"))) dir = Path.GetDirectoryName(dir);
        return Path.Combine(dir ?? throw new InvalidOperationException("repository root not found"), "samples", name);
    }

    public static async Task<byte[]> SignAsync(string format, IClaimSigner signer, SigningRequest? request = null)
    {
        var (_, handler, sample) = Formats.Single(f => f.Format == format);
        using var input = new MemoryStream(File.ReadAllBytes(SamplePath(sample)));
        using var output = new MemoryStream();
        await new ManifestSigner().SignAsync(input, output, handler, request ?? Signing.Request(), signer, CancellationToken.None);
        return output.ToArray();
    }

    public static byte[] ReadStore(byte[] file, IAssetHandler handler)
    {
        using var stream = new MemoryStream(file);
        return handler.ReadManifestStore(stream) ?? throw new InvalidOperationException("no store");
    }

    /// <summary>A copy of a superbox with other children (the copy is re-serialised; untouched children keep their bytes).</summary>
    public static JumbfSuperBox With(JumbfSuperBox box, IEnumerable<JumbfBox> children) =>
        new(box.TypeUuid, box.Label, children) { Toggles = box.Toggles, BoxId = box.BoxId, DescriptionSignature = box.DescriptionSignature, PrivateBox = box.PrivateBox };

    public static JumbfSuperBox CborAssertion(string label, byte[] cbor) => new(JumbfTypes.Cbor, label, [new JumbfContentBox("cbor", cbor)]);

    /// <summary>A `cawg.training-mining` payload that allows everything: what a forger wants the gallery to read.</summary>
    public static byte[] AllowEverything()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("entries");
        string[] uses = ["cawg.ai_training", "cawg.ai_generative_training", "cawg.data_mining", "cawg.ai_inference"];
        writer.WriteStartMap(uses.Length);
        foreach (string use in uses)
        {
            writer.WriteTextString(use);
            writer.WriteStartMap(1);
            writer.WriteTextString("use");
            writer.WriteTextString("allowed");
            writer.WriteEndMap();
        }
        writer.WriteEndMap();
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>
    /// Rebuilds the active manifest with <paramref name="editAssertions"/> applied to its assertion store and, when
    /// given, a new claim signed by <paramref name="resigner"/>; the COSE padding keeps the store's length unchanged.
    /// </summary>
    public static async Task<byte[]> RewriteAsync(
        byte[] file, IAssetHandler handler,
        Func<List<JumbfBox>, List<JumbfBox>> editAssertions,
        Func<ManifestStore, List<JumbfBox>, Claim, Claim>? newClaim = null,
        IClaimSigner? resigner = null,
        Func<ParsedCoseSign1, byte[]?>? timeStampToken = null,
        Func<Manifest, JumbfSuperBox>? editOtherManifest = null)
    {
        byte[] oldStore = ReadStore(file, handler);
        ManifestStore store = ManifestStore.Parse(oldStore);
        Manifest active = store.Active!;
        List<JumbfBox> assertions = editAssertions([.. active.AssertionStore!.Children]);
        JumbfSuperBox assertionStore = With(active.AssertionStore, assertions);

        byte[] claimBytes = active.ClaimBytes!;
        JumbfSuperBox claimBox = active.ClaimBox!;
        ParsedCoseSign1 cose = ParsedCoseSign1.Parse(active.SignatureBytes!);
        byte[] protectedHeader = cose.ProtectedHeaderBytes;
        byte[] signature = cose.Signature;
        if (newClaim != null)
        {
            Claim claim = newClaim(store, assertions, Claim.Decode(claimBytes, claimBox.Label!));
            claimBytes = claim.Encode();
            claimBox = With(claimBox, [new JumbfContentBox("cbor", claimBytes)]);
            IClaimSigner signer = resigner ?? throw new ArgumentNullException(nameof(resigner));
            protectedHeader = ClaimSignature.ProtectedHeader(CoseAlgorithms.ES256, signer.Chain);
            signature = await signer.SignAsync(ClaimSignature.SigStructure("Signature1", protectedHeader, claimBytes), CancellationToken.None);
        }
        byte[]? tst = timeStampToken != null ? timeStampToken(cose) : cose.TimeStampToken;

        JumbfSuperBox Manifest(byte[] coseBytes)
        {
            var children = new List<JumbfBox>();
            foreach (JumbfBox child in active.Box.Children)
            {
                if (ReferenceEquals(child, active.AssertionStore)) children.Add(assertionStore);
                else if (ReferenceEquals(child, active.ClaimBox)) children.Add(claimBox);
                else if (ReferenceEquals(child, active.SignatureBox)) children.Add(With(active.SignatureBox!, [new JumbfContentBox("cbor", coseBytes)]));
                else children.Add(child);
            }
            return With(active.Box, children);
        }
        JumbfBox Other(JumbfBox child) =>
            editOtherManifest != null && child is JumbfSuperBox box && store.Manifests.FirstOrDefault(m => ReferenceEquals(m.Box, box)) is { } manifest
                ? editOtherManifest(manifest) : child;
        byte[] Store(byte[] coseBytes) => JumbfWriter.Write(With(store.Root, store.Root.Children.Select(c => ReferenceEquals(c, active.Box) ? Manifest(coseBytes) : Other(c))));

        int withoutPad = Store(ClaimSignature.Encode(protectedHeader, signature, tst, 0)).Length;
        int coseTarget = ClaimSignature.Encode(protectedHeader, signature, tst, 0).Length + (oldStore.Length - withoutPad);
        byte[] newStore = Store(ClaimSignature.EncodeToLength(protectedHeader, signature, tst, coseTarget));
        if (newStore.Length != oldStore.Length) throw new InvalidOperationException($"store is {newStore.Length} bytes, not {oldStore.Length}");
        return ReplaceStore(file, handler, oldStore, newStore);
    }

    /// <summary>Writes a same-length store over the old one where the file keeps it (and fixes a PNG chunk's CRC).</summary>
    public static byte[] ReplaceStore(byte[] file, IAssetHandler handler, byte[] oldStore, byte[] newStore)
    {
        int at = IndexOf(file, oldStore);
        if (at < 0) throw new InvalidOperationException("the store is not contiguous in this file");
        byte[] forged = (byte[])file.Clone();
        newStore.CopyTo(forged, at);
        if (handler is PngHandler)
        {
            // caBX: length(4) type(4) data CRC(4); the CRC covers type and data.
            uint crc = Crc32(forged.AsSpan(at - 4, 4 + newStore.Length));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(at + newStore.Length), crc);
        }
        return forged;
    }

    public static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    /// <summary>The data hash assertion's CBOR with exclusions as given and the hash recomputed over the file.</summary>
    public static byte[] DataHash(byte[] file, IReadOnlyList<HashRange> exclusions)
    {
        using var stream = new MemoryStream(file);
        // The hash must be computed with the file as it will be, store bytes excluded: callers pass the store range among the exclusions.
        var inRange = exclusions.Where(e => e.Start < file.Length).Select(e => new HashRange(e.Start, Math.Min(e.Length, file.Length - e.Start))).ToList();
        byte[] hash = DataHasher.Hash(stream, inRange, "sha256");
        var writer = new CborWriter();
        writer.WriteStartMap(4);
        writer.WriteTextString("exclusions");
        writer.WriteStartArray(exclusions.Count);
        foreach (HashRange range in exclusions)
        {
            writer.WriteStartMap(2);
            writer.WriteTextString("start");
            writer.WriteInt64(range.Start);
            writer.WriteTextString("length");
            writer.WriteInt64(range.Length);
            writer.WriteEndMap();
        }
        writer.WriteEndArray();
        writer.WriteTextString("name");
        writer.WriteTextString("jumbf manifest");
        writer.WriteTextString("alg");
        writer.WriteTextString("sha256");
        writer.WriteTextString("hash");
        writer.WriteByteString(hash);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>The claim with one assertion's hashed URI pointing at a new box's hash.</summary>
    public static Claim Rehash(Claim claim, string label, JumbfSuperBox box) => new()
    {
        InstanceId = claim.InstanceId,
        SignatureUri = claim.SignatureUri,
        Alg = claim.Alg,
        Title = claim.Title,
        GeneratorName = claim.GeneratorName,
        GeneratorVersion = claim.GeneratorVersion,
        Format = claim.Format,
        Assertions = claim.Assertions.Select(a => a.Url.EndsWith("/" + label, StringComparison.Ordinal)
            ? new HashedUri(a.Url, ManifestStore.BoxHash(box, a.Alg ?? claim.Alg), a.Alg)
            : a).ToList(),
    };

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
