using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.IO;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;
using Provenance.Verification;

namespace Provenance.Reporting;

/// <summary>
/// `prov verify FILE --manifest`: the manifest store in c2pa-rs's reader JSON shape (what `c2patool FILE` prints), so
/// scripts written for c2patool read it: `active_manifest`, `manifests` {label: {claim_generator_info, title, format,
/// instance_id, thumbnail, ingredients, assertions [{label, data}], signature_info, label, claim_version}},
/// `validation_status`, `validation_results`, `validation_state`.
/// </summary>
/// <remarks>
/// This is the one view that reads the store itself (it shows what the store says, manifest by manifest); the verdict
/// parts (`validation_*`) come from the verification result. Like c2pa-rs, hard bindings, thumbnails and ingredient
/// assertions are not listed under `assertions` (they appear as `thumbnail` and `ingredients`).
/// </remarks>
public static class ManifestReport
{
    private const int MaxDepth = 64;
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = MaxDepth + 16 };

    /// <summary>The store of <paramref name="path"/> (embedded, else its sidecar) with <paramref name="result"/>'s validation; null when it has none.</summary>
    public static string? Render(string path, FileVerification result)
    {
        byte[]? bytes = ReadStore(path);
        if (bytes is null) return null;
        ManifestStore store;
        try
        {
            store = ManifestStore.Parse(bytes);
        }
        catch (JumbfException)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            if (store.Active is { } active) json.WriteString("active_manifest", active.Label);
            json.WriteStartObject("manifests");
            foreach (Manifest manifest in store.Manifests) WriteManifest(json, manifest, manifest == store.Active ? result : null);
            json.WriteEndObject();

            json.WriteStartArray("validation_status");
            foreach (ValidationStatus status in result.Statuses) if (Kind(status) == "failure") WriteStatus(json, status);
            json.WriteEndArray();
            json.WriteStartObject("validation_results");
            json.WriteStartObject("activeManifest");
            foreach (string kind in new[] { "success", "informational", "failure" })
            {
                json.WriteStartArray(kind);
                foreach (ValidationStatus status in result.Statuses) if (Kind(status) == kind) WriteStatus(json, status);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteString("validation_state", result.Verdict switch { Verdict.Trusted => "Trusted", Verdict.Valid => "Valid", _ => "Invalid" });
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static byte[]? ReadStore(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            if (AssetHandlers.Default.ForStream(stream) is { } handler && handler.ReadManifestStore(stream) is { } embedded) return embedded;
            return SidecarHandler.FindSidecar(path) is null ? null : SidecarHandler.ReadSidecar(path);
        }
        catch (AssetFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// c2pa-rs's grouping: failure codes, informational codes (C2PA 2.2 §15: neither success nor failure), success.
    /// `signingCredential.untrusted` is a failure code in the spec's table, which c2pa-rs lists as such while the state
    /// stays `Valid`; our verdict calls that `valid` too, and the view groups it as c2pa-rs does.
    /// </summary>
    private static string Kind(ValidationStatus status) =>
        status.IsFailure || status.Code == "signingCredential.untrusted" ? "failure"
        : status.Code.EndsWith(".validated", StringComparison.Ordinal) || status.Code.EndsWith(".match", StringComparison.Ordinal)
          || status.Code.EndsWith(".trusted", StringComparison.Ordinal) || status.Code.EndsWith(".insideValidity", StringComparison.Ordinal)
          || status.Code.EndsWith(".notRevoked", StringComparison.Ordinal) ? "success"
        : "informational";

    private static void WriteStatus(Utf8JsonWriter json, ValidationStatus status)
    {
        json.WriteStartObject();
        json.WriteString("code", status.Code);
        if (status.Url is not null) json.WriteString("url", status.Url);
        json.WriteString("explanation", status.Explanation);
        json.WriteEndObject();
    }

    private static void WriteManifest(Utf8JsonWriter json, Manifest manifest, FileVerification? active)
    {
        json.WriteStartObject(manifest.Label);
        CborNode? claim = null;
        try
        {
            if (manifest.ClaimBytes is { } bytes) claim = CborNode.Decode(bytes);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        if (claim is { IsMap: true })
        {
            if (claim.TextOf("claim_generator") is { } generator) json.WriteString("claim_generator", generator);
            if (Raw(manifest.ClaimBytes!, "claim_generator_info") is { } info)
            {
                json.WritePropertyName("claim_generator_info");
                WriteCbor(json, info, 0, asArray: true);
            }
            if (claim.TextOf("dc:title") is { } title) json.WriteString("title", title);
            if (claim.TextOf("dc:format") is { } format) json.WriteString("format", format);
            if (claim.TextOf("instanceID") is { } instance) json.WriteString("instance_id", instance);
        }

        var assertions = new List<(string Label, JumbfSuperBox Box)>();
        (string Label, string? Type)? thumbnail = null;
        var ingredients = new List<(string Label, byte[] Data)>();
        foreach (JumbfBox child in manifest.AssertionStore?.Children ?? [])
        {
            if (child is not JumbfSuperBox { Label: { } label } box) continue;
            string baseLabel = new VerifiedAssertion(label, "", "", []).BaseLabel;
            if (baseLabel.StartsWith("c2pa.thumbnail.claim.", StringComparison.Ordinal)) thumbnail ??= (label, MediaTypeOf(box));
            else if (baseLabel is AssertionLabels.Ingredient or AssertionLabels.IngredientV2 or AssertionLabels.IngredientV3) ingredients.Add((label, box.FirstContent()?.Data ?? []));
            else if (!baseLabel.StartsWith("c2pa.hash.", StringComparison.Ordinal) && !baseLabel.StartsWith("c2pa.thumbnail.", StringComparison.Ordinal)) assertions.Add((label, box));
        }
        if (thumbnail is { } t)
        {
            json.WriteStartObject("thumbnail");
            if (t.Type is not null) json.WriteString("format", t.Type);
            json.WriteString("identifier", $"self#jumbf=/c2pa/{manifest.Label}/c2pa.assertions/{t.Label}");
            json.WriteEndObject();
        }
        if (ingredients.Count > 0)
        {
            json.WriteStartArray("ingredients");
            foreach ((string label, byte[] data) in ingredients) WriteIngredient(json, label, data);
            json.WriteEndArray();
        }
        json.WriteStartArray("assertions");
        foreach ((string label, JumbfSuperBox box) in assertions)
        {
            json.WriteStartObject();
            json.WriteString("label", label);
            JumbfContentBox? content = box.FirstContent();
            json.WritePropertyName("data");
            if (content is { Type: "cbor" }) WriteCbor(json, content.Data, 0);
            else if (content is { Type: "json" } && TryJson(content.Data) is { } document)
            {
                using (document) document.RootElement.WriteTo(json);
            }
            else json.WriteNullValue();
            if (content is { Type: "json" }) json.WriteString("kind", "Json");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteSignatureInfo(json, manifest, active);
        json.WriteString("label", manifest.Label);
        if (claim is { IsMap: true }) json.WriteNumber("claim_version", manifest.ClaimBox?.Label == Claim.LabelV2 ? 2 : 1);
        json.WriteEndObject();
    }

    private static void WriteIngredient(Utf8JsonWriter json, string label, byte[] data)
    {
        json.WriteStartObject();
        try
        {
            CborNode node = CborNode.Decode(data);
            if (node.TextOf("dc:title") is { } title) json.WriteString("title", title);
            if (node.TextOf("dc:format") is { } format) json.WriteString("format", format);
            if (node.TextOf("documentID") is { } document) json.WriteString("document_id", document);
            if (node.TextOf("instanceID") is { } instance) json.WriteString("instance_id", instance);
            if (node.TextOf("relationship") is { } relationship) json.WriteString("relationship", relationship);
            if ((node["activeManifest"] ?? node["c2pa_manifest"])?.TextOf("url") is { } url) json.WriteString("active_manifest", url[(url.LastIndexOf('/') + 1)..]);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        json.WriteString("label", label);
        json.WriteEndObject();
    }

    private static void WriteSignatureInfo(Utf8JsonWriter json, Manifest manifest, FileVerification? active)
    {
        if (manifest.SignatureBytes is not { } cose) return;
        ParsedCoseSign1 signature;
        X509Certificate2? signer;
        try
        {
            signature = ParsedCoseSign1.Parse(cose);
            signer = signature.CertificateChain.Count > 0 ? X509CertificateLoader.LoadCertificate(signature.CertificateChain[0]) : null;
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e) || e is System.Security.Cryptography.CryptographicException)
        {
            return;
        }
        using (signer)
        {
            json.WriteStartObject("signature_info");
            // c2pa-rs spells algorithms as its enum does: Es256, Ps256, Ed25519.
            string alg = CoseAlgorithms.Name(signature.Algorithm);
            json.WriteString("alg", alg.Length == 5 && char.IsLetter(alg[0]) ? char.ToUpperInvariant(alg[0]) + alg[1..].ToLowerInvariant() : alg);
            if (signer is not null)
            {
                // c2pa-rs's `issuer` is the signing certificate's organisation (subject O), not the issuing CA.
                if (OrganizationOf(signer.SubjectName) is { } issuer) json.WriteString("issuer", issuer);
                json.WriteString("common_name", signer.GetNameInfo(X509NameType.SimpleName, false));
                json.WriteString("cert_serial_number", new BigInteger(signer.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            // Only a time a validated RFC 3161 time stamp proves, as c2pa-rs does; from the verification result.
            if (active?.Time is { TimeStamped: true } time) json.WriteString("time", VerificationJson.Rfc3339(time.Value));
            json.WriteEndObject();
        }
    }

    private static string? OrganizationOf(X500DistinguishedName name)
    {
        foreach (X500RelativeDistinguishedName part in name.EnumerateRelativeDistinguishedNames())
            if (part.GetSingleElementType().Value == "2.5.4.10") return part.GetSingleElementValue();
        return null;
    }

    private static string? MediaTypeOf(JumbfSuperBox box)
    {
        if (box.FirstContent() is not { Type: "bfdb", Data: { Length: > 1 } description }) return null;
        int end = Array.IndexOf(description, (byte)0, 1);
        return Encoding.UTF8.GetString(description, 1, (end < 0 ? description.Length : end) - 1);
    }

    private static JsonDocument? TryJson(byte[] data)
    {
        try
        {
            return JsonDocument.Parse(data, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The encoded value of one top-level key of a CBOR map, or null.</summary>
    private static byte[]? Raw(byte[] cbor, string key)
    {
        try
        {
            var reader = new CborReader(cbor, CborConformanceMode.Lax);
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                bool match = false;
                if (reader.PeekState() == CborReaderState.TextString) match = reader.ReadTextString() == key;
                else reader.SkipValue();
                if (match) return reader.ReadEncodedValue().ToArray();
                reader.SkipValue();
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException)
        {
        }
        return null;
    }

    /// <summary>CBOR as JSON the way c2pa-rs serialises assertions: byte strings as base64, tags dropped.</summary>
    private static void WriteCbor(Utf8JsonWriter json, byte[] cbor, int depth, bool asArray = false)
    {
        try
        {
            var reader = new CborReader(cbor, CborConformanceMode.Lax, allowMultipleRootLevelValues: false);
            if (asArray && reader.PeekState() == CborReaderState.StartMap)
            {
                // A v2 claim has one claim_generator_info map; c2pa-rs prints a list.
                json.WriteStartArray();
                WriteValue(json, reader, depth);
                json.WriteEndArray();
            }
            else WriteValue(json, reader, depth);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            json.WriteNullValue();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, CborReader reader, int depth)
    {
        if (depth > MaxDepth) throw new FormatException("CBOR nested too deeply");
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                json.WriteStartObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    string key = reader.PeekState() switch
                    {
                        CborReaderState.TextString => reader.ReadTextString(),
                        CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => throw new FormatException("a CBOR map key that JSON cannot name"),
                    };
                    json.WritePropertyName(key);
                    WriteValue(json, reader, depth + 1);
                }
                reader.ReadEndMap();
                json.WriteEndObject();
                break;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                json.WriteStartArray();
                while (reader.PeekState() != CborReaderState.EndArray) WriteValue(json, reader, depth + 1);
                reader.ReadEndArray();
                json.WriteEndArray();
                break;
            case CborReaderState.TextString: json.WriteStringValue(reader.ReadTextString()); break;
            case CborReaderState.ByteString: json.WriteBase64StringValue(reader.ReadByteString()); break;
            case CborReaderState.UnsignedInteger:
                ulong unsigned = reader.ReadUInt64();
                json.WriteNumberValue(unsigned);
                break;
            case CborReaderState.NegativeInteger: json.WriteNumberValue(reader.ReadInt64()); break;
            case CborReaderState.Boolean: json.WriteBooleanValue(reader.ReadBoolean()); break;
            case CborReaderState.Null: reader.ReadNull(); json.WriteNullValue(); break;
            case CborReaderState.SimpleValue: reader.ReadSimpleValue(); json.WriteNullValue(); break;
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                double value = reader.ReadDouble();
                if (double.IsFinite(value)) json.WriteNumberValue(value);
                else json.WriteNullValue();
                break;
            case CborReaderState.Tag: reader.ReadTag(); WriteValue(json, reader, depth + 1); break;
            default: reader.SkipValue(); json.WriteNullValue(); break;
        }
    }
}
