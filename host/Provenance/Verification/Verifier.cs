using System;
using System.Collections.Generic;
using System.IO;
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
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            FileVerification embedded = VerifyStream(stream, path, trust, handlers);
            if (embedded.Verdict is not (Verdict.Missing or Verdict.Error)) return embedded;
            // C2PA 2.2 external manifests: a `.c2pa` sidecar beside the asset (the asset's extension replaced).
            byte[]? sidecar;
            try
            {
                sidecar = SidecarHandler.ReadSidecar(path);
            }
            catch (AssetFormatException e)
            {
                return ErrorResult(path, "sidecar", $"The .c2pa sidecar cannot be read: {e.Problem} at byte {e.Offset}.");
            }
            return sidecar == null ? embedded : VerifyStore(sidecar, stream, path, "sidecar", new SidecarHandler(SidecarHandler.MediaTypeFor(path)), trust);
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
        IAssetHandler? handler = handlers.ForStream(asset);
        if (handler == null) return ErrorResult(name, null, "The file is not a supported image (JPEG, PNG, TIFF or WebP).");
        byte[]? storeBytes;
        try
        {
            storeBytes = handler.ReadManifestStore(asset);
        }
        catch (AssetFormatException e)
        {
            return ErrorResult(name, handler.FormatName, $"The file cannot be read as {handler.FormatName.ToUpperInvariant()}: {e.Problem} at byte {e.Offset}.");
        }
        if (storeBytes == null)
        {
            return new FileVerification { File = name, Format = handler.FormatName, Verdict = Verdict.Missing, Reason = "The file has no Content Credentials." };
        }
        return VerifyStore(storeBytes, asset, name, handler.FormatName, handler, trust);
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
                File = name, Format = format, Verdict = Verdict.Invalid, Codes = [ValidationCodes.ClaimMalformed],
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
                File = name, Format = format, Verdict = Verdict.Invalid, Codes = [ValidationCodes.GeneralError],
                Reason = OneSentence($"The Content Credentials could not be validated: {e.Message}"),
            };
        }
        return Describe(name, format, report);
    }

    private static FileVerification ErrorResult(string name, string? format, string reason) =>
        new() { File = name, Format = format, Verdict = Verdict.Error, Reason = OneSentence(reason) };

    private static FileVerification Describe(string name, string format, ValidationReport report)
    {
        bool failed = report.Codes.Exists(ValidationCodes.IsFailure);
        bool trusted = report.Codes.Contains(ValidationCodes.SigningCredentialTrusted);
        Verdict verdict = failed ? Verdict.Invalid : trusted ? Verdict.Trusted : Verdict.Valid;
        string? signer = report.Signer == null ? null : SignerName(report.Signer);
        string reason = verdict switch
        {
            Verdict.Trusted => $"Signed by {signer}, whose certificate chains to a trusted root, and unchanged since signing.",
            Verdict.Valid => $"Unchanged since it was signed by {signer}, but that signer is not in the trust store.",
            _ => OneSentence(report.FailureDetail ?? "validation failed"),
        };
        Details details = ReadDetails(report);
        return new FileVerification
        {
            File = name,
            Format = format,
            Verdict = verdict,
            Codes = report.Codes,
            Reason = reason,
            Signer = signer,
            Artist = details.Artist,
            TokenSerial = details.TokenSerial,
            TokenCounter = details.TokenCounter,
            KeyProtection = details.KeyProtection,
            SigningTime = report.TimeStamp?.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            DigitalSourceType = details.DigitalSourceType,
            Consent = details.Consent,
        };
    }

    /// <summary>One line, capitalised, ending in one full stop (details can carry library messages).</summary>
    private static string OneSentence(string text)
    {
        string line = text.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return line.Length == 0 ? "Validation failed." : char.ToUpperInvariant(line[0]) + line[1..] + ".";
    }

    private static string SignerName(X509Certificate2 certificate)
    {
        string simple = certificate.GetNameInfo(X509NameType.SimpleName, false);
        return string.IsNullOrEmpty(simple) ? certificate.Subject : simple;
    }

    private sealed class Details
    {
        public string? Artist, TokenSerial, KeyProtection, DigitalSourceType;
        public long? TokenCounter;
        public Dictionary<string, string>? Consent;
    }

    /// <summary>Reads what the report shows from the active manifest's assertions; an unreadable assertion just leaves its field empty.</summary>
    private static Details ReadDetails(ValidationReport report)
    {
        var details = new Details();
        Manifest? manifest = report.Active;
        if (manifest?.AssertionStore == null) return details;
        foreach (JumbfBox child in manifest.AssertionStore.Children)
        {
            if (child is not JumbfSuperBox box || box.Label == null) continue;
            byte[]? data = box.FirstContent()?.Data;
            if (data == null) continue;
            try
            {
                switch (box.Label)
                {
                    case AssertionLabels.CreativeWork:
                        using (JsonDocument json = JsonDocument.Parse(data))
                        {
                            if (json.RootElement.TryGetProperty("author", out JsonElement author))
                            {
                                JsonElement first = author.ValueKind == JsonValueKind.Array && author.GetArrayLength() > 0 ? author[0] : author;
                                if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("name", out JsonElement authorName)) details.Artist = authorName.GetString();
                                else if (first.ValueKind == JsonValueKind.String) details.Artist = first.GetString();
                            }
                        }
                        break;
                    case AssertionLabels.Token:
                        {
                            CborNode node = CborNode.Decode(data);
                            details.TokenSerial = node.TextOf("serial");
                            details.TokenCounter = node["counter"]?.Integer;
                            details.KeyProtection = node.TextOf("keyProtection");
                            break;
                        }
                    case AssertionLabels.ActionsV2:
                    case AssertionLabels.Actions:
                        {
                            CborNode? actions = CborNode.Decode(data)["actions"];
                            if (actions != null && actions.IsArray)
                                foreach (CborNode action in actions.Items)
                                    details.DigitalSourceType ??= action.TextOf("digitalSourceType");
                            break;
                        }
                    case AssertionLabels.TrainingMining:
                    case "c2pa.training-mining":
                        {
                            CborNode? entries = CborNode.Decode(data)["entries"];
                            if (entries == null || !entries.IsMap) break;
                            details.Consent = new Dictionary<string, string>();
                            foreach (KeyValuePair<CborNode, CborNode> entry in entries.Entries)
                                if (entry.Key.Text != null && entry.Value.TextOf("use") is { } use) details.Consent[entry.Key.Text] = use;
                            break;
                        }
                }
            }
            catch (Exception e) when (ManifestValidator.IsMalformed(e) || e is JsonException)
            {
                // A malformed optional assertion only hides its detail; the hashed-URI check already judged its integrity.
            }
        }
        return details;
    }
}
