using System;
using System.Formats.Cbor;
using System.IO;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Fingerprint;
using Provenance.Formats;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.Fingerprint;

public sealed class SoftBindingTests
{
    [Theory]
    [InlineData("earth_apollo17.png")]
    [InlineData("mars-q70.jpg")]
    [InlineData("nikon-20221019-building-exif6.jpg")]
    public async Task Signed_images_carry_their_iscc_code_as_a_soft_binding_and_stay_valid(string fixture)
    {
        string expected = ReferenceCode(fixture);
        using var pki = new TestPki("Fingerprint Artist");
        using var input = new MemoryStream(File.ReadAllBytes(IsccFixtures.PathOf(fixture)));
        using var output = new MemoryStream();
        IAssetHandler handler = AssetHandlers.Default.ForStream(input) ?? throw new InvalidDataException(fixture);
        await new ManifestSigner().SignAsync(input, output, handler, Signing.Request(), pki.Signer());

        output.Position = 0;
        Manifest manifest = ManifestStore.Parse(handler.ReadManifestStore(output) ?? throw new InvalidDataException("no store")).Active!;
        (string alg, string value) = ReadSoftBinding(manifest.Assertion(AssertionLabels.SoftBinding) ?? throw new InvalidDataException("no soft binding"));
        Assert.Equal("io.iscc.v0", alg);
        Assert.Equal(expected, value);

        output.Position = 0;
        FileVerification verification = Verifier.VerifyStream(output, fixture, TrustSettings.None, AssetHandlers.Default);
        Assert.True(verification.Verdict == Verdict.Valid, string.Join("; ", verification.Codes));
        // Embedding the store leaves the pixels, and so the code, unchanged.
        output.Position = 0;
        Assert.Equal(expected, ImageDecoder.TryDecode(output)!.Code().ToString());
    }

    [Fact]
    public async Task A_file_that_is_no_image_gets_no_soft_binding()
    {
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("notes.txt");
        File.WriteAllText(input, "studio notes, not a picture");
        string signed = folder.File("signed.txt");
        await new ManifestSigner().SignFileAsync(input, signed, Signing.Request(), pki.Signer());
        byte[] sidecar = File.ReadAllBytes(SidecarHandler.SidecarPath(signed));
        Manifest manifest = ManifestStore.Parse(sidecar).Active!;
        Assert.NotNull(manifest.Assertion(AssertionLabels.TrainingMining));
        Assert.Null(manifest.Assertion(AssertionLabels.SoftBinding));
    }

    private static (string Alg, string Value) ReadSoftBinding(JumbfSuperBox box)
    {
        var reader = new CborReader(box.FirstContent()!.Data);
        string? alg = null, value = null;
        bool pad = false;
        int? entries = reader.ReadStartMap();
        for (int i = 0; i < entries; i++)
        {
            switch (reader.ReadTextString())
            {
                case "alg": alg = reader.ReadTextString(); break;
                case "pad": reader.ReadByteString(); pad = true; break;
                case "blocks":
                    Assert.Equal(1, reader.ReadStartArray());
                    Assert.Equal(2, reader.ReadStartMap());
                    Assert.Equal("scope", reader.ReadTextString());
                    Assert.Equal(0, reader.ReadStartMap());
                    reader.ReadEndMap();
                    Assert.Equal("value", reader.ReadTextString());
                    value = reader.ReadTextString();
                    reader.ReadEndMap();
                    reader.ReadEndArray();
                    break;
                default: reader.SkipValue(); break;
            }
        }
        reader.ReadEndMap();
        Assert.True(pad, "c2pa-rs needs the pad field");
        return (alg!, value!);
    }

    private static string ReferenceCode(string fixture)
    {
        foreach ((string file, string code, _) in IsccFixtures.Rows())
            if (file == fixture) return code;
        throw new ArgumentException("no reference code for " + fixture, nameof(fixture));
    }
}
