using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Fingerprint;

namespace Provenance.Tests.Fingerprint;

public sealed class SoftBindingReaderTests
{
    private static readonly IsccImageCode Code = IsccImageCode.Parse("ISCC:EEA4IZI33A7I6PEY");

    [Fact]
    public void Reads_the_iscc_code_of_a_soft_binding()
    {
        Assert.Equal(Code, SoftBindingReader.IsccCode(ManifestWith(Assertions.SoftBinding("io.iscc.v0", Code.ToString()))));
    }

    [Fact]
    public void Other_algorithms_bad_values_and_malformed_cbor_give_no_code()
    {
        Assert.Null(SoftBindingReader.IsccCode(ManifestWith(Assertions.SoftBinding("com.example.watermark", Code.ToString()))));
        Assert.Null(SoftBindingReader.IsccCode(ManifestWith(Assertions.SoftBinding("io.iscc.v0", "ISCC:not-a-code"))));
        Assert.Null(SoftBindingReader.IsccCode(ManifestWith(Assertions.CborBox(AssertionLabels.SoftBinding, [0xA2, 0x63, 0x61]))));
        Assert.Null(SoftBindingReader.IsccCode(ManifestWith()));
    }

    [Fact]
    public void A_malformed_soft_binding_does_not_hide_a_good_second_one()
    {
        Manifest manifest = ManifestWith(
            Assertions.CborBox(AssertionLabels.SoftBinding, [0xFF, 0x00]),
            Assertions.CborBox(AssertionLabels.SoftBinding + "__1", Assertions.SoftBinding("io.iscc.v0", Code.ToString()).FirstContent()!.Data));
        Assert.Equal(Code, SoftBindingReader.IsccCode(manifest));
    }

    private static Manifest ManifestWith(params JumbfSuperBox[] assertions)
    {
        var store = new JumbfSuperBox(JumbfTypes.ManifestStore, "c2pa",
            [new JumbfSuperBox(JumbfTypes.Manifest, "urn:c2pa:fingerprint-test", [new JumbfSuperBox(JumbfTypes.AssertionStore, "c2pa.assertions", assertions)])]);
        return ManifestStore.Parse(JumbfWriter.Write(store)).Active!;
    }
}
