using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa.Jumbf;
using Provenance.Fingerprint;
using Provenance.Formats;
using Provenance.Verification;

namespace Provenance.C2pa;

/// <summary>
/// Embeds a signed C2PA manifest in an asset in one pass: the asset is copied once with a placeholder store of
/// reserved size, the copy is hashed with the store excluded, the claim is signed through <see cref="IClaimSigner"/>,
/// and the store is patched in place at the same size.
/// </summary>
public sealed class ManifestSigner
{
    /// <summary>Bytes reserved for an RFC 3161 token in the signature box (tokens with their TSA chain run 2–8 KB).</summary>
    public const int TimeStampReserve = 16 * 1024;

    private const int SignatureSlack = 300;
    private const int HashPadReserve = 136;
    private const int Es256SignatureLength = 64;

    private readonly HttpClient? _http;

    /// <param name="http">Client for time-stamp requests; a shared one when null.</param>
    public ManifestSigner(HttpClient? http = null) => _http = http;

    /// <summary>
    /// Signs <paramref name="input"/> into <paramref name="output"/> (seekable, readable and writable). An embedded
    /// store already in the input becomes the parent ingredient. With a <see cref="SidecarHandler"/> the store goes to
    /// its sidecar stream and <paramref name="output"/> receives the unchanged asset.
    /// </summary>
    public Task<SignResult> SignAsync(Stream input, Stream output, IAssetHandler handler, SigningRequest request, IClaimSigner signer, CancellationToken cancellationToken = default)
    {
        input.Position = 0;
        // The one read: the pixels come from the bytes the hashing copy reads (SigningPixels).
        input = SigningPixels.Prepare(input, out SigningPixels pixels, request.HistoryVersion);
        input.Position = 0;
        // A parent from the history (a drawing app rewrote the file without ours) replaces whatever the file carries:
        // exactly one parentOf ingredient either way.
        byte[]? previousStore = request.ParentStore ?? (handler is SidecarHandler ? null : handler.ReadManifestStoreBeforeCopy(input));
        return SignAsync(input, output, handler, request, signer, previousStore, pixels, cancellationToken);
    }

