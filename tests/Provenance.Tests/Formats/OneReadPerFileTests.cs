using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.Device;
using Provenance.Formats;
using Provenance.Identity;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using Xunit.Abstractions;
using static Provenance.Tests.Formats.FormatTestSupport;

namespace Provenance.Tests.Formats;

/// <summary>
/// DESIGN.md "Performance model": signing and verifying read the input once. The bytes the system is asked for
/// (below the read buffer, through <see cref="AssetFile.UseOpener"/>) are counted for an 8 MiB file of each embedded
/// format, and of a BMP (signed into a `.c2pa` sidecar), signed with the token as `prov sign` does (claim thumbnail and
/// ISCC soft binding included: their pixels come from the same read) and verified as `prov verify` does. "tif-streamed"
/// is the TIFF with the in-memory limit lowered below its size, so its strips are sampled as the hashing copy reads
/// them (the path a 300 MB scan takes).
/// </summary>
public class OneReadPerFileTests(ITestOutputHelper log)
{
    private const int ImageBytes = 8 * 1024 * 1024;

    /// <summary>What may be read beyond the file itself: headers read again, the sniffed first bytes, a last partial buffer.</summary>
    private const long Slack = 64 * 1024;

    public static TheoryData<string> Formats => new() { "jpg", "png", "tif", "tif-streamed", "webp", "bmp" };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task SigningAndVerifyingAnEightMegabyteFile_ReadItOnce(string format)
    {
        string extension = format == "tif-streamed" ? "tif" : format;
        using TempFolder folder = TestAssets.NewFolder();
        string input = folder.File("big." + extension);
        string output = folder.File("big-signed." + extension);
        File.WriteAllBytes(input, LargeFile(extension));
        long inputLength = new FileInfo(input).Length;

        string identityFolder = folder.File("identity");
        ArtistIdentity identity = ArtistIdentity.Create("Read Once", "once@example.org", "https://once.example.org", "once-password", identityFolder, ArtistIdentity.MinKeyDerivationIterations);
        await using TokenClient token = EmbeddedToken.Open(folder.File("token"));
        using (UnlockedIdentity unlocked = identity.Unlock("once-password"))
            await TokenEnrollment.EnrollAsync(token, unlocked);

        var signReads = new ReadCounter(input);
        ArtworkSignResult signed;
        using (AssetFile.UseOpener(signReads.Open))
        using (format == "tif-streamed" ? Provenance.C2pa.SigningPixels.UseInMemoryLimit(1024 * 1024) : null)
        {
            signed = await ArtworkSigner.SignFileAsync(input, output, token, new ArtworkSignOptions { IdentityDirectory = identityFolder }, null);
        }
        long outputLength = new FileInfo(output).Length;

        var verifyReads = new ReadCounter(output);
        FileVerification verified;
        using (AssetFile.UseOpener(verifyReads.Open))
        {
            verified = Verifier.VerifyFile(output, TrustSettings.None);
        }

        log.WriteLine($"{format}: sign read {signReads.Bytes} bytes of a {inputLength}-byte file ({(double)signReads.Bytes / inputLength:0.00}x, {signReads.Opens} opens); "
            + $"verify read {verifyReads.Bytes} bytes of a {outputLength}-byte file ({(double)verifyReads.Bytes / outputLength:0.00}x, {verifyReads.Opens} opens)");
        Assert.Equal(Verdict.Valid, verified.Verdict);
        Assert.True(signed.Manifest.HashedWhileWriting, "the signed copy was read back to hash it");
        // The pixel work is part of the signature being measured: a thumbnail the verifier shows and a soft binding.
        Assert.NotNull(verified.Thumbnail);
        Assert.Equal("image/jpeg", verified.Thumbnail.MediaType);
        Assert.Contains(verified.Statuses, st => st.Url?.EndsWith("/c2pa.soft-binding", StringComparison.Ordinal) == true);
        Assert.True(signReads.Bytes <= inputLength + Slack, $"signing read {signReads.Bytes} bytes of a {inputLength}-byte {format} file");
        Assert.True(verifyReads.Bytes <= outputLength + Slack, $"verifying read {verifyReads.Bytes} bytes of a {outputLength}-byte {format} file");
    }

