using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Provenance.Cli.Tests.EndToEnd;

namespace Provenance.Cli.Tests.Artist;

/// <summary>Signing keeps what the file already says in its XMP (creators, rights) and adds ours beside it.</summary>
public sealed class KeepMetadataTests : IDisposable
{
    private static readonly Dictionary<string, string> Password = new() { ["PROV_PASSWORD"] = "correct horse battery staple" };
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private Task<ProvResult> Run(params string[] args) => _prov.RunAsync(args, Password, TimeSpan.FromSeconds(120));

    /// <summary>The sample JPEG with an APP1 XMP packet, as a photo editor writes it, right after SOI.</summary>
    private static byte[] JpegWithXmp(string packet)
    {
        byte[] jpeg = File.ReadAllBytes(SignVerifyTests.SamplePath("artwork.jpg"));
        byte[] payload = [.. Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0"), .. Encoding.UTF8.GetBytes(packet)];
        int length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }

    private static string Xmp(byte[] jpeg)
    {
        string text = Encoding.UTF8.GetString(jpeg);
        int start = text.IndexOf("<x:xmpmeta", StringComparison.Ordinal);
        int end = text.IndexOf("</x:xmpmeta>", start, StringComparison.Ordinal);
        return text[start..(end + "</x:xmpmeta>".Length)];
    }

    [Fact]
    public async Task ExistingCreatorsAndRightsAreKeptAndTheArtistIsAdded()
    {
        const string packet = """
            <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
             <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <dc:creator><rdf:Seq><rdf:li>Studio Tide (co-author)</rdf:li></rdf:Seq></dc:creator>
              <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Studio Tide, all rights reserved</rdf:li></rdf:Alt></dc:rights>
             </rdf:Description>
            </rdf:RDF></x:xmpmeta>
            <?xpacket end="w"?>
            """;
        string input = Path.Combine(_prov.Home, "harbour.jpg");
        File.WriteAllBytes(input, JpegWithXmp(packet));
        Assert.Equal(0, (await Run("identity", "create", "--name", "Ada Artist")).ExitCode);
        Assert.Equal(0, (await Run("identity", "enroll")).ExitCode);

        string signed = Path.Combine(_prov.Home, "harbour.signed.jpg");
        ProvResult sign = await Run("sign", input, "--out", signed, "--source", "scan");
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Equal(0, (await Run("verify", signed)).ExitCode);

        string xmp = Xmp(File.ReadAllBytes(signed));
        Assert.Contains("Studio Tide (co-author)", xmp, StringComparison.Ordinal);
        Assert.Contains("Ada Artist", xmp, StringComparison.Ordinal);
        Assert.Contains("© 2026 Studio Tide, all rights reserved", xmp, StringComparison.Ordinal);
        Assert.Contains("plus:DataMining", xmp, StringComparison.Ordinal);
        // The creators stay one ordered list: the existing author first, the artist added once.
        Assert.Equal(1, xmp.Split("<dc:creator").Length - 1);
        Assert.True(xmp.IndexOf("Studio Tide (co-author)", StringComparison.Ordinal) < xmp.IndexOf("Ada Artist", StringComparison.Ordinal));

        // Signing the signed file again (a new version) does not add the artist twice.
        ProvResult again = await Run("sign", signed, "--in-place", "--source", "scan");
        Assert.True(again.ExitCode == 0, again.ToString());
        string resigned = Xmp(File.ReadAllBytes(signed));
        Assert.Equal(1, resigned.Split("Ada Artist").Length - 1 - (resigned.Split("Ada Artist Root").Length - 1));
        Assert.Contains("Studio Tide (co-author)", resigned, StringComparison.Ordinal);
    }
}
