using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;

namespace Provenance.Verification;

/// <summary>Verifies files' Content Credentials and says, per file, one verdict with its codes and a plain reason.</summary>
public static class Verifier
{
    /// <summary>Verifies one file with the default asset handlers.</summary>
    public static FileVerification VerifyFile(string path, TrustSettings trust) => VerifyFile(path, trust, AssetHandlers.Default);

    public static FileVerification VerifyFile(string path, TrustSettings trust, AssetHandlers handlers)
    {
        // DESIGN.md "Sidecars": a sidecar is verified with its asset, never as a file of its own.
        if (path.EndsWith(SidecarHandler.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return ErrorResult(path, "sidecar", SidecarHandler.HasAsset(path)
                ? "This is a .c2pa sidecar; it is verified with the file it belongs to, so verify that file."
                : "A .c2pa sidecar without its asset beside it: there is nothing it can be checked against.");
        }
        try
        {
            using Stream stream = AssetFile.OpenRead(path);
            FileVerification embedded = VerifyStream(stream, path, trust, handlers, out AssetTailCheck? pendingTail);
            if (embedded.Verdict is not (Verdict.Missing or Verdict.Error)) return embedded;
            // C2PA 2.2 external manifests: `NAME.EXT.c2pa` beside the asset, else `NAME.c2pa`.
            (string Path, bool Shared)? found;
            byte[]? sidecar;
            try
            {
                found = SidecarHandler.FindSidecar(path);
                sidecar = found == null ? null : SidecarHandler.ReadSidecar(path);
            }
            catch (AssetFormatException e)
            {
                return ErrorResult(path, "sidecar", $"The .c2pa sidecar cannot be read: {e.Problem} at byte {e.Offset}.");
            }
            if (sidecar == null || found == null)
            {
                // No store anywhere: the file itself is still checked (a truncated JPEG is an error, not missing).
                try
                {
                    pendingTail?.Finish(stream);
                }
                catch (AssetFormatException e)
                {
                    return ErrorResult(path, embedded.Format, $"The file cannot be read as {embedded.Format?.ToUpperInvariant()}: {e.Problem} at byte {e.Offset}.");
                }
                return embedded;
            }
            FileVerification result = VerifyStore(sidecar, stream, path, "sidecar", new SidecarHandler(SidecarHandler.MediaTypeFor(path)), trust);
            // A NAME.c2pa that another file with the same stem may own is this file's only if it binds to these bytes.
            if (found.Value.Shared && result.Verdict == Verdict.Invalid && result.Statuses.Any(st => st.Code == ValidationCodes.AssertionDataHashMismatch))
            {
                return new FileVerification
                {
                    File = path, Format = embedded.Format, Verdict = Verdict.Missing,
                    Reason = OneSentence($"The file has no Content Credentials; {System.IO.Path.GetFileName(found.Value.Path)} beside it belongs to another file with the same name"),
                };
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ErrorResult(path, null, $"The file cannot be opened: {e.Message}");
        }
    }

    /// <summary>
    /// Verifies an asset stream (seekable). This is the one place where exceptions become verdicts:
    /// a malformed asset is `error`, malformed credentials are `invalid` with a code.
    /// </summary>
    public static FileVerification VerifyStream(Stream asset, string name, TrustSettings trust, AssetHandlers handlers)
    {
        FileVerification result = VerifyStream(asset, name, trust, handlers, out AssetTailCheck? pendingTail);
        if (pendingTail == null) return result;
        try
        {
            pendingTail.Finish(asset);
        }
        catch (AssetFormatException e)
        {
            return ErrorResult(name, result.Format, $"The file cannot be read as {result.Format?.ToUpperInvariant()}: {e.Problem} at byte {e.Offset}.");
        }
        return result;
    }

    /// <param name="pendingTail">For a file without an embedded store (`missing`): the handler's check of the rest of the
    /// file, not yet run, so that a sidecar's data hash can feed it (one read); the caller finishes it.</param>
    private static FileVerification VerifyStream(Stream asset, string name, TrustSettings trust, AssetHandlers handlers, out AssetTailCheck? pendingTail)
    {
        pendingTail = null;
        IAssetHandler? handler = handlers.ForStream(asset);
        if (handler == null) return ErrorResult(name, null, "The file is not in a format that can carry Content Credentials here (JPEG, PNG, TIFF/DNG, WebP, GIF, JPEG XL, HEIC/HEIF/AVIF, PDF), and it has no .c2pa sidecar.");
        byte[]? storeBytes;
        AssetTailCheck? tail;
        try
        {
            // One read (issue 14): a handler that checks the rest of the file (JPEG's walk to EOI) does it on the
            // bytes the data hash reads; without a store there is no hash, and the check reads the rest itself.
            storeBytes = handler.ReadManifestStoreForVerify(asset, out tail);
        }
        catch (AssetFormatException e) when (e.MultipleStores)
        {
            // C2PA 2.2 §11.3 (one store per asset): the file is readable, its credentials are not to be believed.
            string reason = OneSentence($"The file holds more than one manifest store ({e.Problem} at byte {e.Offset}), so none can be believed");
            return new FileVerification
            {
                File = name, Format = handler.FormatName, Verdict = Verdict.Invalid, Reason = reason,
                Statuses = [new ValidationStatus(ValidationCodes.GeneralError, null, reason)],
            };
        }
        catch (AssetFormatException e)
        {
            return ErrorResult(name, handler.FormatName, $"The file cannot be read as {handler.FormatName.ToUpperInvariant()}: {e.Problem} at byte {e.Offset}.");
        }
        if (storeBytes == null)
        {
            pendingTail = tail;
            return new FileVerification { File = name, Format = handler.FormatName, Verdict = Verdict.Missing, Reason = "The file has no Content Credentials." };
        }
        if (tail == null) return VerifyStore(storeBytes, asset, name, handler.FormatName, handler, trust);
        FileVerification verified = VerifyStore(storeBytes, new ObservedStream(asset, tail.Observe), name, handler.FormatName, handler, trust);
        try
        {
            tail.Finish(asset);
        }
        catch (AssetFormatException e)
        {
            return ErrorResult(name, handler.FormatName, $"The file cannot be read as {handler.FormatName.ToUpperInvariant()}: {e.Problem} at byte {e.Offset}.");
        }
        return verified;
    }

    /// <summary>
    /// Verifies a manifest store that did not come with the file (recovered from a registry) against the file, as an
    /// external manifest would be (C2PA 2.2 §11.4): signature, chain, assertions, and the hard binding over the file's bytes.
    /// </summary>
    public static FileVerification VerifyDetachedStore(byte[] store, string path, TrustSettings trust)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            using Stream stream = AssetFile.OpenRead(path);
            return VerifyStore(store, stream, path, "registry", new SidecarHandler(SidecarHandler.MediaTypeFor(path)), trust);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ErrorResult(path, null, $"The file cannot be opened: {e.Message}");
        }
    }