    /// <summary>An 8 MiB file of the format with its image data laid out as the usual writers lay it out.</summary>
    internal static byte[] LargeFile(string extension) => extension switch
    {
        "jpg" => LargeJpeg(),
        "png" => LargePng(),
        "tif" => TiffBuilder.Build(little: true, big: false, width: 2896, height: 2896),
        "webp" => LargeWebp(),
        "bmp" => LargeBmp(),
        _ => throw new ArgumentOutOfRangeException(nameof(extension)),
    };

    /// <summary>The small test JPEG with 8 MiB of zero bytes added to its entropy-coded data (structurally valid).</summary>
    private static byte[] LargeJpeg()
    {
        byte[] small = TestAssets.SmallJpeg();
        var jpeg = new byte[small.Length + ImageBytes];
        small.AsSpan(0, small.Length - 2).CopyTo(jpeg);
        jpeg[^2] = 0xFF;
        jpeg[^1] = 0xD9;
        return jpeg;
    }

    /// <summary>A PNG of noise whose zlib stream is split into 8 KiB IDAT chunks, as libpng writes them.</summary>
    private static byte[] LargePng()
    {
        const int width = 1672, height = 1672;
        var raw = new byte[height * (1 + 3 * width)];
        new Random(14).NextBytes(raw);
        for (int y = 0; y < height; y++) raw[y * (1 + 3 * width)] = 0;
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.NoCompression, leaveOpen: true)) z.Write(raw);
        byte[] idat = compressed.ToArray();

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        PngChunk(png, "IHDR", ihdr);
        for (int offset = 0; offset < idat.Length; offset += 8192)
            PngChunk(png, "IDAT", idat.AsSpan(offset, Math.Min(8192, idat.Length - offset)).ToArray());
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A lossy WebP whose VP8 chunk carries 8 MiB of frame data (the test image's frame, then zeros).</summary>
    private static byte[] LargeWebp()
    {
        byte[] small = WebpHandlerTests.Lossy16;
        int frameLength = BinaryPrimitives.ReadInt32LittleEndian(small.AsSpan(16));
        int newLength = frameLength + ImageBytes;
        var webp = new byte[20 + newLength];
        small.AsSpan(0, 20 + frameLength).CopyTo(webp);
        BinaryPrimitives.WriteInt32LittleEndian(webp.AsSpan(4), webp.Length - 8);
        BinaryPrimitives.WriteInt32LittleEndian(webp.AsSpan(16), newLength);
        return webp;
    }

    /// <summary>An uncompressed 24-bit BMP of noise (no embedded handler: signed into a sidecar; SkiaSharp decodes it).</summary>
    private static byte[] LargeBmp()
    {
        const int width = 1672, height = 1672;
        int stride = (width * 3 + 3) & ~3;
        var bmp = new byte[54 + stride * height];
        new Random(12).NextBytes(bmp.AsSpan(54));
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), stride * height);
        return bmp;
    }

    /// <summary>Opens the counted file unbuffered (the buffer sits above, as in production) and adds up what is read.</summary>
    private sealed class ReadCounter(string path)
    {
        private long _bytes;
        private int _opens;

        public long Bytes => Interlocked.Read(ref _bytes);

        public int Opens => _opens;

        public Stream Open(string opened)
        {
            var file = new FileStream(opened, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            if (!string.Equals(Path.GetFullPath(opened), Path.GetFullPath(path), StringComparison.Ordinal)) return file;
            Interlocked.Increment(ref _opens);
            return new CountingStream(file, n => Interlocked.Add(ref _bytes, n));
        }
    }

    private sealed class CountingStream(Stream inner, Action<long> counted) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            counted(n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken);
            counted(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
