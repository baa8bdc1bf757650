using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Text.Json;
using Provenance.C2pa.Jumbf;
using Provenance.Consent;
using Provenance.Formats;

namespace Provenance.C2pa;

/// <summary>Assertion labels this engine writes or reads.</summary>
public static class AssertionLabels
{
    public const string DataHash = "c2pa.hash.data";
    public const string ActionsV2 = "c2pa.actions.v2";
    public const string Actions = "c2pa.actions";
    public const string TrainingMining = "cawg.training-mining";
    public const string CreativeWork = "stds.schema-org.CreativeWork";
    public const string Token = "org.provenancedevice.token";
    public const string IngredientV3 = "c2pa.ingredient.v3";
    public const string Ingredient = "c2pa.ingredient";
    public const string IngredientV2 = "c2pa.ingredient.v2";
    public const string SoftBinding = "c2pa.soft-binding";
    public const string ThumbnailJpeg = "c2pa.thumbnail.claim.jpeg";
}

/// <summary>Builds the assertion superboxes of our manifests (C2PA 2.2 §18, CAWG training-and-mining).</summary>
public static class Assertions
{
    /// <summary>A CBOR assertion box (`cbor` description UUID, one `cbor` content box).</summary>
    public static JumbfSuperBox CborBox(string label, byte[] cbor) =>
        new(JumbfTypes.Cbor, label, [new JumbfContentBox("cbor", cbor)]);

    /// <summary>A JSON assertion box (`json` description UUID, one `json` content box).</summary>
    public static JumbfSuperBox JsonBox(string label, byte[] json) =>
        new(JumbfTypes.Json, label, [new JumbfContentBox("json", json)]);

    /// <summary>
    /// An embedded-file assertion (C2PA 2.2 §11.1.4.3 "Embedded File", ISO/IEC 19566-5 §B.2): a superbox of the embedded
    /// file type holding a `bfdb` description (toggles 0: no file name; the media type, null-terminated) and a `bidb`
    /// box with the bytes. The claim thumbnail (C2PA 2.2 §18.5) is one: label `c2pa.thumbnail.claim.jpeg`, `image/jpeg`.
    /// </summary>
    public static JumbfSuperBox EmbeddedFile(string label, string mediaType, byte[] data)
    {
        var description = new byte[mediaType.Length + 2];
        System.Text.Encoding.ASCII.GetBytes(mediaType, 0, mediaType.Length, description, 1);
        return new JumbfSuperBox(JumbfTypes.EmbeddedFile, label, [new JumbfContentBox("bfdb", description), new JumbfContentBox("bidb", data)]);
    }

