using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.History;

/// <summary>One signed version of a test work: the asset as it was saved and its complete store (in a sidecar).</summary>
internal sealed record SignedVersion(byte[] Asset, byte[] Store, SignResult Result);

/// <summary>Signs saved versions of a work the way `prov sign --history` does, each with the previous store as its parent.</summary>
internal static class HistoryChain
{
    /// <summary>Each version's asset differs from the last (a drawing that grows); the store goes to a sidecar, so it can be edited.</summary>
    public static byte[] Asset(int version)
    {
        byte[] bytes = TestAssets.SmallJpeg();
        var grown = new byte[bytes.Length + version];
        bytes.CopyTo(grown, 0);
        return grown;
    }

    public static async Task<SignedVersion> SignAsync(IClaimSigner signer, byte[] asset, byte[]? parentStore, long counter, string? serial = "PD-0042", DateTimeOffset? when = null)
    {
        using var input = new MemoryStream(asset);
        using var output = new MemoryStream();
        using var sidecar = new MemoryStream();
        SigningRequest request = Signing.Request();
        request = new SigningRequest
        {
            Title = "Heron",
            ArtistName = request.ArtistName,
            Source = CaptureSource.Tablet,
            Consent = request.Consent,
            TokenSerial = serial,
            TokenCounter = serial is null ? null : counter,
            ParentStore = parentStore,
            EditAction = parentStore is null ? null : "c2pa.drawing",
            When = when ?? new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero).AddMinutes(counter),
        };
        SignResult result = await new ManifestSigner().SignAsync(input, output, SidecarHandler.ForStoreStream(sidecar, "image/jpeg"), request, signer);
        return new SignedVersion(asset, sidecar.ToArray(), result);
    }

    /// <summary>Versions 1..<paramref name="count"/>, counters from <paramref name="firstCounter"/> stepping by <paramref name="step"/>.</summary>
    public static async Task<List<SignedVersion>> SignChainAsync(IClaimSigner signer, int count, long firstCounter = 10, long step = 1, byte[]? start = null)
    {
        var versions = new List<SignedVersion>();
        byte[]? parent = start;
        for (int i = 0; i < count; i++)
        {
            SignedVersion version = await SignAsync(signer, Asset(i), parent, firstCounter + i * step);
            versions.Add(version);
            parent = version.Store;
        }
        return versions;
    }

    public static FileVerification Verify(SignedVersion version, TrustSettings? trust = null, bool onCallingThread = false)
    {
        ManifestStore store = ManifestStore.Parse(version.Store);
        using var asset = new MemoryStream(version.Asset);
        ValidationReport report = onCallingThread
            ? ManifestValidator.ValidateOnCallingThread(store, asset, new SidecarHandler("image/jpeg"), trust ?? TrustSettings.None)
            : ManifestValidator.Validate(store, asset, new SidecarHandler("image/jpeg"), trust ?? TrustSettings.None);
        return VerificationModel.Describe("heron.jpg", "sidecar", report, trust ?? TrustSettings.None);
    }

    /// <summary>
    /// The store with the manifest labelled <paramref name="label"/> replaced by <paramref name="replacement"/>'s active
    /// manifest under that label (labels are `urn:c2pa:` and a UUID, all the same length, so the bytes keep their size).
    /// </summary>
    public static byte[] ReplaceManifest(byte[] store, string label, byte[] replacement)
    {
        ManifestStore target = ManifestStore.Parse(store);
        Manifest other = ManifestStore.Parse(replacement).Active!;
        byte[] otherBytes = JumbfWriter.Write(other.Box);
        byte[] from = System.Text.Encoding.ASCII.GetBytes(other.Label);
        byte[] to = System.Text.Encoding.ASCII.GetBytes(label);
        if (from.Length != to.Length) throw new InvalidOperationException("labels differ in length");
        int at = otherBytes.AsSpan().IndexOf(from);
        to.CopyTo(otherBytes, at);
        var root = new JumbfSuperBox(JumbfTypes.ManifestStore, "c2pa");
        foreach (Manifest manifest in target.Manifests)
            root.Children.Add(manifest.Label == label ? JumbfReader.ReadSuperBox(otherBytes) : JumbfReader.ReadSuperBox(JumbfWriter.Write(manifest.Box)));
        return JumbfWriter.Write(root);
    }
}
