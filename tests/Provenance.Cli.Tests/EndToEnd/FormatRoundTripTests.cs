using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Formats;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Every embedded format as a user meets it: `prov sign` on the sample, `prov verify` says valid, exiftool reads the
/// consent from the file's own XMP, and one changed byte inside the hashed range makes it invalid.
/// </summary>
public sealed class FormatRoundTripTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("artwork.jpg", "jpeg")]
    [InlineData("artwork.png", "png")]
    [InlineData("artwork.tif", "tiff")]
    [InlineData("artwork.webp", "webp")]
    public async Task SignVerifyTamper(string sample, string format)
    {
        string signed = Path.Combine(_prov.Home, "signed-" + sample);
        ProvResult sign = await _prov.RunAsync("sign", SignVerifyTests.SamplePath(sample), "--out", signed, "--source", "tablet", "--json");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Equal(format, JsonDocument.Parse(sign.Stdout).RootElement.GetProperty("format").GetString());

        JsonElement valid = await VerifyAsync(signed, expectedExit: 0);
        Assert.Equal("valid", valid.GetProperty("verdict").GetString());
        Assert.Equal("http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation", valid.GetProperty("sourceType").GetProperty("iptc").GetString());
        Assert.Equal("notAllowed", valid.GetProperty("consent").GetProperty("cawg.ai_training").GetProperty("use").GetString());

        string? dataMining = ExifToolDataMining(signed);
        if (dataMining is not null) Assert.Equal("http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED", dataMining);

        byte[] bytes = File.ReadAllBytes(signed);
        int offset = format == "jpeg" ? SignVerifyTests.EntropyCodedByteOffset(bytes) : MiddleOfLargestHashedRange(bytes);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(signed, bytes);
        JsonElement tampered = await VerifyAsync(signed, expectedExit: 1);
        Assert.Equal("invalid", tampered.GetProperty("verdict").GetString());
        Assert.Contains("assertion.dataHash.mismatch", tampered.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    private async Task<JsonElement> VerifyAsync(string file, int expectedExit)
    {
        ProvResult verify = await _prov.RunAsync("verify", file, "--json");
        Assert.True(verify.ExitCode == expectedExit, verify.ToString());
        return JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("files")[0];
    }

    /// <summary>A byte well inside the hashed data: the middle of the longest range outside the store's exclusions.</summary>
    private static int MiddleOfLargestHashedRange(byte[] file)
    {
        using var stream = new MemoryStream(file);
        IAssetHandler handler = AssetHandlers.Default.ForStream(stream)!;
        stream.Position = 0;
        var ranges = new List<(long Start, long End)>();
        long cursor = 0;
        foreach (HashRange excluded in handler.GetStoreExclusions(stream).OrderBy(r => r.Start))
        {
            ranges.Add((cursor, excluded.Start));
            cursor = excluded.End;
        }
        ranges.Add((cursor, file.Length));
        var (start, end) = ranges.OrderByDescending(r => r.End - r.Start).First();
        return (int)((start + end) / 2);
    }

    /// <summary>exiftool's reading of XMP-plus:DataMining, or null when exiftool is not installed (CI installs it).</summary>
    private static string? ExifToolDataMining(string file)
    {
        try
        {
            var start = new ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "-s3", "-XMP-plus:DataMining", file }) start.ArgumentList.Add(arg);
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception) when (Environment.GetEnvironmentVariable("CI") != "true")
        {
            return null;
        }
    }
}