    private async Task<SignResult> SignAsync(Stream input, Stream output, IAssetHandler handler, SigningRequest request, IClaimSigner signer, byte[]? previousStore, SigningPixels pixels, CancellationToken cancellationToken)
    {
        if (!output.CanSeek || !output.CanRead || !output.CanWrite) throw new ArgumentException("the output must be seekable, readable and writable", nameof(output));
        ParentInfo? parent = previousStore == null ? null : DescribeParent(previousStore, input, handler, request);
        input.Position = 0;

        string label = "urn:c2pa:" + Guid.NewGuid().ToString("D");
        string instanceId = "xmp:iid:" + Guid.NewGuid().ToString("D");
        var assertionBoxes = new List<JumbfSuperBox>();
        HashedUri? ingredientUri = null;
        if (parent != null)
        {
            JumbfSuperBox ingredient = Assertions.ParentIngredient(parent.Title, handler.MediaType, parent.ActiveManifest, parent.ClaimSignature, parent.Codes);
            ingredientUri = new HashedUri("self#jumbf=c2pa.assertions/" + AssertionLabels.IngredientV3, ManifestStore.BoxHash(ingredient, "sha256"));
            assertionBoxes.Add(ingredient);
        }
        assertionBoxes.Add(Assertions.Actions(DigitalSourceTypes.For(request.Source), ingredientUri, request.EditAction, request.When));
        assertionBoxes.Add(Assertions.TrainingMining(request.Consent));
        if (request.ArtistName != null || request.Title != null) assertionBoxes.Add(Assertions.CreativeWork(request.ArtistName, request.Title));
        assertionBoxes.Add(Assertions.Token(request.TokenSerial, request.TokenCounter, request.KeyProtection));
        pixels.AddAssertions(assertionBoxes);
        // CAWG identity 1.1 §5: the artist's identity, bound to this claim's assertions; signed once their hashes are final.
        var identity = signer as IIdentityCredentialSigner;
        X509Certificate2Collection? identityChain = identity?.IdentityChain is { Count: > 0 } chain ? chain : null;
        byte[]? identityHeader = identityChain is null ? null : ClaimSignature.ProtectedHeader(CoseAlgorithms.ES256, identityChain);
        int identityIndex = assertionBoxes.Count;
        if (identityHeader != null) assertionBoxes.Add(IdentityBox(assertionBoxes, identityIndex, Assertions.CborBox(AssertionLabels.DataHash, new byte[1]), identityHeader, placeholder: true, new byte[Es256SignatureLength]));

        byte[] hashPlaceholder = Assertions.DataHashCbor([new HashRange(0, 0)], new byte[32], HashPadReserve, worstCaseIntegers: true);
        byte[] protectedHeader = ClaimSignature.ProtectedHeader(CoseAlgorithms.ES256, signer.Chain);
        int signatureLength = ClaimSignature.Encode(protectedHeader, new byte[Es256SignatureLength], null, 0).Length
            + SignatureSlack + (request.TimeStampAuthority != null ? TimeStampReserve : 0);
        byte[] claimPlaceholder = BuildClaim(label, instanceId, request, assertionBoxes, hashPlaceholder);
        byte[] placeholderStore = BuildStore(label, parent, assertionBoxes, hashPlaceholder, claimPlaceholder, new byte[signatureLength]);

        output.Position = 0;
        output.SetLength(0);
        // One pass: the data hash is computed while the output is written; a handler whose writes did not match its
        // reported exclusions (or that sought back) falls back to hashing the finished output.
        StorePlacement placement;
        byte[] dataHash;
        bool hashedWhileWriting;
        using (var hashing = new HashingWriteStream(output, HashAlgorithmName.SHA256))
        {
            placement = handler.WriteWithPlaceholder(input, hashing, placeholderStore.Length, request.Xmp);
            hashing.Flush();
            hashedWhileWriting = hashing.IsSequential && SameRanges(hashing.Exclusions, placement.Exclusions);
            dataHash = hashedWhileWriting ? hashing.GetHash() : DataHasher.Hash(output, placement.Exclusions, "sha256");
        }
        // A streamed TIFF's strips have passed the sampler: its thumbnail and code replace their placeholders.
        pixels.CompleteAssertions(assertionBoxes);

        byte[] hashCbor = Padding.Fit(pad => Assertions.DataHashCbor(placement.Exclusions, dataHash, pad), hashPlaceholder.Length)
            ?? throw new InvalidOperationException($"{placement.Exclusions.Count} exclusion ranges do not fit the data-hash reservation");
        if (identityHeader != null)
        {
            JumbfSuperBox dataHashBox = Assertions.CborBox(AssertionLabels.DataHash, hashCbor);
            byte[] identityPayload = IdentityPayload(assertionBoxes, identityIndex, dataHashBox, placeholder: false);
            byte[] identitySignature = await identity!.SignIdentityAsync(IdentityAssertionWriter.ToBeSigned(identityHeader, identityPayload), cancellationToken).ConfigureAwait(false);
            if (identitySignature.Length != Es256SignatureLength)
                throw new CryptographicException($"the identity signer returned {identitySignature.Length} bytes; an ES256 signature is r‖s, {Es256SignatureLength} bytes");
            JumbfSuperBox identityBox = Assertions.CborBox(IdentityAssertionWriter.Label, IdentityAssertionWriter.Assertion(identityPayload, identityHeader, identitySignature));
            if (JumbfWriter.Write(identityBox).Length != JumbfWriter.Write(assertionBoxes[identityIndex]).Length)
                throw new InvalidOperationException("the identity assertion changed size between placeholder and final store");
            assertionBoxes[identityIndex] = identityBox;
        }
        byte[] claim = BuildClaim(label, instanceId, request, assertionBoxes, hashCbor);
        if (claim.Length != claimPlaceholder.Length) throw new InvalidOperationException("the claim changed size between placeholder and final store");

        byte[] toBeSigned = ClaimSignature.SigStructure("Signature1", protectedHeader, claim);
        byte[] signature = await signer.SignAsync(toBeSigned, cancellationToken).ConfigureAwait(false);
        if (signature.Length != Es256SignatureLength)
            throw new CryptographicException($"the signer returned {signature.Length} bytes; an ES256 signature is r‖s, {Es256SignatureLength} bytes");

        byte[]? token = null;
        string? timeStampProblem = null;
        if (request.TimeStampAuthority != null)
        {
            // The token has signed (its counter moved); an authority out of reach must not throw that signature away.
            byte[] stamped = ClaimSignature.TimeStampedData(protectedHeader, signature, v2: true);
            (token, timeStampProblem) = await TimeStamping.TryRequestTokenAsync(request.TimeStampAuthority, stamped, _http, cancellationToken).ConfigureAwait(false);
        }
        byte[] cose = ClaimSignature.EncodeToLength(protectedHeader, signature, token, signatureLength);

        byte[] store = BuildStore(label, parent, assertionBoxes, hashCbor, claim, cose);
        if (store.Length != placeholderStore.Length)
            throw new InvalidOperationException($"the final store is {store.Length} bytes, the placeholder {placeholderStore.Length}");
        handler.WriteStore(output, placement, store);
        output.Flush();
        return new SignResult(label, store.Length, placement.Exclusions, dataHash, token != null, parent != null) { HashedWhileWriting = hashedWhileWriting, TimeStampProblem = timeStampProblem, TimeStampTime = token is null ? null : TimeStampTimeOf(token), Store = store };
    }

