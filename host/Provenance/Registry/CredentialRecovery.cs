using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Fingerprint;
using Provenance.Verification;

namespace Provenance.Registry;

/// <summary>
/// `prov verify FILE --registry URL` for a file with no credentials (issue 17): its ISCC Image-Code, the registry's
/// nearest match, and that match's manifest store verified in full against this file.
/// </summary>
public static class CredentialRecovery
{
    /// <summary>
    /// Adds what the registry holds to a file's result; results of files that have credentials of their own, or that
    /// are no decodable image, come back unchanged.
    /// </summary>
    public static async Task<FileVerification> RecoverAsync(FileVerification result, string path, RegistryClient registry, TrustSettings trust, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(registry);
        if (result.Verdict != Verdict.Missing) return result;
        DecodedImage? image;
        try
        {
            image = ImageDecoder.TryDecodeFile(path);
        }
        catch (IOException)
        {
            return result;
        }
        if (image is null) return result.WithNote("not an image prov can fingerprint, so the registry was not asked");
        IsccImageCode code = image.Code();
        string where = registry.BaseAddress.AbsoluteUri;
        foreach (RemoteMatch match in await registry.MatchesAsync(code, 1, cancellationToken).ConfigureAwait(false))
        {
            byte[]? store = await registry.ManifestStoreAsync(match.ManifestId, cancellationToken).ConfigureAwait(false);
            if (store is null) continue;
            int distance = match.Distance ?? (int)Math.Round(64 * (1 - (match.SimilarityScore ?? 0) / 100.0));
            FileVerification credentials = Verifier.VerifyDetachedStore(store, path, trust);
            return result.WithRecovered(new RecoveredCredentials(where, code.ToString(), match.ManifestId, distance, match.SimilarityScore, credentials));
        }
        return result.WithRecovered(new RecoveredCredentials(where, code.ToString(), null, null, null, null));
    }
}
