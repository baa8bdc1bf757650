using System;
using System.IO;
using System.Linq;
using Provenance.Consent;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

public class ConsentXmpTests
{
    private static ConsentClaims Consent(ConsentPermission training, ConsentPermission generative, ConsentPermission mining, ConsentPermission inference = ConsentPermission.NotAllowed)
    {
        var consent = new ConsentClaims();
        consent.Set(ConsentUse.AiTraining, training, training == ConsentPermission.Constrained ? "only with a written licence" : null);
        consent.Set(ConsentUse.AiGenerativeTraining, generative, generative == ConsentPermission.Constrained ? "never for style imitation" : null);
        consent.Set(ConsentUse.DataMining, mining, mining == ConsentPermission.Constrained ? "research use only" : null);
        consent.Set(ConsentUse.AiInference, inference, inference == ConsentPermission.Constrained ? "no face matching" : null);
        return consent;
    }

    [Theory]
    [InlineData(ConsentPermission.NotAllowed, ConsentPermission.NotAllowed, ConsentPermission.NotAllowed, "DMI-PROHIBITED")]
    [InlineData(ConsentPermission.NotAllowed, ConsentPermission.NotAllowed, ConsentPermission.Allowed, "DMI-PROHIBITED-AIMLTRAINING")]
    [InlineData(ConsentPermission.Allowed, ConsentPermission.NotAllowed, ConsentPermission.Allowed, "DMI-PROHIBITED-GENAIMLTRAINING")]
    [InlineData(ConsentPermission.Allowed, ConsentPermission.Allowed, ConsentPermission.Allowed, "DMI-ALLOWED")]
    [InlineData(ConsentPermission.Constrained, ConsentPermission.NotAllowed, ConsentPermission.Allowed, "DMI-PROHIBITED-SEECONSTRAINT")]
    [InlineData(ConsentPermission.Allowed, ConsentPermission.Allowed, ConsentPermission.NotAllowed, "DMI-PROHIBITED-SEECONSTRAINT")]
    [InlineData(ConsentPermission.NotAllowed, ConsentPermission.Allowed, ConsentPermission.Allowed, "DMI-PROHIBITED-SEECONSTRAINT")]
    public void PlusValue_NeverAllowsWhatTheArtistRefused(ConsentPermission training, ConsentPermission generative, ConsentPermission mining, string expected)
    {
        Assert.Equal("http://ns.useplus.org/ldf/vocab/" + expected, PlusDataMining.For(Consent(training, generative, mining)));
    }

    [Fact]
    public void Build_WritesDataMiningAndConstraints_AndReadsThemBack()
    {
        var consent = Consent(ConsentPermission.Constrained, ConsentPermission.NotAllowed, ConsentPermission.Allowed, ConsentPermission.Allowed);
        string packet = ConsentXmp.Build(consent, creator: "Ada Artist", title: "Harbour at dusk");

        Assert.StartsWith("<?xpacket begin=\"\uFEFF\"", packet);
        Assert.EndsWith("<?xpacket end=\"w\"?>", packet);
        Assert.Equal(PlusDataMining.ProhibitedSeeConstraint, ConsentXmp.ReadDataMining(packet));
        string constraints = ConsentXmp.ReadOtherConstraints(packet)!;
        Assert.Contains("AI training: allowed only under this constraint: only with a written licence", constraints);
        Assert.Contains("generative AI training: not allowed", constraints);
        Assert.Contains("AI inference: allowed", constraints);
        Assert.Contains("<rdf:li>Ada Artist</rdf:li>", packet);
        Assert.Contains("Harbour at dusk", packet);
    }

    [Fact]
    public void Build_MergesIntoAnExistingPacket_KeepingOtherProperties()
    {
        const string existing = """
            <?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"
                 xmp:CreatorTool="ScanStudio 4" plus:DataMining="http://ns.useplus.org/ldf/vocab/DMI-ALLOWED"/>
              <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
               <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© Ada</rdf:li></rdf:Alt></dc:rights>
               <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Old title</rdf:li></rdf:Alt></dc:title>
              </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """;
        string merged = ConsentXmp.Build(ConsentClaims.AllNotAllowed(), existing, title: "New title");

        Assert.Equal(PlusDataMining.Prohibited, ConsentXmp.ReadDataMining(merged));
        Assert.Contains("xmp:CreatorTool=\"ScanStudio 4\"", merged);
        Assert.Contains("© Ada", merged);
        Assert.Contains("New title", merged);
        Assert.DoesNotContain("Old title", merged);
        Assert.DoesNotContain("DMI-ALLOWED", merged);
        Assert.Equal(2, merged.Split("plus:DataMining").Length - 1); // one element: start and end tag
    }

