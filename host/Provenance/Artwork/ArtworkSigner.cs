using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Device;
using Provenance.Formats;
using Provenance.History;
using Provenance.Identity;
using Provenance.IO;

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
    /// <summary>Replace an output (or its sidecar) that already exists; off unless the artist said --force or --in-place.</summary>
    public bool Overwrite { get; init; }
    /// <summary>The artist's signing record; default <see cref="SigningRecord.DefaultPath"/>.</summary>
    public string? SigningRecordPath { get; init; }

    /// <summary>
    /// Sign as a saved version of the work (issue 16): its previous version in this history (or, for an export, the
    /// latest version of the native file beside it) becomes its one `parentOf` ingredient, and the version is recorded.
    /// Null: no history.
    /// </summary>
    public HistoryStore? History { get; init; }
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
    SignResult Manifest)
{
    /// <summary>Why the signature could not be kept in the artist's signing record (the file is signed all the same); null when it was.</summary>
    public string? RecordProblem { get; init; }

    /// <summary>True when the file carries the artist's CAWG identity assertion (`cawg.identity`, X.509 credential).</summary>
    public bool IdentityAsserted { get; init; }

    /// <summary>Why an artist's file has no identity assertion (a token enrolled before identity certificates); null otherwise.</summary>
    public string? IdentityNote { get; init; }

    /// <summary>The version the history recorded, when signing with a history.</summary>
    public HistoryVersion? Version { get; init; }

    /// <summary>Where the parent came from: "previous version", "native file PATH", "the file's own credentials", or null for a first version.</summary>
    public string? Parent { get; init; }
}

/// <summary>
/// Signs artwork with the token: picks the certificate chain (the artist's enrolled token certificate, or the
/// development identity when the artist has none yet), builds the manifest with the consent claims and the token
/// assertion, lets the token sign, and writes the signed copy atomically.
/// </summary>
public static class ArtworkSigner
{
    /// <summary>The board name the emulator reports in INFO (firmware/Token.Emulator; not referenced from here).</summary>
    public const string EmulatorBoard = "emulator";

