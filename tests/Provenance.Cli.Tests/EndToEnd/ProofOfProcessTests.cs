using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 16 as an artist and a gallery meet it, every command its own `prov` process, signing through the emulator:
/// a drawing saved in versions into a watched folder, its export verified with the whole history by prov and c2pa-rs,
/// and a history with a replaced version refused.
/// </summary>
public sealed class ProofOfProcessTests : IDisposable
{
    private static readonly Dictionary<string, string> Password = new() { ["PROV_PASSWORD"] = "correct horse battery staple" };
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly List<ChildProcess> _children = [];

    public void Dispose()
    {
        foreach (ChildProcess child in _children) child.Dispose();
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private async Task<ProvResult> Run(params string[] args)
    {
        ProvResult result = await _prov.RunAsync(args, Password, TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, string.Join(' ', args) + "\n" + result);
        return result;
    }

    private async Task<string> StartEmulatorAsync()
    {
        ChildProcess emulator = ChildProcess.StartProv(_prov.Home, "emulator", "--state", Path.Combine(_prov.Home, "emulator"), "--tcp", "0", "--auto-press");
        _children.Add(emulator);
        string line = await emulator.WaitForLineAsync(l => l.StartsWith("tcp ", StringComparison.Ordinal), Generous, "its tcp endpoint");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    }

    [Fact]
    public async Task TwentySavedVersionsInAWatchedFolderVerifyAsATwentyStepHistoryInProvAndC2paRs()
    {
        string? interop = ServeTests.FindInterop();
        bool haveC2paRs = interop is not null && Directory.Exists(Path.Combine(interop, "node_modules", "@contentauth", "c2pa-wasm"));
        Assert.False(!haveC2paRs && Environment.GetEnvironmentVariable("CI") == "true", "CI must have tests/interop/node_modules (see .ci/run)");

        string device = await StartEmulatorAsync();
        await Run("device", "init", "--device", device);
        await Run("identity", "create", "--name", "Ada Artist", "--email", "ada@example.org", "--url", "https://ada.example.org");
        await Run("identity", "enroll", "--device", device);
        string root = Path.Combine(_prov.Home, "ada-root.pem");
        await Run("identity", "export", "--out", root);
        await Run("trust", "add", root, "--name", "Ada");

        string studio = Path.Combine(_prov.Home, "studio");
        Directory.CreateDirectory(studio);
        string native = Path.Combine(studio, "heron.kra");
        string export = Path.Combine(studio, "heron.png");
        using ChildProcess watch = ChildProcess.StartProv(_prov.Home, Password,
            ["watch", studio, "--source", "tablet", "--in-place", "--history", "--settle-ms", "200", "--device", device, "--json"]);
        _children.Add(watch);
        await watch.WaitForLineAsync(l => l.StartsWith("watching", StringComparison.Ordinal) || l.Contains("\"status\"", StringComparison.Ordinal), Generous, "the watching line");

        // The drawing app saves its native file 19 times, each a modification of the last, then exports a PNG.
        for (int version = 1; version <= 19; version++)
        {
            File.WriteAllBytes(native, NativeSave(version));
            await WaitForSignedAsync(watch, native, version);
        }
        File.WriteAllBytes(export, Drawing(19));
        await WaitForSignedAsync(watch, export, null);
        watch.Kill();
        Assert.DoesNotContain(watch.Stdout.Split('\n'), l => l.Contains("\"failed\"", StringComparison.Ordinal));

        ProvResult verify = await Run("verify", export, "--json");
        JsonElement file = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("trusted", file.GetProperty("verdict").GetString());
        JsonElement process = file.GetProperty("process");
        Assert.Equal(20, process.GetProperty("versions").GetInt32());
        Assert.True(process.GetProperty("linksIntact").GetBoolean());
        Assert.True(process.GetProperty("countersIncreasing").GetBoolean());
        Assert.True(process.GetProperty("createdByToken").GetBoolean());
        Assert.True(process.GetProperty("complete").GetBoolean());
        Assert.Single(process.GetProperty("tokens").EnumerateArray());
        JsonElement[] timeline = [.. process.GetProperty("timeline").EnumerateArray()];
        Assert.Equal(20, timeline.Length);
        Assert.Equal(["c2pa.created"], Actions(timeline[0]));
        Assert.All(timeline[1..19], v => Assert.Equal(["c2pa.opened", "c2pa.drawing"], Actions(v)));
        Assert.Equal(["c2pa.opened", "c2pa.converted"], Actions(timeline[19]));
        long[] counters = [.. timeline.Select(v => v.GetProperty("counter").GetInt64())];
        Assert.Equal(counters.Order(), counters);
        Assert.Equal(counters.Length, counters.Distinct().Count());
        Assert.All(timeline, v => Assert.True(v.GetProperty("counterBound").GetBoolean()));
        Assert.Contains(file.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("does not prove who moved the pen", StringComparison.Ordinal));

        // The history lists the native work's 19 versions and the export's one.
        JsonElement history = JsonDocument.Parse((await Run("history", "--json")).Stdout).RootElement;
        Assert.Equal(19, history.GetProperty("works").EnumerateArray().Single(w => w.GetProperty("path").GetString() == native).GetProperty("versions").GetArrayLength());

        if (!haveC2paRs) return;
        JsonElement rs = await HtmlReportTests.RunNodeAsync(interop!, "c2pa-read.mjs", export, "--trust", root);
        Assert.True(rs.GetProperty("state").GetString() == "Trusted", rs.ToString());
        JsonElement store = await HtmlReportTests.RunNodeAsync(interop!, "c2pa-read.mjs", export, "--manifest");
        JsonElement manifests = store.GetProperty("manifests");
        Assert.Equal(20, manifests.EnumerateObject().Count());
        // Follow each manifest's one parentOf ingredient as c2pa-rs read it: 19 nested ingredients back to the first version.
        string? label = store.GetProperty("active_manifest").GetString();
        int steps = 0;
        while (true)
        {
            JsonElement[] ingredients = manifests.GetProperty(label!).TryGetProperty("ingredients", out JsonElement list) ? [.. list.EnumerateArray()] : [];
            if (ingredients.Length == 0) break;
            JsonElement parent = Assert.Single(ingredients);
            Assert.Equal("parentOf", parent.GetProperty("relationship").GetString());
            label = parent.GetProperty("active_manifest").GetString();
            steps++;
        }
        Assert.Equal(19, steps);
        Assert.Equal(timeline[0].GetProperty("manifest").GetString(), label);
    }

    [Fact]
    public async Task AHistoryInWhichOneVersionWasReplacedIsInvalidWithTheCodeNamingTheBrokenLink()
    {
        string device = await StartEmulatorAsync();
        await Run("device", "init", "--device", device);
        string folder = Path.Combine(_prov.Home, "sketches");
        Directory.CreateDirectory(folder);
        string sketch = Path.Combine(folder, "sketch.kra");
        for (int version = 1; version <= 3; version++)
        {
            File.WriteAllBytes(sketch, NativeSave(version));
            await Run("sign", sketch, "--in-place", "--history", "--source", "tablet", "--device", device);
        }
        string other = Path.Combine(folder, "other.kra");
        File.WriteAllBytes(other, NativeSave(42));
        await Run("sign", other, "--in-place", "--history", "--source", "tablet", "--device", device);

        ProvResult intact = await Run("verify", sketch, "--json");
        Assert.Equal(3, JsonDocument.Parse(intact.Stdout).RootElement.GetProperty("files")[0].GetProperty("process").GetProperty("versions").GetInt32());

        // Version 2's manifest in the sketch's sidecar is swapped for the other drawing's (genuinely signed by the same
        // token, relabelled as version 2): each manifest still verifies on its own, but version 3 was not made from it.
        JsonElement work = JsonDocument.Parse((await Run("history", sketch, "--json")).Stdout).RootElement.GetProperty("works")[0];
        string second = work.GetProperty("versions")[1].GetProperty("manifest").GetString()!;
        string sidecar = Path.Combine(folder, "sketch.c2pa");
        File.WriteAllBytes(sidecar, ReplaceManifest(File.ReadAllBytes(sidecar), second, File.ReadAllBytes(Path.Combine(folder, "other.c2pa"))));

        ProvResult broken = await _prov.RunAsync(["verify", sketch, "--json"], null, TimeSpan.FromSeconds(90));
        Assert.Equal(ExitCodes.Failed, broken.ExitCode);
        JsonElement file = JsonDocument.Parse(broken.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("invalid", file.GetProperty("verdict").GetString());
        Assert.Contains(file.GetProperty("status").EnumerateArray(), s =>
            s.GetProperty("code").GetString() == "ingredient.manifest.mismatch" && s.GetProperty("url").GetString() == "self#jumbf=/c2pa/" + second
            && s.GetProperty("failure").GetBoolean());
        Assert.False(file.GetProperty("process").GetProperty("linksIntact").GetBoolean());
    }

    [Fact]
    public async Task WatchingAgainSignsOnlyTheSavesMadeSinceIntoTheSignedCopiesFolder()
    {
        string folder = Path.Combine(_prov.Home, "drawings");
        Directory.CreateDirectory(folder);
        string drawing = Path.Combine(folder, "fox.png");
        File.WriteAllBytes(drawing, Drawing(1));
        string[] watchOnce = ["watch", folder, "--once", "--history", "--source", "tablet", "--json"];

        await Run(watchOnce);
        // Watch started again with nothing saved since: the file is still its latest version, not a new one.
        ProvResult again = await Run(watchOnce);
        Assert.Contains("unchanged since its latest version was signed", again.Stdout, StringComparison.Ordinal);
        File.WriteAllBytes(drawing, Drawing(2));
        await Run(watchOnce);

        JsonElement work = JsonDocument.Parse((await Run("history", drawing, "--json")).Stdout).RootElement.GetProperty("works")[0];
        Assert.Equal(2, work.GetProperty("versions").GetArrayLength());
        JsonElement file = JsonDocument.Parse((await Run("verify", Path.Combine(folder, "signed", "fox.png"), "--json")).Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal(2, file.GetProperty("process").GetProperty("versions").GetInt32());
        Assert.Equal(File.ReadAllBytes(drawing), Drawing(2));
    }

    private static string[] Actions(JsonElement version) => [.. version.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!)];

    private static async Task WaitForSignedAsync(ChildProcess watch, string path, int? version)
    {
        string file = "\"" + path + "\"";
        await watch.WaitForLineAsync(l => l.Contains("\"file\":" + file, StringComparison.Ordinal) && l.Contains("\"status\":\"signed\"", StringComparison.Ordinal)
            && (version is null || l.Contains("\"historyVersion\":" + version, StringComparison.Ordinal)), Generous, $"{Path.GetFileName(path)} version {version} signed");
    }

    /// <summary>A native save (a KRA is a ZIP; any bytes do for a sidecar): the drawing as it stands at this version.</summary>
    private static byte[] NativeSave(int version) => [.. "PK\u0003\u0004"u8.ToArray(), .. Drawing(version)];

    /// <summary>A 64×64 PNG of a drawing with <paramref name="strokes"/> strokes: each version one more than the last.</summary>
    internal static byte[] Drawing(int strokes)
    {
        const int size = 64;
        var raw = new MemoryStream();
        for (int y = 0; y < size; y++)
        {
            raw.WriteByte(0);
            for (int x = 0; x < size; x++)
            {
                bool ink = false;
                for (int k = 1; k <= strokes; k++) ink |= y == (3 * k) % size && x < 10 + 2 * k;
                raw.Write(ink ? [20, 20, 20] : [250, 245, 235]);
            }
        }
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = [0, 0, 0, size, 0, 0, 0, size, 8, 2, 0, 0, 0];
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        byte[] typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        png.Write([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
        png.Write(typeBytes);
        png.Write(data);
        uint crc = Crc32([.. typeBytes, .. data]);
        png.Write([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>The store with the manifest labelled <paramref name="label"/> replaced by another store's active manifest under that label (same-length UUID labels).</summary>
    private static byte[] ReplaceManifest(byte[] store, string label, byte[] replacement)
    {
        Manifest other = ManifestStore.Parse(replacement).Active!;
        byte[] otherBytes = JumbfWriter.Write(other.Box);
        byte[] from = System.Text.Encoding.ASCII.GetBytes(other.Label);
        byte[] to = System.Text.Encoding.ASCII.GetBytes(label);
        Assert.Equal(from.Length, to.Length);
        to.CopyTo(otherBytes, otherBytes.AsSpan().IndexOf(from));
        var root = new JumbfSuperBox(JumbfTypes.ManifestStore, "c2pa");
        foreach (Manifest manifest in ManifestStore.Parse(store).Manifests)
            root.Children.Add(JumbfReader.ReadSuperBox(manifest.Label == label ? otherBytes : JumbfWriter.Write(manifest.Box)));
        return JumbfWriter.Write(root);
    }
}
