using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// `prov verify FILE --manifest` against c2pa-rs's own reader JSON for the same file (tests/interop/c2pa-read.mjs
/// --manifest): the keys a c2patool script walks, the assertion labels, and a script's answer are the same.
/// </summary>
public sealed class ManifestViewTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("artwork.jpg")]
    [InlineData("artwork.png")]
    public async Task OurManifestViewHasC2paRsKeysLabelsAndAnswers(string sample)
    {
        string? interop = ServeTests.FindInterop();
        if (interop is null || !Directory.Exists(Path.Combine(interop, "node_modules", "@contentauth", "c2pa-wasm")))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI must have tests/interop/node_modules (see .ci/run)");
            return;
        }
        string signed = Path.Combine(_prov.Home, "signed-" + sample);
        Assert.Equal(0, (await _prov.RunAsync("sign", SignVerifyTests.SamplePath(sample), "--out", signed, "--source", "scan")).ExitCode);

        ProvResult ours = await _prov.RunAsync("verify", signed, "--manifest");
        Assert.True(ours.ExitCode == 0, ours.ToString());
        JsonElement mine = JsonDocument.Parse(ours.Stdout).RootElement;
        JsonElement theirs = await HtmlReportTests.RunNodeAsync(interop, "c2pa-read.mjs", signed, "--manifest");

        Assert.Equal(Keys(theirs), Keys(mine));
        Assert.Equal(theirs.GetProperty("active_manifest").GetString(), mine.GetProperty("active_manifest").GetString());
        Assert.Equal(theirs.GetProperty("validation_state").GetString(), mine.GetProperty("validation_state").GetString());
        Assert.Equal(Codes(theirs.GetProperty("validation_status")), Codes(mine.GetProperty("validation_status")));
        foreach (JsonProperty manifest in theirs.GetProperty("manifests").EnumerateObject())
        {
            JsonElement ourManifest = mine.GetProperty("manifests").GetProperty(manifest.Name);
            Assert.Equal(Keys(manifest.Value), Keys(ourManifest));
            Assert.Equal(Labels(manifest.Value), Labels(ourManifest));
            foreach (string field in new[] { "alg", "issuer", "common_name", "cert_serial_number" })
                Assert.Equal(manifest.Value.GetProperty("signature_info").GetProperty(field).GetString(), ourManifest.GetProperty("signature_info").GetProperty(field).GetString());
        }

        // What a script written for c2patool does: the active manifest's AI-training consent and the token's counter.
        Assert.Equal(Script(theirs), Script(mine));
        Assert.StartsWith("notAllowed|", Script(mine), StringComparison.Ordinal);
    }

    private static string Script(JsonElement store)
    {
        JsonElement active = store.GetProperty("manifests").GetProperty(store.GetProperty("active_manifest").GetString()!);
        JsonElement[] assertions = [.. active.GetProperty("assertions").EnumerateArray()];
        string consent = assertions.First(a => a.GetProperty("label").GetString() == "cawg.training-mining").GetProperty("data").GetProperty("entries").GetProperty("cawg.ai_training").GetProperty("use").GetString()!;
        long counter = assertions.First(a => a.GetProperty("label").GetString() == "org.provenancedevice.token").GetProperty("data").GetProperty("counter").GetInt64();
        return $"{consent}|{counter}";
    }

    private static string[] Keys(JsonElement obj) => [.. obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    private static string[] Labels(JsonElement manifest) => [.. manifest.GetProperty("assertions").EnumerateArray().Select(a => a.GetProperty("label").GetString()!)];

    private static string[] Codes(JsonElement statuses) => [.. statuses.EnumerateArray().Select(s => s.GetProperty("code").GetString()!)];
}
