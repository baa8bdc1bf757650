using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.IO;

namespace Provenance.Consent;

/// <summary>
/// The artist's standing consent choices and signing defaults, kept in consent.json in the prov home folder and used
/// by every signature. Schema: version 1 (no "version" field) held the four CAWG entries; version 2 adds "version"
/// and "defaults" (source, tsa). Saving keeps every field it does not know (DESIGN "Stored data stays readable").
/// </summary>
public static class ConsentStore
{
    /// <summary>The schema version this release writes.</summary>
    public const int SchemaVersion = 2;

    public static string DefaultPath => Path.Combine(ProvPaths.Home, "consent.json");

    private static JsonObject? Read(string path)
    {
        if (!File.Exists(path)) return null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"consent file {path} is not valid JSON ({ex.Message}); fix or delete it, then run 'prov consent set'", ex);
        }
        if (root is not JsonObject obj) throw new InvalidDataException($"consent file {path} is not a JSON object; fix or delete it, then run 'prov consent set'");
        if (obj["version"] is JsonValue v && v.TryGetValue(out int version) && version > SchemaVersion)
            throw new InvalidDataException($"consent file {path} was written by a newer prov (schema {version}); update prov");
        return obj;
    }

    /// <summary>The source type and time-stamp authority the artist set as defaults; empty when she set none.</summary>
    public static SigningDefaults LoadDefaults(string? path = null)
    {
        path ??= DefaultPath;
        JsonNode? defaults = Read(path)?["defaults"];
        if (defaults is null) return new SigningDefaults();
        string? source = defaults["source"]?.GetValue<string>();
        string? tsa = defaults["tsa"]?.GetValue<string>();
        return new SigningDefaults
        {
            Source = source is null ? null : SigningDefaults.ParseSource(source, $"{path}: defaults.source"),
            TimeStampAuthority = tsa is null ? null : SigningDefaults.ParseTimeStampAuthority(tsa, $"{path}: defaults.tsa"),
        };
    }

    /// <summary>Saves the signing defaults, keeping the consent claims and anything else in the file.</summary>
    public static void SaveDefaults(SigningDefaults defaults, string? path = null)
    {
        path ??= DefaultPath;
        JsonObject root = Read(path) ?? new JsonObject();
        var node = root["defaults"] as JsonObject ?? new JsonObject();
        root.Remove("defaults");
        if (defaults.Source is { } source) node["source"] = SigningDefaults.SourceName(source);
        else node.Remove("source");
        if (defaults.TimeStampAuthority is { } tsa) node["tsa"] = tsa.ToString();
        else node.Remove("tsa");
        root["defaults"] = node;
        Write(root, path);
    }

    private static void Write(JsonObject root, string path)
    {
        root.Remove("version");
        var ordered = new JsonObject { ["version"] = SchemaVersion };
        foreach (var (key, value) in root.ToList())
        {
            root.Remove(key);
            ordered[key] = value;
        }
        AtomicFile.WriteText(path, ordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads the saved consent; an artist who never chose gets every use notAllowed.</summary>
    public static ConsentClaims Load(string? path = null)
    {
        path ??= DefaultPath;
        var claims = ConsentClaims.AllNotAllowed();
        JsonObject? root = Read(path);
        if (root is null) return claims;
        foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
        {
            JsonNode? entry = root?[ConsentClaims.EntryName(use)];
            if (entry is null) continue;
            string? value = entry["use"]?.GetValue<string>();
            ConsentPermission permission = ParsePermission(value ?? "", $"{path}: {ConsentClaims.EntryName(use)}");
            claims.Set(use, permission, entry["constraint_info"]?.GetValue<string>());
        }
        return claims;
    }

    public static void Save(ConsentClaims claims, string? path = null)
    {
        path ??= DefaultPath;
        JsonObject root = Read(path) ?? new JsonObject();
        foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
        {
            var entry = root[ConsentClaims.EntryName(use)] as JsonObject ?? new JsonObject();
            root.Remove(ConsentClaims.EntryName(use));
            entry["use"] = ConsentClaims.PermissionName(claims[use]);
            if (claims.ConstraintInfo(use) is { } info) entry["constraint_info"] = info;
            else entry.Remove("constraint_info");
            root[ConsentClaims.EntryName(use)] = entry;
        }
        Write(root, path);
    }

    /// <summary>Parses `allowed`, `notAllowed` or `constrained` (case-insensitive, `not-allowed` accepted).</summary>
    public static ConsentPermission ParsePermission(string value, string what) =>
        value.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "allowed" => ConsentPermission.Allowed,
            "notallowed" => ConsentPermission.NotAllowed,
            "constrained" => ConsentPermission.Constrained,
            _ => throw new ArgumentException($"{what}: '{value}' is not one of allowed, notAllowed, constrained"),
        };
}