    public static async Task<ArtworkSignResult> SignFileAsync(
        string input, string output, IToken token, ArtworkSignOptions options, IPresencePrompt? presence,
        AssetHandlers? handlers = null, CancellationToken cancellationToken = default)
    {
        handlers ??= AssetHandlers.Default;
        IAssetHandler? handler = EnsureSignable(input, handlers);
        bool inPlace = string.Equals(Path.GetFullPath(input), Path.GetFullPath(output), StringComparison.Ordinal);
        if (!inPlace)
        {
            EnsureOutputKeepsFormat(input, output, handler);
            if (!options.Overwrite) EnsureOutputFree(output, handler);
        }
        string? existingXmp;
        await using (Stream probe = AssetFile.OpenRead(input))
        {
            // Read-only formats are signed into a sidecar: the file keeps its bytes, so no XMP is written into it.
            if (handler is { CanWrite: false }) handler = null;
            existingXmp = handler?.ReadXmp(probe);
        }

        TokenInfo info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        if (info.Locked) throw new InvalidOperationException($"token {info.Serial} is locked after too many wrong PINs; only 'prov device reset' unlocks it (and destroys its key)");
        if (!info.HasKey) throw new InvalidOperationException($"token {info.Serial} has no signing key yet; run 'prov device init' first");

        var (chain, artist, isDevelopment) = await ResolveChainAsync(token, info, options, presence, cancellationToken).ConfigureAwait(false);
        (X509Certificate2Collection? identityChain, string? identityNote) = ResolveIdentityChain(options, info.Serial, chain, isDevelopment);
        HistoryParent? parent = options.History is { } history ? HistoryParentOf(history, input) : null;
        // The file as the app saved it, so a later look can tell an unchanged file from a new save (IsLatestVersion).
        byte[]? savedHash = null;
        if (options.History is not null)
        {
            await using Stream saved = AssetFile.OpenRead(input);
            savedHash = await System.Security.Cryptography.SHA256.HashDataAsync(saved, cancellationToken).ConfigureAwait(false);
        }
        info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        // The CAWG identity is signed first (the claim references it), so the claim's counter is the one after it.
        long counter = info.Counter + (identityChain is null ? 1 : 2);
        // Protocol 2 tokens check the counter the claim states before they sign (PROTOCOL.md, "Counter binding").
        bool bindCounter = info.ProtocolVersion >= 2;

        var request = new SigningRequest
        {
            Title = options.Title ?? Path.GetFileNameWithoutExtension(input),
            ArtistName = artist,
            Source = options.Source,
            Consent = options.Consent,
            TokenSerial = info.Serial,
            TokenCounter = counter,
            BindTokenCounter = bindCounter,
            // DESIGN.md "Key protection": the emulator's chip model (board "emulator") is said as such, never as hardware.
            KeyProtection = info.KeyProtection != KeyProtectionNames.SecureElement ? TokenKeyProtection.Software
                : info.Board == EmulatorBoard ? TokenKeyProtection.EmulatedSecureElement : TokenKeyProtection.SecureElement,
            // IPTC consent in the file's own XMP, written before hashing so the signature covers it.
            Xmp = handler is null ? null : ConsentXmp.Build(options.Consent, existingXmp, artist, options.Title),
            TimeStampAuthority = options.TimeStampAuthority,
            ParentStore = parent?.Store,
            HistoryVersion = options.History is not null,
            // C2PA 2.2 §18.13.4.4: a saved version was changed with drawing tools; an export was converted from the native file.
            EditAction = parent is null ? null : parent.ParentWork is null ? "c2pa.drawing" : "c2pa.converted",
            When = DateTimeOffset.UtcNow,
        };
        var signer = new TokenClaimSigner(token, chain, counter, presence, bindCounter ? info.Serial : null) { IdentityChain = identityChain };
        // Formats we cannot embed in get a `.c2pa` sidecar beside the output (ManifestSigner decides).
        SignResult manifest;
        try
        {
            manifest = await new ManifestSigner().SignFileAsync(input, output, request, signer, handlers, inPlace || options.Overwrite, cancellationToken).ConfigureAwait(false);
        }
        catch (FileExistsException e)
        {
            // Created by someone else while we signed: still theirs.
            throw new OutputExistsException(e.FilePath);
        }
        string format = handler?.FormatName ?? SidecarHandler.Extension.TrimStart('.');
        // Issue 15: the artist's record of what her prov signed, beside the token's own log (`prov device log`). The CAWG
        // identity signature used a counter of its own: kept too, so the log's check does not call it made elsewhere.
        if (signer.IdentitySignature is { } identitySignature)
        {
            SigningRecord.TryAdd(new SignatureRecord(info.Serial, identitySignature.Counter, "identity", Path.GetFullPath(output),
                Convert.ToHexStringLower(manifest.DataHash), Convert.ToHexStringLower(identitySignature.LogEntryHash), DateTimeOffset.UtcNow,
                manifest.TimeStampTime, false), options.SigningRecordPath);
        }
        string? recordProblem = SigningRecord.TryAdd(new SignatureRecord(info.Serial, counter, "artwork", Path.GetFullPath(output),
            Convert.ToHexStringLower(manifest.DataHash), Convert.ToHexStringLower(signer.LastSignature!.LogEntryHash), DateTimeOffset.UtcNow,
            manifest.TimeStampTime, bindCounter), options.SigningRecordPath);
        HistoryVersion? version = null;
        if (options.History is { } kept && manifest.Store is { } store)
        {
            // The token has signed and the file is written: the version is recorded now, so the next save chains to it.
            version = kept.Record(input, store, manifest.ManifestLabel, manifest.DataHash, info.Serial, counter, request.When ?? DateTimeOffset.UtcNow,
                parent?.PreviousNumber, parent?.ParentWork, savedHash);
        }
        return new ArtworkSignResult(input, output, format, info.Serial, counter, info.KeyProtection, chain[0].GetNameInfo(X509NameType.SimpleName, false),
            isDevelopment, signer.LastSignature!.LogEntryHash, manifest)
        {
            RecordProblem = recordProblem,
            IdentityAsserted = identityChain is not null,
            IdentityNote = identityNote,
            Version = version,
            Parent = parent is null ? (manifest.HasParentIngredient ? "the file's own credentials" : null)
                : parent.ParentWork is { } native ? "the latest version of " + native : $"version {parent.PreviousNumber}",
        };
    }

    /// <summary>
    /// The artist's identity chain for the CAWG identity assertion (her identity certificate for this token's key, then
    /// her root), or null with the reason: the development identity names no artist, and a token enrolled without
    /// `--cawg-identity` (or before prov issued identity certificates) has none until it is enrolled again with it.
    /// </summary>
    private static (X509Certificate2Collection? Chain, string? Note) ResolveIdentityChain(ArtworkSignOptions options, string serial, X509Certificate2Collection signingChain, bool isDevelopment)
    {
        if (isDevelopment) return (null, null);
        ArtistIdentity identity = ArtistIdentity.Load(options.IdentityDirectory ?? ProvPaths.Identity);
        X509Certificate2? certificate = identity.FindIdentityCertificate(serial);
        if (certificate is null || !certificate.PublicKey.EncodedKeyValue.RawData.AsSpan().SequenceEqual(signingChain[0].PublicKey.EncodedKeyValue.RawData))
        {
            return (null, $"token {serial} has no identity certificate of {identity.Name} for its key (enrolled without --cawg-identity, or before prov issued them), "
                + "so the file carries no CAWG identity assertion naming her; 'prov identity enroll --cawg-identity' adds one for the next signatures");
        }
        return ([certificate, identity.RootCertificate], null);
    }