    private static FileVerification VerifyStore(byte[] storeBytes, Stream asset, string name, string format, IAssetHandler handler, TrustSettings trust)
    {
        ManifestStore store;
        try
        {
            store = ManifestStore.Parse(storeBytes);
        }
        catch (JumbfException e)
        {
            return new FileVerification
            {
                File = name, Format = format, Verdict = Verdict.Invalid, Statuses = [new ValidationStatus(ValidationCodes.ClaimMalformed, null, OneSentence($"The manifest store is malformed: {e.Problem} in {e.BoxPath}"))],
                Reason = OneSentence($"The Content Credentials are malformed: {e.Problem} in {e.BoxPath}"),
            };
        }

        ValidationReport report;
        try
        {
            report = ManifestValidator.Validate(store, asset, handler, trust);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e) || e is IOException || e is System.Security.Cryptography.CryptographicException)
        {
            return new FileVerification
            {
                File = name, Format = format, Verdict = Verdict.Invalid, Statuses = [new ValidationStatus(ValidationCodes.GeneralError, null, OneSentence($"The Content Credentials could not be validated: {e.Message}"))],
                Reason = OneSentence($"The Content Credentials could not be validated: {e.Message}"),
            };
        }
        return VerificationModel.Describe(name, format, report, trust);
    }

    internal static FileVerification ErrorResult(string name, string? format, string reason) =>
        new() { File = name, Format = format, Verdict = Verdict.Error, Reason = OneSentence(reason), Reasons = [OneSentence(reason)] };

    /// <summary>One line, capitalised, ending in one full stop (details can carry library messages).</summary>
    internal static string OneSentence(string text)
    {
        string line = text.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return line.Length == 0 ? "Validation failed." : char.ToUpperInvariant(line[0]) + line[1..] + ".";
    }
}
