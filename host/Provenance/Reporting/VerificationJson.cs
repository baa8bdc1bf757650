using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Provenance.Verification;

namespace Provenance.Reporting;

/// <summary>
/// The `--json` renderer of the verification result (DESIGN.md "The verification result"):
/// `{"version": 1, "summary": {...}, "files": [...]}`, fields added and never renamed, times in RFC 3339 UTC.
/// Written with <see cref="Utf8JsonWriter"/>: no reflection, so it survives trimming and native AOT.
/// </summary>
public static class VerificationJson
{
    /// <summary>The shape's version; raised only if a field ever had to change meaning.</summary>
    public const int Version = 1;

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The whole report for a batch.</summary>
    public static string Render(IReadOnlyList<FileVerification> results) => Render(results, results);

    /// <summary>
    /// The summary of the whole batch with only <paramref name="listed"/> in `files` (`prov verify --only-failures`), or
    /// no `files` at all when <paramref name="listed"/> is null (`--summary`).
    /// </summary>
    public static string Render(IReadOnlyList<FileVerification> results, IReadOnlyList<FileVerification>? listed)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteStartObject("summary");
            foreach (Verdict verdict in Enum.GetValues<Verdict>())
            {
                int count = 0;
                foreach (FileVerification r in results) if (r.Verdict == verdict) count++;
                json.WriteNumber(VerdictName(verdict), count);
            }
            json.WriteEndObject();
            if (listed is not null)
            {
                json.WriteStartArray("files");
                foreach (FileVerification r in listed) WriteFile(json, r);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One file's object, with `version` first (what `prov serve` answers per upload).</summary>
    public static string RenderOne(FileVerification result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options)) WriteFile(json, result, withVersion: true);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Trusted => "trusted",
        Verdict.Valid => "valid",
        Verdict.Invalid => "invalid",
        Verdict.Missing => "missing",
        _ => "error",
    };

    /// <summary>RFC 3339 UTC, to the second: `2026-12-06T07:00:09Z`.</summary>
    public static string Rfc3339(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>`process`: a history's timeline (issue 16), oldest version first, or null when the file has none.</summary>
    /// <summary>`thumbnail`: a verified thumbnail's media type, size and bytes (base64), or null.</summary>
    private static void WriteThumbnail(Utf8JsonWriter json, ThumbnailFacts? thumbnail)
    {
        if (thumbnail is null)
        {
            json.WriteNull("thumbnail");
            return;
        }
        json.WriteStartObject("thumbnail");
        json.WriteString("mediaType", thumbnail.MediaType);
        json.WriteNumber("size", thumbnail.Bytes.Length);
        json.WriteBase64String("data", thumbnail.Bytes);
        json.WriteEndObject();
    }

    private static void WriteProcess(Utf8JsonWriter json, ProcessFacts? process)
    {
        if (process is null)
        {
            json.WriteNull("process");
            return;
        }
        json.WriteStartObject("process");
        json.WriteNumber("versions", process.Versions.Count);
        WriteTime(json, "first", process.First);
        WriteTime(json, "last", process.Last);
        json.WriteStartArray("tokens");
        foreach (string token in process.Tokens) json.WriteStringValue(token);
        json.WriteEndArray();
        json.WriteBoolean("countersIncreasing", process.CountersIncreasing);
        json.WriteNumber("skippedCounters", process.SkippedCounters);
        json.WriteBoolean("linksIntact", process.LinksIntact);
        json.WriteBoolean("createdByToken", process.CreatedByToken);
        json.WriteString("importedStart", process.ImportedStart);
        json.WriteBoolean("complete", process.Complete);
        json.WriteString("summary", process.Summary);
        json.WriteString("limit", ProcessFacts.Limit);
        json.WriteStartArray("timeline");
        foreach (ProcessVersion v in process.Versions)
        {
            json.WriteStartObject();
            json.WriteNumber("number", v.Number);
            json.WriteString("manifest", v.Manifest);
            json.WriteStartArray("actions");
            foreach (string action in v.Actions) json.WriteStringValue(action);
            json.WriteEndArray();
            WriteTime(json, "time", v.Time);
            json.WriteString("tokenSerial", v.TokenSerial);
            if (v.Counter is { } counter) json.WriteNumber("counter", counter);
            else json.WriteNull("counter");
            json.WriteBoolean("counterBound", v.CounterBound);
            json.WriteString("sourceType", v.SourceType);
            if (v.LinkIntact is { } intact) json.WriteBoolean("linkIntact", intact);
            else json.WriteNull("linkIntact");
            WriteThumbnail(json, v.Thumbnail);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, TimeFacts? time)
    {
        if (time is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartObject(name);
        json.WriteString("value", Rfc3339(time.Value));
        json.WriteBoolean("timeStamped", time.TimeStamped);
        json.WriteBoolean("stated", !time.TimeStamped);
        json.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter json, FileVerification r, bool withVersion = false)
    {
        json.WriteStartObject();
        if (withVersion) json.WriteNumber("version", Version);
        json.WriteString("file", r.File);
        json.WriteString("verdict", VerdictName(r.Verdict));
        json.WriteString("format", r.Format);
        json.WriteStartArray("reasons");
        foreach (string reason in r.Reasons) json.WriteStringValue(reason);
        json.WriteEndArray();
        json.WriteString("reason", r.Reason);
        json.WriteStartArray("status");
        foreach (ValidationStatus status in r.Statuses)
        {
            json.WriteStartObject();
            json.WriteString("code", status.Code);
            json.WriteString("url", status.Url);
            json.WriteString("explanation", status.Explanation);
            json.WriteBoolean("failure", status.IsFailure);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("codes");
        foreach (string code in r.Codes) json.WriteStringValue(code);
        json.WriteEndArray();

        if (r.Signer is { } signer)
        {
            json.WriteStartObject("signer");
            if (signer.Verified is { } v)
            {
                json.WriteStartObject("verified");
                json.WriteString("name", v.Name);
                json.WriteString("trustStoreName", v.TrustStoreName);
                json.WriteString("rootFingerprint", v.RootFingerprint);
                json.WriteEndObject();
            }
            else json.WriteNull("verified");
            json.WriteStartArray("claimed");
            foreach (ClaimedName c in signer.Claimed)
            {
                json.WriteStartObject();
                json.WriteString("name", c.Name);
                json.WriteString("source", c.Source);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else json.WriteNull("signer");

        if (r.Token is { } token)
        {
            json.WriteStartObject("token");
            json.WriteString("serial", token.Serial);
            if (token.Counter is { } counter) json.WriteNumber("counter", counter);
            else json.WriteNull("counter");
            json.WriteString("keyProtection", token.KeyProtection);
            json.WriteBoolean("proven", token.Proven);
            json.WriteBoolean("counterBound", token.CounterBound);
            json.WriteEndObject();
        }
        else json.WriteNull("token");

        if (r.SourceType is { } source)
        {
            json.WriteStartObject("sourceType");
            json.WriteString("iptc", source.Iptc);
            json.WriteString("words", source.Words);
            json.WriteBoolean("declaredByArtist", true);
            json.WriteEndObject();
        }
        else json.WriteNull("sourceType");

        if (r.Consent is { } consent)
        {
            json.WriteStartObject("consent");
            foreach (ConsentEntry entry in consent)
            {
                json.WriteStartObject(entry.Use);
                json.WriteString("use", entry.Value);
                if (entry.ConstraintInfo != null) json.WriteString("constraint_info", entry.ConstraintInfo);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        else json.WriteNull("consent");

        if (r.Time is { } time)
        {
            json.WriteStartObject("time");
            json.WriteString("value", Rfc3339(time.Value));
            json.WriteBoolean("timeStamped", time.TimeStamped);
            json.WriteBoolean("stated", !time.TimeStamped);
            json.WriteEndObject();
        }
        else json.WriteNull("time");

        json.WriteString("generator", r.Generator);
        json.WriteStartObject("policy");
        json.WriteBoolean("passed", r.Passed);
        json.WriteStartArray("failures");
        foreach (string failure in r.PolicyFailures) json.WriteStringValue(failure);
        json.WriteEndArray();
        json.WriteEndObject();
        WriteThumbnail(json, r.Thumbnail);
        json.WriteStartArray("history");
        foreach (HistoryEntry entry in r.History)
        {
            json.WriteStartObject();
            json.WriteString("title", entry.Title);
            json.WriteString("relationship", entry.Relationship);
            json.WriteString("manifest", entry.Manifest);
            json.WriteString("format", entry.Format);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteProcess(json, r.Process);
        json.WriteStartArray("chain");
        foreach (string subject in r.Chain) json.WriteStringValue(subject);
        json.WriteEndArray();
        Verification.Cawg.IdentityJson.Write(json, r.Identities); // `identities`: Verification/Cawg/IdentityJson.cs
        if (r.Recovered is { } recovered)
        {
            json.WriteStartObject("recovered");
            json.WriteString("registry", recovered.Registry);
            json.WriteString("code", recovered.Code);
            json.WriteBoolean("found", recovered.Found);
            json.WriteString("manifestId", recovered.ManifestId);
            if (recovered.Distance is { } distance) json.WriteNumber("distance", distance);
            else json.WriteNull("distance");
            if (recovered.SimilarityScore is { } score) json.WriteNumber("similarityScore", score);
            else json.WriteNull("similarityScore");
            json.WriteBoolean("signatureVerified", recovered.SignatureVerified);
            json.WriteBoolean("signerTrusted", recovered.SignerTrusted);
            json.WriteBoolean("hardBindingMatches", recovered.HardBindingMatches);
            // The recovered manifest, verified against this copy, in the same shape as a file (it has no `recovered` of its own).
            if (recovered.Credentials is { } credentials)
            {
                json.WritePropertyName("credentials");
                WriteFile(json, credentials);
            }
            else json.WriteNull("credentials");
            json.WriteEndObject();
        }
        else json.WriteNull("recovered");
        json.WriteStartArray("notes");
        foreach (string note in r.Notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
