using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.IO;

namespace Provenance.Consent;

/// <summary>The artist's standing consent choices, kept in consent.json in the prov home folder and used by every signature.</summary>
public static class ConsentStore
{
    public static string DefaultPath => Path.Combine(ProvPaths.Home, "consent.json");

    /// <summary>Loads the saved consent; an artist who never chose gets every use notAllowed.</summary>
    public static ConsentClaims Load(string? path = null)
    {
        path ??= DefaultPath;
        var claims = ConsentClaims.AllNotAllowed();
        if (!File.Exists(path)) return claims;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"consent file {path} is not valid JSON ({ex.Message}); fix or delete it, then run 'prov consent set'", ex);
        }
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
        var root = new JsonObject();
        foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
        {
            var entry = new JsonObject { ["use"] = ConsentClaims.PermissionName(claims[use]) };
            if (claims.ConstraintInfo(use) is { } info) entry["constraint_info"] = info;
            root[ConsentClaims.EntryName(use)] = entry;
        }
        AtomicFile.WriteText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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
