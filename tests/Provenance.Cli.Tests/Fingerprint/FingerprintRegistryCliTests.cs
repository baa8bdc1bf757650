using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Fingerprint;

/// <summary>`prov fingerprint` and `prov registry add|find` as a user runs them, on shared/fixtures/iscc.</summary>
public sealed class FingerprintRegistryCliTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "iscc", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/fixtures/iscc/{name} not found above {AppContext.BaseDirectory}");
    }

    private static string ReferenceCode(string name) =>
        File.ReadLines(Fixture("expected.tsv")).Select(l => l.Split('\t')).First(c => c[0] == name)[1];

    [Fact]
    public async Task Fingerprint_prints_the_reference_code_and_json_with_version_first()
    {
        ProvResult plain = await _prov.RunAsync("fingerprint", Fixture("TUSCANY-border.png"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal(ReferenceCode("TUSCANY-border.png"), plain.Stdout.Trim());

        ProvResult json = await _prov.RunAsync("fingerprint", Fixture("mars-exif6.jpg"), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        JsonElement root = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("version", root.EnumerateObject().First().Name);
        Assert.Equal("io.iscc.v0", root.GetProperty("alg").GetString());
        Assert.Equal(ReferenceCode("mars-exif6.jpg"), root.GetProperty("code").GetString());

        ProvResult notImage = await _prov.RunAsync("fingerprint", Fixture("expected.tsv"));
        Assert.Equal(1, notImage.ExitCode);
        Assert.Contains("not an image", notImage.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stripped_re_encoded_copy_finds_the_registered_credentials_and_another_picture_does_not()
    {
        string work = Path.Combine(_prov.Home, "work");
        Directory.CreateDirectory(work);
        string signed = Path.Combine(work, "earth.png");
        ProvResult sign = await _prov.RunAsync("sign", Fixture("earth_apollo17.png"), "--out", signed, "--source", "scan");
        Assert.True(sign.ExitCode == 0, sign.ToString());

        ProvResult add = await _prov.RunAsync("registry", "add", signed, "--json");
        Assert.True(add.ExitCode == 0, add.ToString());
        JsonElement added = JsonDocument.Parse(add.Stdout).RootElement.GetProperty("added")[0];
        Assert.Equal("manifest", added.GetProperty("codeFrom").GetString());
        Assert.Equal(ReferenceCode("earth_apollo17.png"), added.GetProperty("code").GetString());
        string manifest = added.GetProperty("manifest").GetString()!;

        // The JPEG quality-70 copy has no credentials of its own.
        ProvResult find = await _prov.RunAsync("registry", "find", Fixture("earth_apollo17-q70.jpg"), "--json");
        Assert.True(find.ExitCode == 0, find.ToString());
        JsonElement match = Assert.Single(JsonDocument.Parse(find.Stdout).RootElement.GetProperty("matches").EnumerateArray());
        Assert.Equal(manifest, match.GetProperty("manifest").GetString());
        Assert.Equal(0, match.GetProperty("distance").GetInt32());

        ProvResult other = await _prov.RunAsync("registry", "find", Fixture("mars.png"));
        Assert.True(other.ExitCode == 1, other.ToString());
        Assert.Contains("no registered work", other.Stdout, StringComparison.Ordinal);

        // An unsigned file is not registered.
        ProvResult unsigned = await _prov.RunAsync("registry", "add", Fixture("mars.png"));
        Assert.Equal(1, unsigned.ExitCode);
        Assert.Contains("no intact credentials", unsigned.Stderr, StringComparison.Ordinal);
    }
}
