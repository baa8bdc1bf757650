using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Identity;

/// <summary>
/// The built-in identity used when the artist has none yet, so the demo works out of the box: a root named
/// "ProvenanceDevice development identity (not an artist)" whose key is stored unencrypted and says so.
/// Everything it certifies carries "development" in the subject; verifiers show it as such.
/// </summary>
public static class DevelopmentIdentity
{
    /// <summary>Subject CN of the development root.</summary>
    public const string RootName = "ProvenanceDevice development identity (not an artist)";

    private const string KeyBanner =
        "This is the ProvenanceDevice DEVELOPMENT identity key. It is NOT password-protected and NOT an artist's identity.\n" +
        "Certificates it issues prove nothing about who made a work. Create a real identity with `prov identity create`.\n";

    /// <summary>Where the development identity lives by default ($PROV_HOME/development-identity).</summary>
    public static string DefaultDirectory => Path.Combine(ProvPaths.Home, "development-identity");

    /// <summary>Loads the development identity from <paramref name="directory"/>, creating it on first use, and unlocks it.</summary>
    public static UnlockedIdentity GetOrCreate(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArtistIdentity identity;
        if (ArtistIdentity.Exists(directory))
        {
            identity = ArtistIdentity.Load(directory);
            if (!identity.IsDevelopment)
            {
                throw new IdentityExistsException(Path.GetFullPath(directory) + " holds a password-protected identity, not the development identity.");
            }
        }
        else
        {
            try
            {
                identity = ArtistIdentity.CreateCore(RootName, email: null, url: null, directory, isDevelopment: true, key => KeyBanner + key.ExportPkcs8PrivateKeyPem() + "\n");
            }
            catch (IdentityExistsException) when (ArtistIdentity.Exists(directory))
            {
                // Another process created it between our check and our write; use theirs.
                identity = ArtistIdentity.Load(directory);
            }
        }

        return identity.Unlock(string.Empty);
    }

    /// <summary>
    /// The x5chain (token certificate, development root) for <paramref name="token"/>: reuses the certificate already issued
    /// for the token's current key when it is still valid and not revoked, otherwise enrolls the token (one signature, so
    /// a hardware token asks for its button) under the development identity in <paramref name="directory"/>
    /// (default <see cref="DefaultDirectory"/>).
    /// </summary>
    public static async Task<X509Certificate2Collection> GetSigningChainAsync(IToken token, string? directory = null, IPresencePrompt? presence = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        using UnlockedIdentity unlocked = GetOrCreate(directory ?? DefaultDirectory);
        TokenInfo info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        X509Certificate2? existing = unlocked.Identity.FindTokenCertificate(info.Serial);
        if (existing is not null
            && existing.NotAfter.ToUniversalTime() > DateTime.UtcNow
            && !unlocked.Identity.RevokedCertificates().Any(r => r.CertificateSerial == existing.SerialNumber)
            && TokenCertificateProfile.CertifiesKey(existing, await token.GetPublicKeyAsync(cancellationToken).ConfigureAwait(false)))
        {
            return [existing, unlocked.Identity.RootCertificate];
        }

        X509Certificate2 issued = await TokenEnrollment.EnrollAsync(token, unlocked, presence, cancellationToken).ConfigureAwait(false);
        return [issued, unlocked.Identity.RootCertificate];
    }
}