    /// <summary>The genTime of a time stamp token just received (RFC 3161 §2.4.2), for the artist's signing record.</summary>
    private static DateTimeOffset? TimeStampTimeOf(byte[] token)
    {
        try
        {
            return new DateTimeOffset(DateTime.SpecifyKind(TimeStamping.ParseToken(token).TimeStampInfo.GenTime, DateTimeKind.Utc));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.IO.IOException or Org.BouncyCastle.Tsp.TspException)
        {
            return null;
        }
    }

    /// <summary>
    /// Signs a file. The result is written to a temporary file in the output's folder, flushed and renamed over
    /// <paramref name="outputPath"/>; the input is untouched unless it is the output. A file no embedded handler
    /// writes (unknown, or <see cref="IAssetHandler.CanWrite"/> false) keeps its bytes and gets its store in a `.c2pa`
    /// sidecar beside the output.
    /// </summary>
    public Task<SignResult> SignFileAsync(string inputPath, string outputPath, SigningRequest request, IClaimSigner signer, AssetHandlers? handlers = null, CancellationToken cancellationToken = default) =>
        SignFileAsync(inputPath, outputPath, request, signer, handlers, overwrite: true, cancellationToken);

    /// <summary>As above; with <paramref name="overwrite"/> false an output (or sidecar) that exists when the signed file is
    /// moved into place is left as it is and <see cref="Provenance.IO.FileExistsException"/> is thrown.</summary>
    public async Task<SignResult> SignFileAsync(string inputPath, string outputPath, SigningRequest request, IClaimSigner signer, AssetHandlers? handlers, bool overwrite, CancellationToken cancellationToken = default)
    {
        string fullOutput = Path.GetFullPath(outputPath);
        string temp = TempPathBeside(fullOutput);
        string? sidecarTemp = null;
        string sidecarPath = SidecarHandler.SidecarPath(fullOutput);
        try
        {
            SignResult result;
            await using (Stream input = AssetFile.OpenRead(inputPath))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                IAssetHandler? handler = (handlers ?? AssetHandlers.Default).ForStream(input);
                // A format we only read (PDF, BMFF, GIF, JPEG XL) is signed like an unknown one: into a sidecar.
                if (handler is { CanWrite: true })
                {
                    result = await SignAsync(input, output, handler, request, signer, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    sidecarTemp = TempPathBeside(sidecarPath);
                    await using var sidecar = new FileStream(sidecarTemp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
                    SidecarHandler sidecarHandler = SidecarHandler.ForStoreStream(sidecar, SidecarHandler.MediaTypeFor(inputPath));
                    // An existing sidecar of the input is the parent, as an embedded store would be.
                    Stream source = SigningPixels.Prepare(input, out SigningPixels pixels, request.HistoryVersion);
                    source.Position = 0;
                    result = await SignAsync(source, output, sidecarHandler, request, signer, request.ParentStore ?? SidecarHandler.ReadOwnSidecar(inputPath), pixels, cancellationToken).ConfigureAwait(false);
                    sidecar.Flush(flushToDisk: true);
                }
                output.Flush(flushToDisk: true);
            }
            if (!overwrite && sidecarTemp != null && File.Exists(sidecarPath)) throw new Provenance.IO.FileExistsException(sidecarPath);
            MoveIntoPlace(temp, fullOutput, overwrite);
            if (sidecarTemp != null) File.Move(sidecarTemp, sidecarPath, overwrite: true);
            return result;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (sidecarTemp != null && File.Exists(sidecarTemp)) File.Delete(sidecarTemp);
        }
    }

    private static void MoveIntoPlace(string temp, string path, bool overwrite)
    {
        if (overwrite)
        {
            File.Move(temp, path, overwrite: true);
            return;
        }
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new Provenance.IO.FileExistsException(path);
        }
    }