    [Fact]
    public void Build_AcceptsABareRdfRoot()
    {
        const string bare = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:a=\"urn:a\" a:b=\"kept\"/></rdf:RDF>";
        string merged = ConsentXmp.Build(ConsentClaims.AllNotAllowed(), bare.Replace("rdf:about=\"\"", "rdf:about=\"uuid:1234\""));
        Assert.Contains("<x:xmpmeta", merged);
        Assert.Contains("a:b=\"kept\"", merged);
        Assert.Equal(2, merged.Split("rdf:about=\"uuid:1234\"").Length - 1);
        Assert.Equal(PlusDataMining.Prohibited, ConsentXmp.ReadDataMining(merged));
    }

    [Theory]
    [InlineData("<!DOCTYPE x [<!ENTITY e \"boom\">]><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">&e;</x:xmpmeta>")]
    [InlineData("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><unclosed></x:xmpmeta>")]
    [InlineData("<html/>")]
    public void HostilePackets_AreRefusedWithAssetFormatException(string packet)
    {
        var e = Assert.Throws<AssetFormatException>(() => ConsentXmp.Build(ConsentClaims.AllNotAllowed(), packet));
        Assert.Equal("xmp", e.Format);
    }

    [Fact]
    public void DeepNestingAndHugePackets_AreRefused()
    {
        string deep = string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000));
        Assert.Contains("deeper", Assert.Throws<AssetFormatException>(() => ConsentXmp.ReadDataMining(deep)).Problem);
        string huge = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" + new string(' ', ConsentXmp.MaxPacketChars) + "</x:xmpmeta>";
        Assert.Throws<AssetFormatException>(() => ConsentXmp.ReadDataMining(huge));
    }

    [RequiresToolTheory("exiftool")]
    [InlineData("png")]
    [InlineData("tiff")]
    [InlineData("bigtiff")]
    [InlineData("webp")]
    public void ExifTool_ReadsDataMining_FromEachWrittenFormat(string format)
    {
        var consent = Consent(ConsentPermission.NotAllowed, ConsentPermission.NotAllowed, ConsentPermission.Allowed);
        string xmp = ConsentXmp.Build(consent, creator: "Ada Artist");
        (IAssetHandler handler, byte[] source, string extension) = format switch
        {
            "png" => ((IAssetHandler)new PngHandler(), Png(8, 8), ".png"),
            "tiff" => (new TiffHandler(), TiffBuilder.Build(false, false, 8, 8), ".tif"),
            "bigtiff" => (new TiffHandler(), TiffBuilder.Build(true, true, 8, 8), ".tif"),
            _ => (new WebpHandler(), WebpHandlerTests.Lossless16, ".webp"),
        };
        var (_, file) = Embed(handler, source, FakeStore(256), xmp);

        using (var s = new MemoryStream(file)) Assert.Equal(PlusDataMining.ProhibitedAiMlTraining, ConsentXmp.ReadDataMining(handler.ReadXmp(s)!));

        var (exit, output, errors) = RunTool(FindTool("exiftool")!, extension, file, "-n", "-s3", "-XMP-plus:DataMining", "-XMP-dc:Creator");
        Assert.True(exit == 0, errors);
        Assert.Equal([PlusDataMining.ProhibitedAiMlTraining, "Ada Artist"], output.Trim().Split('\n'));
    }

    [RequiresToolTheory("exiftool")]
    [InlineData("png")]
    [InlineData("tiff")]
    [InlineData("webp")]
    public void XmpWrittenByExifTool_IsMergedAndKept(string format)
    {
        (IAssetHandler handler, byte[] source, string extension) = format switch
        {
            "png" => ((IAssetHandler)new PngHandler(), Png(8, 8), ".png"),
            "tiff" => (new TiffHandler(), TiffBuilder.Build(false, false, 8, 8), ".tif"),
            _ => (new WebpHandler(), WebpHandlerTests.Lossless16, ".webp"),
        };
        string exiftool = FindTool("exiftool")!;
        byte[] tagged = EditWithTool(exiftool, extension, source, "-overwrite_original", "-XMP-dc:Subject=harbour", "-XMP-xmp:CreatorTool=ScanStudio 4");
        string existing = handler.ReadXmp(new MemoryStream(tagged))!;
        Assert.Contains("ScanStudio 4", existing);

        string merged = ConsentXmp.Build(ConsentClaims.AllNotAllowed(), existing, creator: "Ada Artist");
        var (_, file) = Embed(handler, tagged, FakeStore(128), merged);

        var (exit, output, errors) = RunTool(exiftool, extension, file, "-n", "-s3", "-XMP-plus:DataMining", "-XMP-dc:Subject", "-XMP-xmp:CreatorTool", "-XMP-dc:Creator");
        Assert.True(exit == 0, errors);
        Assert.Equal([PlusDataMining.Prohibited, "harbour", "ScanStudio 4", "Ada Artist"], output.Trim().Split('\n'));
    }
}
