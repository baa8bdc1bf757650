using System;
using System.IO;
using Provenance.Formats;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

public sealed class SidecarHandlerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "prov-sidecar-" + Guid.NewGuid().ToString("N"));

    public SidecarHandlerTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void EngineFlow_LeavesTheAssetUnchanged_AndPutsTheStoreInTheSidecarStream()
    {
        byte[] asset = new byte[5000];
        new Random(3).NextBytes(asset);
        byte[] store = FakeStore(777);
        using var sidecar = new MemoryStream();
        var handler = SidecarHandler.ForStoreStream(sidecar, "image/heif");

        var (placement, copy) = Embed(handler, asset, store);

        Assert.Equal(asset, copy);
        Assert.Empty(placement.Exclusions);
        Assert.Equal(store, sidecar.ToArray());
        Assert.Equal(store, handler.ReadManifestStore(new MemoryStream(sidecar.ToArray())));
        Assert.Empty(handler.GetStoreExclusions(new MemoryStream(copy)));
        Assert.Equal("image/heif", handler.MediaType);

        byte[] tampered = (byte[])asset.Clone();
        tampered[4999] ^= 1;
        Assert.NotEqual(HashOutside(asset, placement.Exclusions), HashOutside(tampered, placement.Exclusions));
    }

    [Fact]
    public void SidecarFile_IsNamedLikeC2paRsExpects_AndWrittenAtomically()
    {
        string asset = Path.Combine(_folder, "harbour.heic");
        File.WriteAllBytes(asset, [1, 2, 3]);
        Assert.Null(SidecarHandler.ReadSidecar(asset));

        byte[] store = FakeStore(300);
        SidecarHandler.WriteSidecar(asset, store);
        SidecarHandler.WriteSidecar(asset, store);

        Assert.Equal(Path.Combine(_folder, "harbour.c2pa"), SidecarHandler.SidecarPath(asset));
        Assert.Equal(store, File.ReadAllBytes(Path.Combine(_folder, "harbour.c2pa")));
        Assert.Equal(store, SidecarHandler.ReadSidecar(asset));
        Assert.Equal(2, Directory.GetFiles(_folder).Length);
        Assert.Equal("image/heif", SidecarHandler.MediaTypeFor(asset));
    }

    [Fact]
    public void RealC2paRsStore_ReadsBackFromASidecar()
    {
        byte[] store = new PngHandler().ReadManifestStore(new MemoryStream(File.ReadAllBytes(FixturePath("pd-es256.png"))))!;
        string asset = Path.Combine(_folder, "scan.gif");
        SidecarHandler.WriteSidecar(asset, store);
        Assert.Equal(store, SidecarHandler.ReadSidecar(asset));
        Assert.True(new SidecarHandler().CanRead(store));
    }

    [Fact]
    public void MalformedSidecars_AreRefused()
    {
        var handler = new SidecarHandler();
        byte[] store = FakeStore(100);
        Assert.Contains("100", Assert.Throws<AssetFormatException>(() => handler.ReadManifestStore(new MemoryStream(store[..60]))).Problem);
        byte[] notJumbf = (byte[])store.Clone();
        notJumbf[4] = (byte)'x';
        Assert.Equal(4, Assert.Throws<AssetFormatException>(() => handler.ReadManifestStore(new MemoryStream(notJumbf))).Offset);
        Assert.Throws<AssetFormatException>(() => handler.ReadManifestStore(new MemoryStream(store[..5])));
        Assert.Null(handler.ReadManifestStore(new MemoryStream()));
    }
}
