using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 13, "JSON for scripts": every command's `--json` output follows the same rules, so one script can read them
/// all: "version" first in every document, every time in RFC 3339 UTC (`2026-12-06T07:00:09Z`), every certificate
/// fingerprint as 64 lowercase hex digits, camelCase field names, and one name per fact (no `timestamp`/`date`,
/// `sha256`/`thumbprint`, `serialNumber` aliases; the token as `serial`/`counter`/`keyProtection` wherever it appears).
/// (`prov verify FILE --manifest` is excluded by design: it prints c2pa-rs's snake_case reader shape.)
/// </summary>
public sealed partial class JsonOutputRulesTests : IDisposable
{
    private const string Password = "a long test password";
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task EveryJsonOutputHasVersionFirstRfc3339UtcTimesOneFingerprintFormatAndTheSameFieldNames()
    {
        string work = Directory.CreateDirectory(Path.Combine(_prov.Home, "work")).FullName;
        string signed = Path.Combine(work, "signed.jpg");
        string root = Path.Combine(work, "root.pem");
        string watched = Directory.CreateDirectory(Path.Combine(work, "scans")).FullName;
        File.Copy(SignVerifyTests.SamplePath("artwork.png"), Path.Combine(watched, "scan.png"));

        Assert.Equal(0, (await Run("identity", "create", "--name", "Ada Lovelace")).ExitCode);
        Assert.Equal(0, (await Run("identity", "enroll")).ExitCode);
        Assert.Equal(0, (await Run("identity", "export", "--out", root)).ExitCode);
        Assert.Equal(0, (await Run("trust", "add", root)).ExitCode);

        var outputs = new Dictionary<string, string>
        {
            ["sign"] = (await Run("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--source", "scan", "--json")).Stdout,
            ["watch --once"] = (await Run("watch", watched, "--once", "--source", "scan", "--out-dir", Path.Combine(work, "signed-scans"), "--json")).Stdout,
            ["verify"] = (await Run("verify", signed, "--json")).Stdout,
            ["verify --summary"] = (await Run("verify", signed, "--summary", "--json")).Stdout,
            ["identity show"] = (await Run("identity", "show", "--json")).Stdout,
            ["identity history"] = (await Run("identity", "history", "--json")).Stdout,
            ["trust list"] = (await Run("trust", "list", "--json")).Stdout,
            ["consent show"] = (await Run("consent", "show", "--json")).Stdout,
            ["device list"] = (await Run("device", "list", "--json")).Stdout,
            ["device info"] = (await Run("device", "info", "--json")).Stdout,
            ["device log"] = (await Run("device", "log", "--json")).Stdout,
            ["device config"] = (await Run("device", "config", "--json")).Stdout,
            ["device attest"] = (await Run("device", "attest", "--json")).Stdout,
            ["fingerprint"] = (await Run("fingerprint", signed, "--json")).Stdout,
            ["registry add"] = (await Run("registry", "add", signed, "--json")).Stdout,
            ["registry find"] = (await Run("registry", "find", signed, "--json")).Stdout,
        };

        var problems = new List<string>();
        foreach (var (command, text) in outputs)
        {
            List<JsonElement> documents = Documents(text);
            if (documents.Count == 0) problems.Add($"{command}: no JSON on stdout");
            foreach (JsonElement document in documents)
            {
                if (document.ValueKind != JsonValueKind.Object || document.EnumerateObject().FirstOrDefault().Name != "version")
                    problems.Add($"{command}: the document does not start with \"version\": {Short(document)}");
                Walk(command, "$", document, problems);
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The facts that several commands print carry the same names and values.
        JsonElement sign = Documents(outputs["sign"])[0];
        JsonElement verified = Documents(outputs["verify"])[0].GetProperty("files")[0];
        JsonElement info = Documents(outputs["device info"])[0];
        Assert.Equal(info.GetProperty("serial").GetString(), verified.GetProperty("token").GetProperty("serial").GetString());
        Assert.Equal(sign.GetProperty("token").GetProperty("serial").GetString(), verified.GetProperty("token").GetProperty("serial").GetString());
        Assert.Equal(sign.GetProperty("token").GetProperty("counter").GetInt64(), verified.GetProperty("token").GetProperty("counter").GetInt64());
        Assert.Equal(Documents(outputs["identity show"])[0].GetProperty("fingerprint").GetString(), Documents(outputs["trust list"])[0].GetProperty("roots")[0].GetProperty("fingerprint").GetString());
        Assert.Equal(Documents(outputs["trust list"])[0].GetProperty("roots")[0].GetProperty("fingerprint").GetString(),
            verified.GetProperty("signer").GetProperty("verified").GetProperty("rootFingerprint").GetString());
        JsonElement history = Documents(outputs["identity history"])[0].GetProperty("signatures").EnumerateArray().Last();
        Assert.Equal(sign.GetProperty("token").GetProperty("counter").GetInt64() + 1, history.GetProperty("counter").GetInt64()); // watch signed after sign
    }

    /// <summary>A whole document, or JSON lines (sign and watch print one object per file).</summary>
    private static List<JsonElement> Documents(string text)
    {
        try
        {
            return [JsonDocument.Parse(text).RootElement.Clone()];
        }
        catch (JsonException)
        {
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.TrimStart().StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        }
    }

    private static void Walk(string command, string path, JsonElement element, List<string> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    string name = p.Name;
                    string where = path + "." + name;
                    // Spec-defined names are kept as the spec spells them: CAWG's `cawg.*` labels and `constraint_info`.
                    bool specName = name.Contains('.', StringComparison.Ordinal) || name == "constraint_info";
                    if (!specName && !CamelCase().IsMatch(name)) problems.Add($"{command}: {where} is not camelCase");
                    if (Aliases.Contains(name)) problems.Add($"{command}: {where} is an alias; use the name the other commands use");
                    if (name.Contains("fingerprint", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String && !Fingerprint().IsMatch(p.Value.GetString()!))
                        problems.Add($"{command}: {where} = {p.Value.GetString()} is not 64 lowercase hex digits");
                    if (name == "serial" && p.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        problems.Add($"{command}: {where} is not a string");
                    Walk(command, where, p.Value, problems);
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray()) Walk(command, path + "[" + i++ + "]", item, problems);
                break;
            case JsonValueKind.String:
                string text = element.GetString()!;
                if (LooksLikeTime().IsMatch(text) && !Rfc3339Utc().IsMatch(text)) problems.Add($"{command}: {path} = {text} is not RFC 3339 UTC (yyyy-MM-ddTHH:mm:ssZ)");
                break;
        }
    }

    private static readonly HashSet<string> Aliases = new(StringComparer.Ordinal)
    {
        "timestamp", "timeStamp", "date", "dateTime", "created", "createdAt", "sha256", "thumbprint", "serialNumber", "tokenId", "deviceSerial", "keyType",
    };

    private Task<ProvResult> Run(params string[] args) =>
        _prov.RunAsync(args, new Dictionary<string, string> { ["PROV_PASSWORD"] = Password }, TimeSpan.FromSeconds(90));

    private static string Short(JsonElement e) { string s = e.GetRawText(); return s.Length > 120 ? s[..120] + "…" : s; }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Fingerprint();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex LooksLikeTime();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex Rfc3339Utc();
}
