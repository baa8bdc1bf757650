using System;
using System.Buffers.Binary;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;

namespace Provenance.Tests.C2pa;

public class JumbfTests
{
    private static JumbfSuperBox SampleStore() =>
        new(JumbfTypes.ManifestStore, "c2pa",
        [
            new JumbfSuperBox(JumbfTypes.Manifest, "urn:c2pa:1234",
            [
                new JumbfSuperBox(JumbfTypes.AssertionStore, "c2pa.assertions", [Assertions.CborBox("c2pa.test", [0xA0])]),
                new JumbfSuperBox(JumbfTypes.Claim, "c2pa.claim.v2", [new JumbfContentBox("cbor", [0xA1, 0x61, 0x61, 0x01])]),
            ]),
        ]);

    [Fact]
    public void WrittenStoreReadsBackWithLabelsTypesAndContent()
    {
        byte[] bytes = JumbfWriter.Write(SampleStore());
        JumbfSuperBox root = JumbfReader.ReadSuperBox(bytes);

        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        Assert.True(root.IsType(JumbfTypes.ManifestStore));
        JumbfSuperBox manifest = root.Child("urn:c2pa:1234")!;
        Assert.True(manifest.IsType(JumbfTypes.Manifest));
        Assert.Equal(new byte[] { 0xA1, 0x61, 0x61, 0x01 }, manifest.Child("c2pa.claim.v2")!.FirstContent()!.Data);
        Assert.Equal("cbor", manifest.Child("c2pa.assertions")!.Child("c2pa.test")!.FirstContent()!.Type);
        Assert.Equal(bytes, JumbfWriter.Write(root));
    }

    [Fact]
    public void C2paUuidsAreFourCharactersAndTheIsoSuffix()
    {
        Assert.Equal("6332706100110010800000AA00389B71", Convert.ToHexString(JumbfTypes.ManifestStore));
        Assert.Equal("6332636C00110010800000AA00389B71", Convert.ToHexString(JumbfTypes.Claim));
    }

    [Fact]
    public void ABoxLongerThanItsParentIsRejectedWithItsPath()
    {
        byte[] bytes = JumbfWriter.Write(SampleStore());
        int claim = bytes.AsSpan().IndexOf("c2pa.claim.v2"u8) + "c2pa.claim.v2".Length + 1;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(claim), 0x7FFF);

        JumbfException error = Assert.Throws<JumbfException>(() => JumbfReader.ReadSuperBox(bytes));
        Assert.Contains("c2pa.claim.v2", error.BoxPath);
        Assert.Equal(claim, error.Offset);
    }

    [Fact]
    public void TruncatedStoreIsRejected()
    {
        byte[] bytes = JumbfWriter.Write(SampleStore());
        Assert.Throws<JumbfException>(() => JumbfReader.ReadSuperBox(bytes.AsMemory(0, bytes.Length - 3)));
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRejected()
    {
        var box = new JumbfSuperBox(JumbfTypes.Cbor, "leaf");
        for (int i = 0; i < JumbfReader.MaxDepth + 2; i++) box = new JumbfSuperBox(JumbfTypes.Cbor, "level", [box]);
        JumbfException error = Assert.Throws<JumbfException>(() => JumbfReader.ReadSuperBox(JumbfWriter.Write(box)));
        Assert.Contains("deeper", error.Problem);
    }

    [Fact]
    public void LabelWithoutTerminatorIsRejected()
    {
        byte[] bytes = JumbfWriter.Write(new JumbfSuperBox(JumbfTypes.Cbor, "abc"));
        bytes[^1] = (byte)'d';
        JumbfException error = Assert.Throws<JumbfException>(() => JumbfReader.ReadSuperBox(bytes));
        Assert.Contains("NUL", error.Problem);
    }
}