    // Named so a later run can find and remove it should this process be killed before the rename (issue 18).
    private static string TempPathBeside(string path) => Provenance.IO.TempFiles.PathBeside(path);

    private static bool SameRanges(IReadOnlyList<HashRange> written, IReadOnlyList<HashRange> reported)
    {
        var a = new List<HashRange>(written);
        var b = new List<HashRange>(reported);
        a.RemoveAll(r => r.Length == 0);
        b.RemoveAll(r => r.Length == 0);
        a.Sort((x, y) => x.Start.CompareTo(y.Start));
        b.Sort((x, y) => x.Start.CompareTo(y.Start));
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++) if (a[i] != b[i]) return false;
        return true;
    }

    /// <summary>
    /// The identity's signer payload: every assertion before it except the parent ingredient (the artist vouches for
    /// what she states, not for an earlier file's credentials), and the hard binding, which CAWG identity 1.1 §7
    /// requires. With <paramref name="placeholder"/> the hashes are zeros of the same length.
    /// </summary>
    private static byte[] IdentityPayload(List<JumbfSuperBox> assertionBoxes, int identityIndex, JumbfSuperBox dataHashBox, bool placeholder)
    {
        var references = new List<HashedUri>();
        for (int i = 0; i < identityIndex; i++)
        {
            JumbfSuperBox box = assertionBoxes[i];
            if (box.Label == AssertionLabels.IngredientV3) continue;
            references.Add(new HashedUri("self#jumbf=c2pa.assertions/" + box.Label, placeholder ? new byte[32] : ManifestStore.BoxHash(box, "sha256")));
        }
        references.Add(new HashedUri("self#jumbf=c2pa.assertions/" + AssertionLabels.DataHash, placeholder ? new byte[32] : ManifestStore.BoxHash(dataHashBox, "sha256")));
        return IdentityAssertionWriter.SignerPayload(references, [IdentityAssertionWriter.CreatorRole]);
    }

    private static JumbfSuperBox IdentityBox(List<JumbfSuperBox> assertionBoxes, int identityIndex, JumbfSuperBox dataHashBox, byte[] identityHeader, bool placeholder, byte[] signature) =>
        Assertions.CborBox(IdentityAssertionWriter.Label,
            IdentityAssertionWriter.Assertion(IdentityPayload(assertionBoxes, identityIndex, dataHashBox, placeholder), identityHeader, signature));

    private static byte[] BuildClaim(string label, string instanceId, SigningRequest request, List<JumbfSuperBox> assertionBoxes, byte[] hashCbor)
    {
        var uris = new List<HashedUri>();
        foreach (JumbfSuperBox box in assertionBoxes)
            uris.Add(new HashedUri("self#jumbf=c2pa.assertions/" + box.Label, ManifestStore.BoxHash(box, "sha256")));
        uris.Add(new HashedUri("self#jumbf=c2pa.assertions/" + AssertionLabels.DataHash, ManifestStore.BoxHash(Assertions.CborBox(AssertionLabels.DataHash, hashCbor), "sha256")));
        return new Claim
        {
            InstanceId = instanceId,
            SignatureUri = "self#jumbf=/c2pa/" + label + "/c2pa.signature",
            Assertions = uris,
            Title = request.Title,
            TokenBinding = request.BindTokenCounter && request.TokenSerial != null && request.TokenCounter != null
                ? new ClaimTokenBinding(request.TokenSerial, request.TokenCounter.Value)
                : null,
        }.Encode();
    }

    private static byte[] BuildStore(string label, ParentInfo? parent, List<JumbfSuperBox> assertionBoxes, byte[] hashCbor, byte[] claim, byte[] cose)
    {
        var assertionStore = new JumbfSuperBox(JumbfTypes.AssertionStore, "c2pa.assertions", assertionBoxes);
        assertionStore.Children.Add(Assertions.CborBox(AssertionLabels.DataHash, hashCbor));
        var manifest = new JumbfSuperBox(JumbfTypes.Manifest, label,
        [
            assertionStore,
            new JumbfSuperBox(JumbfTypes.Claim, Claim.LabelV2, [new JumbfContentBox("cbor", claim)]),
            new JumbfSuperBox(JumbfTypes.ClaimSignature, "c2pa.signature", [new JumbfContentBox("cbor", cose)]),
        ]);
        var store = new JumbfSuperBox(JumbfTypes.ManifestStore, "c2pa");
        if (parent != null) store.Children.AddRange(parent.Manifests);
        store.Children.Add(manifest);
        return JumbfWriter.Write(store);
    }

    private sealed record ParentInfo(IReadOnlyList<JumbfBox> Manifests, HashedUri ActiveManifest, HashedUri ClaimSignature, IReadOnlyList<string> Codes, string? Title);

    /// <summary>The previous store's manifests become our parent ingredient; an unreadable store is dropped.</summary>
    private static ParentInfo? DescribeParent(byte[] previousStore, Stream input, IAssetHandler handler, SigningRequest request)
    {
        ManifestStore store;
        try
        {
            store = ManifestStore.Parse(previousStore);
        }
        catch (JumbfException)
        {
            return null;
        }
        Manifest? active = store.Active;
        if (active?.SignatureBox == null) return null;
        IReadOnlyList<string> codes;
        try
        {
            // A parent from the history was signed over bytes the app has since rewritten: its hard binding was checked
            // when it was signed (the history keeps that asset hash), so it is validated as far as its own bytes allow.
            codes = request.ParentStore != null
                ? ManifestValidator.ValidateDetached(store).Codes
                : ManifestValidator.Validate(store, input, handler, TrustSettings.None).Codes;
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e) || e is CryptographicException)
        {
            // The parent is recorded as it is, with the fact that it could not be validated.
            codes = [ValidationCodes.GeneralError];
        }
        // Each code once: a parent that is itself a long history would otherwise record every nested version's codes
        // again, and a history of N versions would grow as N² (issue 16, size control). Readers compare codes, not counts.
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string code in codes) if (seen.Add(code)) distinct.Add(code);
        codes = distinct;
        var manifests = new List<JumbfBox>();
        foreach (Manifest manifest in store.Manifests) manifests.Add(manifest.Box);
        return new ParentInfo(
            manifests,
            new HashedUri("self#jumbf=/c2pa/" + active.Label, ManifestStore.BoxHash(active.Box, "sha256")),
            new HashedUri("self#jumbf=/c2pa/" + active.Label + "/c2pa.signature", ManifestStore.BoxHash(active.SignatureBox, "sha256")),
            codes,
            request.Title);
    }
}