    /// <summary>The parent a saved version takes from the history (issue 16).</summary>
    /// <param name="Store">The parent version's complete manifest store.</param>
    /// <param name="PreviousNumber">The parent's version number in this work's history, or null when it is another work's.</param>
    /// <param name="ParentWork">The native work an export was made from, or null.</param>
    private sealed record HistoryParent(byte[] Store, int? PreviousNumber, string? ParentWork);

    /// <summary>
    /// An export (PNG, JPEG…) of a native drawing beside it takes that drawing's latest version, so it carries the whole
    /// chain; any other work its own latest version. Null for a first version: a file with credentials of its own (an
    /// imported starting point) then keeps them as its parent, as re-signing always does.
    /// </summary>
    private static HistoryParent? HistoryParentOf(HistoryStore history, string input)
    {
        if (history.NativeSourceOf(input) is { Latest: { } native } nativeWork)
            return new HistoryParent(history.StoreOf(nativeWork.Path, native.Number), null, nativeWork.Path);
        if (history.Find(input) is { Latest: { } latest })
            return new HistoryParent(history.StoreOf(input, latest.Number), latest.Number, null);
        return null;
    }

    /// <summary>
    /// True when <paramref name="path"/> is still the latest version the history signed: its bytes are those the app saved
    /// and prov signed, its embedded manifest is that version's (signed in place), or (a file signed with a sidecar) its
    /// bytes hash to the asset hash that version was signed over.
    /// A drawing app that saved again rewrote the file, so this is false and the save is a new version.
    /// </summary>
    public static bool IsLatestVersion(string path, IAssetHandler? handler, HistoryStore history)
    {
        if (history.Find(path) is not { Latest: { } latest }) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        // Still the bytes the app saved and prov signed (signed copies in another folder, or a sidecar).
        if (latest.SavedHash is { } saved && Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) == saved) return true;
        stream.Position = 0;
        if (handler is { CanWrite: true })
        {
            byte[]? embedded = handler.ReadManifestStore(stream);
            if (embedded is null) return false;
            try
            {
                return ManifestStore.Parse(embedded).Active?.Label == latest.Manifest;
            }
            catch (Provenance.C2pa.Jumbf.JumbfException)
            {
                return false;
            }
        }
        // C2PA 2.2 §15.12.1: a sidecar's data hash covers the whole asset, with no exclusions.
        byte[] hash = DataHasher.Hash(stream, [], "sha256");
        return Convert.ToHexStringLower(hash) == latest.AssetHash;
    }

    /// <summary>
    /// Checks, before anything is signed or written, that <paramref name="input"/> is a regular file (a FIFO would block
    /// the open, a folder is not artwork) and, when its extension names a format we embed credentials in, that its
    /// bytes are that format: a broken or mislabelled JPEG must not quietly get a sidecar. Returns the handler that
    /// embeds into it, or null when it gets a sidecar.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="NotARegularFileException">A folder, FIFO, socket or device; it was not opened.</exception>
    /// <exception cref="InvalidDataException">The extension says one format and the bytes say another, or nothing we know.</exception>
    public static IAssetHandler? EnsureSignable(string input, AssetHandlers? handlers = null)
    {
        FileKind.RequireRegularFile(input);
        handlers ??= AssetHandlers.Default;
        byte[] header = new byte[AssetHandlers.SniffLength];
        int length;
        using (Stream probe = AssetFile.OpenRead(input))
        {
            length = probe.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        IAssetHandler? handler = handlers.ForHeader(header.AsSpan(0, length));
        string? expected = EmbeddedFormatOfExtension(Path.GetExtension(input));
        if (expected is not null && !string.Equals(handler?.FormatName, expected, StringComparison.OrdinalIgnoreCase))
        {
            string looks = handler is not null ? "it looks like " + DisplayName(handler.FormatName) : LooksLike(header.AsSpan(0, length));
            throw new InvalidDataException($"{input} is not a {DisplayName(expected)} ({looks}); nothing was signed");
        }
        return handler;
    }

    /// <summary>
    /// The signed copy keeps the input's format, so its name must keep the extension: TIFF bytes under a `.png` name are
    /// a file no program opens as what it says. `.jpg`/`.jpeg` (and `.tif`/`.tiff`) name the same format.
    /// </summary>
    /// <exception cref="ArgumentException">The output's extension names another format.</exception>
    public static void EnsureOutputKeepsFormat(string input, string output, IAssetHandler? handler)
    {
        string inputExtension = Path.GetExtension(input);
        string outputExtension = Path.GetExtension(output);
        if (handler is { CanWrite: true } && EmbeddedFormatOfExtension(inputExtension) is { } format)
        {
            if (!string.Equals(EmbeddedFormatOfExtension(outputExtension), format, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{input} is {DisplayName(format)} and stays {DisplayName(format)} when signed; name the output with {inputExtension} (not '{outputExtension}'), or convert the file first");
        }
        else if (!string.Equals(inputExtension, outputExtension, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"the signed copy of {input} keeps its bytes; name the output with {inputExtension} (not '{outputExtension}')");
        }
    }

    /// <summary>True when the file already carries Content Credentials of its own: embedded, or in its own sidecar.</summary>
    public static bool HasCredentials(string path, IAssetHandler? handler)
    {
        if (handler is not null)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (handler.ReadManifestStore(stream) is not null) return true;
            if (handler.CanWrite) return false;
        }
        return SidecarHandler.ReadOwnSidecar(path) is not null;
    }

    /// <summary>Refuses an output, or the sidecar it would get, that already exists: the artist did not ask to replace it.</summary>
    /// <exception cref="OutputExistsException">The output or its sidecar exists.</exception>
    public static void EnsureOutputFree(string output, IAssetHandler? handler)
    {
        if (File.Exists(output) || Directory.Exists(output)) throw new OutputExistsException(output);
        if (handler is not { CanWrite: true } && File.Exists(SidecarHandler.SidecarPath(Path.GetFullPath(output))))
            throw new OutputExistsException(SidecarHandler.SidecarPath(Path.GetFullPath(output)));
    }

    /// <summary>The embedded format a file extension promises ("jpeg" for .jpg), or null for one we sign with a sidecar.</summary>
    private static string? EmbeddedFormatOfExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => "jpeg",
        ".png" => "png",
        ".tif" or ".tiff" => "tiff",
        ".webp" => "webp",
        _ => null,
    };

    private static string DisplayName(string formatName) => formatName.ToLowerInvariant() switch
    {
        "jpeg" => "JPEG",
        "png" => "PNG",
        "tiff" => "TIFF",
        "webp" => "WebP",
        _ => formatName,
    };

    /// <summary>A few common formats we do not embed into, named so the message helps; anything else is "unrecognised bytes".</summary>
    private static string LooksLike(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty) return "it is empty";
        if (header.StartsWith("GIF8"u8)) return "it looks like GIF";
        if (header.StartsWith("%PDF"u8)) return "it looks like PDF";
        if (header.StartsWith("PK\u0003\u0004"u8)) return "it looks like a ZIP archive";
        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8)) return "it looks like HEIF/AVIF or MP4";
        if (header.StartsWith("BM"u8)) return "it looks like BMP";
        return "unrecognised bytes";
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
            // The artist's own ledger knows what she revoked: a lost token's signatures are refused here, not only by
            // galleries that imported her CRL.
            foreach (RevokedCertificate revoked in identity.RevokedCertificates())
            {
                if (string.Equals(revoked.CertificateSerial, chain[0].SerialNumber, StringComparison.OrdinalIgnoreCase))
                    throw new TokenRevokedException(info.Serial, identity.Name, revoked.RevokedAt);
            }
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

/// <summary>The output named already exists and was left as it was; `--force` replaces it.</summary>
public sealed class OutputExistsException(string path) : IOException($"{path} already exists; it was left as it is (add --force to replace it)")
{
    public string FilePath { get; } = path;
}

/// <summary>The token's certificate was revoked by the artist (`prov identity revoke`); it no longer signs for her.</summary>
public sealed class TokenRevokedException(string tokenSerial, string artist, DateTimeOffset revokedAt)
    : Exception($"token {tokenSerial} was revoked by {artist} on {revokedAt.UtcDateTime:yyyy-MM-dd} ('prov identity revoke'), so it no longer signs as {artist}; nothing was signed (enroll another token with 'prov identity enroll')")
{
    public string TokenSerial { get; } = tokenSerial;
}
