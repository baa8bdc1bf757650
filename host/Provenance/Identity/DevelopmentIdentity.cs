using System;
using System.IO;

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
}
