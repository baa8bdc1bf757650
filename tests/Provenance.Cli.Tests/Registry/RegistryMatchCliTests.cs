using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SkiaSharp;

namespace Provenance.Cli.Tests.Registry;

/// <summary>`prov registry match FOLDER`: a gallery's duplicate check against works registered by their artists.</summary>
public sealed class RegistryMatchCliTests : IDisposable
{
    // Two artists: each prov home has its own (development) identity.
    private readonly ProvRunner _ada = ProvRunner.WithTempHome();
    private readonly ProvRunner _bob = ProvRunner.WithTempHome();

    public void Dispose()
    {
        foreach (ProvRunner p in new[] { _ada, _bob })
            try { Directory.Delete(p.Home, recursive: true); } catch (IOException) { }
    }

    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures", "iscc", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(name);
    }

    [Fact]
    public async Task Lists_submissions_matching_another_artists_registered_work_and_not_the_artists_own()
    {
        Directory.CreateDirectory(_ada.Home);
        string database = Path.Combine(_ada.Home, "gallery.db");
        string adaSigned = Path.Combine(_ada.Home, "earth.png");
        ProvResult sign = await _ada.RunAsync("sign", Fixture("earth_apollo17.png"), "--out", adaSigned, "--source", "scan");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        ProvResult add = await _ada.RunAsync("registry", "add", adaSigned, "--db", database);
        Assert.True(add.ExitCode == 0, add.ToString());

        string submissions = Path.Combine(_bob.Home, "submissions");
        Directory.CreateDirectory(submissions);
        // Bob signs Ada's picture as his own; someone else uploads a stripped, re-encoded copy; Ada submits her own
        // signed file; and an unrelated picture.
        ProvResult bobSign = await _bob.RunAsync("sign", Fixture("earth_apollo17.png"), "--out", Path.Combine(submissions, "bob-earth.png"), "--source", "scan");
        Assert.True(bobSign.ExitCode == 0, bobSign.ToString());
        using (SKBitmap picture = SKBitmap.Decode(adaSigned))
        using (SKData jpeg = picture.Encode(SKEncodedImageFormat.Jpeg, 70))
            File.WriteAllBytes(Path.Combine(submissions, "stripped.jpg"), jpeg.ToArray());
        File.Copy(adaSigned, Path.Combine(submissions, "ada-earth.png"));
        File.Copy(Fixture("mars.png"), Path.Combine(submissions, "mars.png"));

        ProvResult match = await _bob.RunAsync("registry", "match", submissions, "--db", database, "--json");
        Assert.True(match.ExitCode == 1, match.ToString());
        JsonElement root = JsonDocument.Parse(match.Stdout).RootElement;
        Assert.Equal("version", root.EnumerateObject().First().Name);
        Assert.Equal(4, root.GetProperty("images").GetInt32());
        string[] flagged = root.GetProperty("matches").EnumerateArray().Select(m => Path.GetFileName(m.GetProperty("file").GetString()!)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["bob-earth.png", "stripped.jpg"], flagged);
        JsonElement bob = root.GetProperty("matches").EnumerateArray().First(m => m.GetProperty("file").GetString()!.EndsWith("bob-earth.png", StringComparison.Ordinal));
        Assert.Equal("earth.png", bob.GetProperty("registeredFrom").GetString());
        Assert.NotEqual(bob.GetProperty("submittedBy").GetString(), bob.GetProperty("registeredBy").GetString());

        // Without the other artist's and the stripped copies, nothing is flagged.
        File.Delete(Path.Combine(submissions, "bob-earth.png"));
        File.Delete(Path.Combine(submissions, "stripped.jpg"));
        ProvResult clean = await _bob.RunAsync("registry", "match", submissions, "--db", database);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("none matches a work registered by another artist", clean.Stdout, StringComparison.Ordinal);
    }
}