    /// <summary>
    /// `c2pa.soft-binding` (C2PA 2.2 §18.10): one block over the whole asset (empty scope) whose value is the
    /// algorithm's text form, e.g. `ISCC:EEA…` for `io.iscc.v0`. `pad` is required by the CDDL and c2pa-rs.
    /// </summary>
    public static JumbfSuperBox SoftBinding(string algorithm, string value)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(3);
        writer.WriteTextString("alg");
        writer.WriteTextString(algorithm);
        writer.WriteTextString("blocks");
        writer.WriteStartArray(1);
        writer.WriteStartMap(2);
        writer.WriteTextString("scope");
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteTextString("value");
        writer.WriteTextString(value);
        writer.WriteEndMap();
        writer.WriteEndArray();
        writer.WriteTextString("pad");
        writer.WriteByteString([]);
        writer.WriteEndMap();
        return CborBox(AssertionLabels.SoftBinding, writer.Encode());
    }

    /// <summary>
    /// `c2pa.actions.v2`: `c2pa.created` with the IPTC digital source type, or, when the asset has a parent ingredient,
    /// `c2pa.opened` naming it, followed by <paramref name="editAction"/> (a saved version of a drawing: `c2pa.drawing`)
    /// when given. Each action states <paramref name="when"/> (a signer's statement; only a time stamp proves a time).
    /// </summary>
    public static JumbfSuperBox Actions(string digitalSourceType, HashedUri? parentIngredient, string? editAction = null, DateTimeOffset? when = null)
    {
        bool hasParent = parentIngredient != null;
        bool edit = hasParent && editAction != null;
        string? whenText = when?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("actions");
        writer.WriteStartArray(edit ? 2 : 1);
        writer.WriteStartMap(whenText == null ? 3 : 4);
        writer.WriteTextString("action");
        // C2PA 2.2 §18.13.4: a manifest whose asset already had one opens its parent instead of creating; `c2pa.opened`
        // comes first and names the parentOf ingredient.
        writer.WriteTextString(hasParent ? "c2pa.opened" : "c2pa.created");
        WriteSoftwareAgent(writer);
        writer.WriteTextString(hasParent ? "parameters" : "digitalSourceType");
        if (hasParent)
        {
            writer.WriteStartMap(1);
            writer.WriteTextString("ingredients");
            writer.WriteStartArray(1);
            parentIngredient!.WriteTo(writer);
            writer.WriteEndArray();
            writer.WriteEndMap();
        }
        else
        {
            writer.WriteTextString(digitalSourceType);
        }
        WriteWhen(writer, whenText);
        writer.WriteEndMap();
        if (edit)
        {
            // C2PA 2.2 §18.13.4.4 (standard actions): `c2pa.drawing` is a change made with drawing tools (brushes, eraser).
            writer.WriteStartMap(whenText == null ? 2 : 3);
            writer.WriteTextString("action");
            writer.WriteTextString(editAction!);
            WriteSoftwareAgent(writer);
            WriteWhen(writer, whenText);
            writer.WriteEndMap();
        }
        writer.WriteEndArray();
        writer.WriteEndMap();
        return CborBox(AssertionLabels.ActionsV2, writer.Encode());
    }

    private static void WriteSoftwareAgent(CborWriter writer)
    {
        writer.WriteTextString("softwareAgent");
        writer.WriteStartMap(2);
        writer.WriteTextString("name");
        writer.WriteTextString(SigningRequest.GeneratorName);
        writer.WriteTextString("version");
        writer.WriteTextString(SigningRequest.GeneratorVersion);
        writer.WriteEndMap();
    }

    private static void WriteWhen(CborWriter writer, string? whenText)
    {
        if (whenText == null) return;
        writer.WriteTextString("when");
        writer.WriteTextString(whenText);
    }

    /// <summary>`cawg.training-mining`: one entry per use, each {use, constraint_info?}.</summary>
    public static JumbfSuperBox TrainingMining(ConsentClaims consent)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("entries");
        ConsentUse[] uses = Enum.GetValues<ConsentUse>();
        writer.WriteStartMap(uses.Length);
        foreach (ConsentUse use in uses)
        {
            writer.WriteTextString(ConsentClaims.EntryName(use));
            string? constraint = consent.ConstraintInfo(use);
            writer.WriteStartMap(constraint == null ? 1 : 2);
            writer.WriteTextString("use");
            writer.WriteTextString(ConsentClaims.PermissionName(consent[use]));
            if (constraint != null)
            {
                writer.WriteTextString("constraint_info");
                writer.WriteTextString(constraint);
            }
            writer.WriteEndMap();
        }
        writer.WriteEndMap();
        writer.WriteEndMap();
        return CborBox(AssertionLabels.TrainingMining, writer.Encode());
    }

    /// <summary>`stds.schema-org.CreativeWork` JSON-LD: the artist as author, the title as name.</summary>
    public static JumbfSuperBox CreativeWork(string? artist, string? title)
    {
        var buffer = new System.IO.MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("@context", "https://schema.org");
            json.WriteString("@type", "CreativeWork");
            if (artist != null)
            {
                json.WriteStartArray("author");
                json.WriteStartObject();
                json.WriteString("@type", "Person");
                json.WriteString("name", artist);
                json.WriteEndObject();
                json.WriteEndArray();
            }
            if (title != null) json.WriteString("name", title);
            json.WriteEndObject();
        }
        return JsonBox(AssertionLabels.CreativeWork, buffer.ToArray());
    }

    /// <summary>Our token assertion: which token signed, at which counter value, and how its key is kept.</summary>
    public static JumbfSuperBox Token(string? serial, long? counter, TokenKeyProtection protection)
    {
        var writer = new CborWriter();
        int count = 1 + (serial != null ? 1 : 0) + (counter != null ? 1 : 0);
        writer.WriteStartMap(count);
        if (serial != null)
        {
            writer.WriteTextString("serial");
            writer.WriteTextString(serial);
        }
        if (counter != null)
        {
            writer.WriteTextString("counter");
            writer.WriteInt64(counter.Value);
        }
        writer.WriteTextString("keyProtection");
        writer.WriteTextString(protection switch
        {
            TokenKeyProtection.SecureElement => "secureElement",
            TokenKeyProtection.EmulatedSecureElement => "emulatedSecureElement",
            _ => "software",
        });
        writer.WriteEndMap();
        return CborBox(AssertionLabels.Token, writer.Encode());
    }

    /// <summary>
    /// `c2pa.hash.data` with the given exclusions, hash and a zero `pad` of <paramref name="padLength"/> bytes
    /// (C2PA 2.2 §18.5: `pad` lets the final assertion keep the placeholder's size). With
    /// <paramref name="worstCaseIntegers"/> every start and length takes its largest encoding, for the placeholder.
    /// </summary>
    public static byte[] DataHashCbor(IReadOnlyList<HashRange> exclusions, byte[] hash, int padLength, bool worstCaseIntegers = false)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(5);
        writer.WriteTextString("exclusions");
        writer.WriteStartArray(exclusions.Count);
        foreach (HashRange range in exclusions)
        {
            writer.WriteStartMap(2);
            writer.WriteTextString("start");
            writer.WriteUInt64(worstCaseIntegers ? ulong.MaxValue : (ulong)range.Start);
            writer.WriteTextString("length");
            writer.WriteUInt64(worstCaseIntegers ? ulong.MaxValue : (ulong)range.Length);
            writer.WriteEndMap();
        }
        writer.WriteEndArray();
        writer.WriteTextString("name");
        writer.WriteTextString("jumbf manifest");
        writer.WriteTextString("alg");
        writer.WriteTextString("sha256");
        writer.WriteTextString("hash");
        writer.WriteByteString(hash);
        writer.WriteTextString("pad");
        writer.WriteByteString(new byte[padLength]);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>`c2pa.ingredient.v3` for the asset's previous active manifest (relationship parentOf).</summary>
    public static JumbfSuperBox ParentIngredient(string? title, string mediaType, HashedUri activeManifest, HashedUri claimSignature, IReadOnlyList<string> parentCodes)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(title == null ? 5 : 6);
        if (title != null)
        {
            writer.WriteTextString("dc:title");
            writer.WriteTextString(title);
        }
        writer.WriteTextString("dc:format");
        writer.WriteTextString(mediaType);
        writer.WriteTextString("relationship");
        writer.WriteTextString("parentOf");
        writer.WriteTextString("activeManifest");
        activeManifest.WriteTo(writer);
        writer.WriteTextString("claimSignature");
        claimSignature.WriteTo(writer);
        writer.WriteTextString("validationResults");
        writer.WriteStartMap(1);
        writer.WriteTextString("activeManifest");
        var success = new List<string>();
        var informational = new List<string>();
        var failure = new List<string>();
        foreach (string code in parentCodes)
        {
            if (ValidationCodes.IsFailure(code)) failure.Add(code);
            else if (code is ValidationCodes.SigningCredentialUntrusted or ValidationCodes.TimeStampUntrusted or ValidationCodes.SigningCredentialOcspSkipped) informational.Add(code);
            else success.Add(code);
        }
        writer.WriteStartMap(3);
        WriteStatusList(writer, "success", success);
        WriteStatusList(writer, "informational", informational);
        WriteStatusList(writer, "failure", failure);
        writer.WriteEndMap();
        writer.WriteEndMap();
        writer.WriteEndMap();
        return CborBox(AssertionLabels.IngredientV3, writer.Encode());
    }

    private static void WriteStatusList(CborWriter writer, string name, List<string> codes)
    {
        writer.WriteTextString(name);
        writer.WriteStartArray(codes.Count);
        foreach (string code in codes)
        {
            writer.WriteStartMap(1);
            writer.WriteTextString("code");
            writer.WriteTextString(code);
            writer.WriteEndMap();
        }
        writer.WriteEndArray();
    }
}
