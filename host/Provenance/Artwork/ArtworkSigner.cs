using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Device;
using Provenance.Formats;
using Provenance.Identity;

namespace Provenance.Artwork;

/// <summary>What the artist asks for when signing one file.</summary>
public sealed record ArtworkSignOptions
{
    public string? Title { get; init; }
    public CaptureSource Source { get; init; } = CaptureSource.Scan;
    public ConsentClaims Consent { get; init; } = ConsentClaims.AllNotAllowed();
    public Uri? TimeStampAuthority { get; init; }
    /// <summary>The artist's identity folder; default <see cref="ProvPaths.Identity"/>.</summary>
    public string? IdentityDirectory { get; init; }
    /// <summary>The development identity folder used when the artist has none; default <see cref="DevelopmentIdentity.DefaultDirectory"/>.</summary>
    public string? DevelopmentIdentityDirectory { get; init; }
}

/// <summary>What signing one file did.</summary>
public sealed record ArtworkSignResult(
    string Input,
    string Output,
    string Format,
    string TokenSerial,
    long Counter,
    string KeyProtection,
    string Signer,
    bool DevelopmentIdentity,
    byte[] LogEntryHash,
    SignResult Manifest);

/// <summary>
/// Signs artwork with the token: picks the certificate chain (the artist's enrolled token certificate, or the
/// development identity when the artist has none yet), builds the manifest with the consent claims and the token
/// assertion, lets the token sign, and writes the signed copy atomically.
/// </summary>
public static class ArtworkSigner
{
    public static async Task<ArtworkSignResult> SignFileAsync(
        string input, string output, IToken token, ArtworkSignOptions options, IPresencePrompt? presence,
        AssetHandlers? handlers = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(input)) throw new FileNotFoundException($"{input} does not exist", input);
        handlers ??= AssetHandlers.Default;
        IAssetHandler? handler;
        string? existingXmp;
        await using (var probe = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            handler = handlers.ForStream(probe);
            // Read-only formats are signed into a sidecar: the file keeps its bytes, so no XMP is written into it.
            if (handler is { CanWrite: false }) handler = null;
            probe.Position = 0;
            existingXmp = handler?.ReadXmp(probe);
        }

        TokenInfo info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        if (info.Locked) throw new InvalidOperationException($"token {info.Serial} is locked after too many wrong PINs; only 'prov device reset' unlocks it (and destroys its key)");
        if (!info.HasKey) throw new InvalidOperationException($"token {info.Serial} has no signing key yet; run 'prov device init' first");

        var (chain, artist, isDevelopment) = await ResolveChainAsync(token, info, options, presence, cancellationToken).ConfigureAwait(false);
        info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        long counter = info.Counter + 1;

        var request = new SigningRequest
        {
            Title = options.Title ?? Path.GetFileNameWithoutExtension(input),
            ArtistName = artist,
            Source = options.Source,
            Consent = options.Consent,
            TokenSerial = info.Serial,
            TokenCounter = counter,
            KeyProtection = info.KeyProtection == KeyProtectionNames.SecureElement ? TokenKeyProtection.SecureElement : TokenKeyProtection.Software,
            // IPTC consent in the file's own XMP, written before hashing so the signature covers it.
            Xmp = handler is null ? null : ConsentXmp.Build(options.Consent, existingXmp, artist, options.Title),
            TimeStampAuthority = options.TimeStampAuthority,
        };
        var signer = new TokenClaimSigner(token, chain, counter, presence);
        // Formats we cannot embed in get a `.c2pa` sidecar beside the output (ManifestSigner decides).
        SignResult manifest = await new ManifestSigner().SignFileAsync(input, output, request, signer, handlers, cancellationToken).ConfigureAwait(false);
        string format = handler?.FormatName ?? SidecarHandler.Extension.TrimStart('.');
        return new ArtworkSignResult(input, output, format, info.Serial, counter, info.KeyProtection, chain[0].GetNameInfo(X509NameType.SimpleName, false),
            isDevelopment, signer.LastSignature!.LogEntryHash, manifest);
    }

    /// <summary>
    /// The x5chain for this token: under the artist's identity when there is one (the token must be enrolled), else
    /// under the development identity, enrolling the token there automatically so the demo works out of the box.
    /// </summary>
    public static async Task<(X509Certificate2Collection Chain, string? Artist, bool Development)> ResolveChainAsync(
        IToken token, TokenInfo info, ArtworkSignOptions options, IPresencePrompt? presence, CancellationToken cancellationToken)
    {
        string identityDirectory = options.IdentityDirectory ?? ProvPaths.Identity;
        if (ArtistIdentity.Exists(identityDirectory))
        {
            ArtistIdentity identity = ArtistIdentity.Load(identityDirectory);
            X509Certificate2Collection chain = identity.GetSigningChain(info.Serial);
            await EnsureCertificateMatchesTokenAsync(token, chain[0], info.Serial, "prov identity enroll", cancellationToken).ConfigureAwait(false);
            return (chain, identity.Name, identity.IsDevelopment);
        }

        X509Certificate2Collection developmentChain = await DevelopmentIdentity.GetSigningChainAsync(
            token, options.DevelopmentIdentityDirectory, presence, cancellationToken).ConfigureAwait(false);
        return (developmentChain, null, true);
    }

    private static async Task EnsureCertificateMatchesTokenAsync(IToken token, X509Certificate2 leaf, string serial, string fix, CancellationToken cancellationToken)
    {
        byte[] tokenKey = await token.GetPublicKeyAsync(cancellationToken).ConfigureAwait(false);
        if (!TokenCertificateProfile.CertifiesKey(leaf, tokenKey))
            throw new InvalidOperationException($"token {serial} has a new key since it was enrolled (was it reset?); run '{fix}' again");
    }
}
