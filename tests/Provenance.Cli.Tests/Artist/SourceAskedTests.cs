using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Artist;

/// <summary>`--source` is the artist's declaration: asked for, never assumed, until she sets a default.</summary>
public sealed class SourceAskedTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work;

    public SourceAskedTests()
    {
        _work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(_work);
    }

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task WithoutSourceOrDefaultSigningIsRefusedAndSaysHowToSetOne()
    {
        string output = Path.Combine(_work, "x.jpg");
        ProvResult refused = await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", output);
        Assert.True(refused.ExitCode == ExitCodes.Usage, refused.ToString());
        Assert.DoesNotContain('\n', refused.Stderr.Trim());
        Assert.Contains("--source", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("prov consent set --source", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        Directory.CreateDirectory(Path.Combine(_work, "scans"));
        ProvResult watch = await _prov.RunAsync("watch", Path.Combine(_work, "scans"), "--once");
        Assert.True(watch.ExitCode == ExitCodes.Usage, watch.ToString());
        Assert.Contains("--source", watch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADefaultSetOnceIsUsedAndShownAndSourceOverridesIt()
    {
        ProvResult set = await _prov.RunAsync("consent", "set", "--source", "tablet");
        Assert.True(set.ExitCode == 0, set.ToString());
        ProvResult show = await _prov.RunAsync("consent", "show", "--json");
        Assert.Equal("tablet", JsonDocument.Parse(show.Stdout).RootElement.GetProperty("defaults").GetProperty("source").GetString());

        string drawing = Path.Combine(_work, "drawing.png");
        ProvResult sign = await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.png"), "--out", drawing);
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Contains("source: tablet", sign.Stdout, StringComparison.Ordinal);
        Assert.Equal("http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation", await SourceTypeAsync(drawing));

        string photo = Path.Combine(_work, "photo.jpg");
        ProvResult camera = await _prov.RunAsync("sign", SignVerifyTests.SamplePath("artwork.jpg"), "--out", photo, "--source", "camera");
        Assert.True(camera.ExitCode == 0, camera.ToString());
        Assert.Contains("source: camera", camera.Stdout, StringComparison.Ordinal);
        Assert.Equal("http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", await SourceTypeAsync(photo));
    }

    [Fact]
    public async Task AConsentFileFromThePreviousReleaseKeepsItsChoicesAndWhatItDoesNotKnow()
    {
        // consent.json as prov wrote it before signing defaults existed: no version field.
        string path = Path.Combine(_prov.Home, "consent.json");
        File.WriteAllText(path, """
            {
              "cawg.ai_training": { "use": "allowed" },
              "cawg.ai_generative_training": { "use": "notAllowed" },
              "cawg.data_mining": { "use": "constrained", "constraint_info": "https://example.org/licence" },
              "cawg.ai_inference": { "use": "notAllowed" },
              "x-future": { "kept": true }
            }
            """);
        ProvResult set = await _prov.RunAsync("consent", "set", "--source", "scan");
        Assert.True(set.ExitCode == 0, set.ToString());

        JsonNode saved = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(2, saved["version"]!.GetValue<int>());
        Assert.Equal("allowed", saved["cawg.ai_training"]!["use"]!.GetValue<string>());
        Assert.Equal("https://example.org/licence", saved["cawg.data_mining"]!["constraint_info"]!.GetValue<string>());
        Assert.True(saved["x-future"]!["kept"]!.GetValue<bool>());
        Assert.Equal("scan", saved["defaults"]!["source"]!.GetValue<string>());
    }

    private async Task<string?> SourceTypeAsync(string file)
    {
        ProvResult verify = await _prov.RunAsync("verify", file, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        return JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0].GetProperty("sourceType").GetProperty("iptc").GetString();
    }
}
