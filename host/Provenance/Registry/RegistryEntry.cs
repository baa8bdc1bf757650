using System.IO;
using Provenance.C2pa;
using Provenance.Fingerprint;
using Provenance.Formats;
using Provenance.Verification;

namespace Provenance.Registry;

/// <summary>What a signed file contributes to a registry: its manifest store, active manifest and Image-Code.</summary>
public sealed record RegistryEntry(string ManifestId, IsccImageCode Code, byte[] Store, bool CodeFromManifest)
{
    /// <summary>
    /// Reads a signed file for registration. Only intact credentials (valid or trusted) are registered; the code is the
    /// one the signed soft binding states, else computed from the pixels.
    /// </summary>
    /// <exception cref="InvalidDataException">The file has no intact credentials, or no Image-Code can be had.</exception>
    public static RegistryEntry FromSignedFile(string path)
    {
        FileVerification verification = Verifier.VerifyFile(path, TrustSettings.None);
        if (verification.Verdict is not (Verdict.Valid or Verdict.Trusted))
            throw new InvalidDataException($"{Path.GetFileName(path)} has no intact credentials to register ({verification.Verdict.ToString().ToLowerInvariant()}: {verification.Reason})");
        byte[] store;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            IAssetHandler? handler = AssetHandlers.Default.ForStream(stream);
            stream.Position = 0;
            store = (handler is { } h and not SidecarHandler ? h.ReadManifestStore(stream) : null)
                ?? SidecarHandler.ReadSidecar(path)
                ?? throw new InvalidDataException(Path.GetFileName(path) + " has no manifest store");
        }
        Manifest active = ManifestStore.Parse(store).Active ?? throw new InvalidDataException(Path.GetFileName(path) + " has an empty manifest store");
        if (SoftBindingReader.IsccCode(active) is { } stated) return new RegistryEntry(active.Label, stated, store, true);
        DecodedImage decoded = ImageDecoder.TryDecodeFile(path)
            ?? throw new InvalidDataException(Path.GetFileName(path) + " has no ISCC soft binding and its pixels do not decode");
        return new RegistryEntry(active.Label, decoded.Code(), store, false);
    }
}
