using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Consent;
using Provenance.Formats;
using Provenance.Tests.C2pa;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.Verification;

/// <summary>
/// Hostile inputs made by hand (issue 14), the ones the forgery, format and XMP tests did not already cover: headers
/// claiming huge lengths (verified in bounded memory), lengths that overflow, nesting past any sane depth, a claim
/// signed on another curve than its algorithm names, external entities and entity expansion in XMP, zero-byte and
/// unreadable files, names with newlines. None may throw out of the verifier, none may come out valid.
/// </summary>
public sealed class HostileInputTests
{
    /// <summary>Allocation allowed for verifying a file of a few hundred bytes, whatever its headers claim: nothing is sized by a header before it is checked against the file.</summary>
    private const long AllocationBound = 16 << 20;

    private static FileVerification Verify(byte[] file, string name = "hostile")
    {
        using var stream = new MemoryStream(file, writable: false);
        return Verifier.VerifyStream(stream, name, TrustSettings.None, AssetHandlers.Default);
    }

    /// <summary>Bytes allocated by this thread while verifying (the 12 GB c2pa-rs PNG is what this bounds).</summary>
    private static (FileVerification Result, long Allocated) Measure(byte[] file)
    {
        Verify(file); // warm-up: type loading and static tables are not the file's doing
        long before = GC.GetAllocatedBytesForCurrentThread();
        FileVerification result = Verify(file);
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] Be32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    private static byte[] Le32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    /// <summary>A JUMBF manifest-store superbox header claiming <paramref name="claimed"/> bytes, followed by a few real ones.</summary>
    private static byte[] JumbClaiming(uint claimed) => [.. Be32(claimed), .. "jumb"u8, .. Be32(0x29), .. "jumd"u8, .. JumbfTypes.ManifestStore, 0x03, .. "c2pa"u8, 0];

    public static TheoryData<string> HugeLengthFiles => new()
    {
        "png-chunk-2GB", "png-cabx-4GB", "jpeg-app11-jumbf-4GB", "tiff-c2pa-tag-2G-count", "bigtiff-c2pa-tag-2^62-count",
        "webp-c2pa-chunk-4GB", "webp-riff-4GB", "bmff-uuid-2^63", "gif-c2pa-4GB",
    };

    /// <summary>Tiny files (under 200 bytes) whose headers claim gigabytes.</summary>
    private static byte[] HugeLengthFile(string name)
    {
        byte[] pngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        byte[] ihdr = [.. Be32(13), .. "IHDR"u8, .. Be32(1), .. Be32(1), 8, 0, 0, 0, 0, .. Be32(0x3A7E9B55)];
        return name switch
        {
            "png-chunk-2GB" => [.. pngSignature, .. ihdr, .. Be32(0x7FFFFFFF), .. "tEXt"u8, .. new byte[32]],
            "png-cabx-4GB" => [.. pngSignature, .. ihdr, .. Be32(0xFFFFFFF0), .. "caBX"u8, .. JumbClaiming(0xFFFFFFF0)],
            // APP11 JUMBF segment (C2PA 2.2 §A.3.3): CI "JP", instance, sequence, then a box claiming 4 GB.
            "jpeg-app11-jumbf-4GB" => [0xFF, 0xD8, 0xFF, 0xEB, 0x00, 0x30, (byte)'J', (byte)'P', 0x00, 0x01, .. Be32(1), .. JumbClaiming(0xFFFFFFFF), 0xFF, 0xD9],
            // TIFF tag 0xCD41 (C2PA), UNDEFINED, count 0x7FFFFFFF at offset 8.
            "tiff-c2pa-tag-2G-count" => [(byte)'I', (byte)'I', 42, 0, .. Le32(8), 1, 0, 0x41, 0xCD, 7, 0, .. Le32(0x7FFFFFFF), .. Le32(8), 0, 0, 0, 0],
            // BigTIFF: count 2^62 (count × size overflows a long when multiplied by 8).
            "bigtiff-c2pa-tag-2^62-count" => [(byte)'I', (byte)'I', 43, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0,
                1, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xCD, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "webp-c2pa-chunk-4GB" => [.. "RIFF"u8, .. Le32(64), .. "WEBP"u8, .. "C2PA"u8, .. Le32(0xFFFFFFF0), .. JumbClaiming(0xFFFFFFF0)],
            "webp-riff-4GB" => [.. "RIFF"u8, .. Le32(0xFFFFFFFF), .. "WEBP"u8, .. "VP8X"u8, .. Le32(10), .. new byte[10], .. "C2PA"u8, .. Le32(0x7FFFFFF0)],
            // ISO BMFF: ftyp then a 64-bit-size uuid box claiming 2^63 - 1 bytes.
            "bmff-uuid-2^63" => [.. Be32(16), .. "ftyp"u8, .. "heic"u8, .. Be32(0), .. Be32(1), .. "uuid"u8, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, .. new byte[16], .. JumbClaiming(0x7FFFFFFF)],
            // GIF application extension "C2PA_GIF" whose sub-blocks chain on past the end.
            "gif-c2pa-4GB" => [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0, 0x21, 0xFF, 11, .. "C2PA_GIF"u8, 1, 0, 0, 255, .. JumbClaiming(0xFFFFFFFF), .. new byte[200]],
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(HugeLengthFiles))]
    public void HeadersClaimingHugeLengths_AreVerifiedInBoundedMemory(string name)
    {
        byte[] file = HugeLengthFile(name);
        (FileVerification result, long allocated) = Measure(file);
        Assert.True(allocated < AllocationBound, $"{name}: verifying a {file.Length}-byte file allocated {allocated >> 20} MiB");
        Assert.True(result.Verdict is Verdict.Error or Verdict.Invalid or Verdict.Missing, $"{name}: {result.Verdict} {result.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public void ZeroByteFile_IsAnErrorSayingSo_NotAnException()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("empty.jpg");
        File.WriteAllBytes(path, []);
        FileVerification result = Verifier.VerifyFile(path, TrustSettings.None);
        Assert.Equal(Verdict.Error, result.Verdict);
        Assert.Contains("format", result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnreadableFile_IsAnErrorSayingItCannotBeOpened()
    {
        // Root reads through permission bits, so as root the unreadable file is one whose read fails (EIO).
        using TempFolder folder = TestAssets.NewFolder();
        string path;
        if (Environment.UserName == "root" || !OperatingSystem.IsLinux())
        {
            path = "/proc/self/mem";
        }
        else
        {
            path = folder.File("locked.jpg");
            File.WriteAllBytes(path, TestAssets.SmallJpeg());
            File.SetUnixFileMode(path, UnixFileMode.None);
        }
        FileVerification result = Verifier.VerifyFile(path, TrustSettings.None);
        Assert.Equal(Verdict.Error, result.Verdict);
        Assert.Contains("cannot be", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameWithNewlines_StaysOneRowInTheTextReport_AndOneStringInJson()
    {
        using var pki = new TestPki();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("harbour\nTRUSTED\tforged.jpg");
        File.WriteAllBytes(path, signed);
        FileVerification result = Verifier.VerifyFile(path, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Trusted, result.Verdict);
        Assert.Equal(path, result.File);

        var writer = new StringWriter();
        Provenance.Reporting.TextReport.Write(writer, [result]);
        string text = writer.ToString();
        Assert.DoesNotContain(text.Split('\n'), line => line.StartsWith("TRUSTED", StringComparison.Ordinal));
        string json = Provenance.Reporting.VerificationJson.Render([result]);
        Assert.Equal(path, System.Text.Json.Nodes.JsonNode.Parse(json)!["files"]![0]!["file"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(200)]
    [InlineData(100_000)]
    public void CborNestedPastAnySaneDepth_IsMalformedNotAStackOverflow(int depth)
    {
        // A claim that is `depth` nested arrays: CborNode stops at its depth limit with the typed error.
        byte[] cbor = [.. Enumerable.Repeat((byte)0x81, depth), 0x00];
        Exception e = Assert.ThrowsAny<Exception>(() => Claim.Decode(cbor, "c2pa.claim.v2"));
        Assert.True(ManifestValidator.IsMalformed(e), e.GetType().Name + ": " + e.Message);
    }

    [Theory]
    [InlineData(0x1B, 0xFF)] // byte string of 2^64 - 1 bytes
    [InlineData(0x1B, 0x7F)] // byte string of 2^63 - 1 bytes
    [InlineData(0x1A, 0xFF)] // byte string of 4 GB
    public void CborLengthsThatOverflow_AreMalformed(byte width, byte top)
    {
        // {"x": h'...'} whose byte-string header claims more than the 16-byte input holds (or than an int can count).
        var header = new List<byte> { 0xA1, 0x61, (byte)'x', (byte)(0x40 | width), top };
        header.AddRange(Enumerable.Repeat((byte)0xFF, width == 0x1B ? 7 : 3));
        Exception e = Assert.ThrowsAny<Exception>(() => CborNode.Decode(header.ToArray()));
        Assert.True(ManifestValidator.IsMalformed(e), e.GetType().Name + ": " + e.Message);
    }

    [Fact]
    public void JumbfExtendedLengthThatOverflowsAnInt_IsMalformed()
    {
        // Box length 1: the 64-bit extended length follows (ISO/IEC 19566-5); 2^63 must not wrap to a negative int.
        byte[] store = [.. Be32(1), .. "jumb"u8, 0x80, 0, 0, 0, 0, 0, 0, 0x20, .. new byte[24]];
        var e = Assert.Throws<JumbfException>(() => ManifestStore.Parse(store));
        Assert.Contains("too large", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void XmpExternalEntity_IsRefused_AndTheFileItNamesIsNeverRead()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string secret = folder.File("secret.txt");
        File.WriteAllText(secret, "SECRET-7f3a");
        string packet = $"<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file://{secret}\">]><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:plus=\"{ConsentXmp.PlusNamespace}\" plus:DataMining=\"&xxe;\"/></rdf:RDF></x:xmpmeta>";
        var read = Assert.Throws<AssetFormatException>(() => ConsentXmp.ReadDataMining(packet));
        Assert.DoesNotContain("SECRET", read.Problem, StringComparison.Ordinal);
        var kept = Assert.Throws<AssetFormatException>(() => ConsentXmp.Build(ConsentClaims.AllNotAllowed(), packet));
        Assert.DoesNotContain("SECRET", kept.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void XmpEntityExpansion_IsRefusedBeforeItExpands()
    {
        // "Billion laughs": ten levels of ten references, 10^9 copies of "lol" if expanded.
        var doctype = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) doctype.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        doctype.Append("]>");
        string packet = doctype + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">&lol9;</x:xmpmeta>";
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<AssetFormatException>(() => ConsentXmp.ReadDataMining(packet));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the entities were expanded");
    }

    public static TheoryData<int, string> CurveMismatches => new()
    {
        { CoseAlgorithms.ES256, "nistP384" },
        { CoseAlgorithms.ES384, "nistP256" },
        { CoseAlgorithms.ES256, "nistP521" },
    };

    [Theory]
    [MemberData(nameof(CurveMismatches))]
    public async Task ClaimSignedOnAnotherCurveThanItsAlgorithm_IsNeverValid(int alg, string curveName)
    {
        // RFC 9053 §2.1 / C2PA 2.2 §13.2: ES256 is ECDSA on P-256 with SHA-256, ES384 on P-384. A signature that
        // verifies only because the verifier took the curve from the certificate is not an ES256 signature.
        using var pki = new TestPki();
        ECCurve curve = curveName switch { "nistP384" => ECCurve.NamedCurves.nistP384, "nistP521" => ECCurve.NamedCurves.nistP521, _ => ECCurve.NamedCurves.nistP256 };
        using ECDsa key = ECDsa.Create(curve);
        HashAlgorithmName hash = alg == CoseAlgorithms.ES384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        var request = new CertificateRequest("CN=Other Curve, O=ProvenanceDevice Tests", key, hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.36")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(pki.Root, true, false));
        using X509Certificate2 leaf = request.Create(pki.Root.SubjectName, X509SignatureGenerator.CreateForECDsa(pki.RootKey),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));

        var roomy = new TestSigner(pki.LeafKey, [pki.Leaf, pki.Root, leaf]);
        (byte[] asset, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), roomy);
        using (var stream = new MemoryStream(asset))
        {
            Manifest manifest = ManifestStore.Parse(new JpegHandler().ReadManifestStore(stream)!).Active!;
            byte[] oldCose = manifest.SignatureBytes!;
            byte[] protectedHeader = ClaimSignature.ProtectedHeader(alg, new X509Certificate2Collection { leaf, pki.Root });
            byte[] signature = key.SignData(ClaimSignature.SigStructure("Signature1", protectedHeader, manifest.ClaimBytes!), hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            ClaimSignature.EncodeToLength(protectedHeader, signature, null, oldCose.Length).CopyTo(asset, ManifestSignerTests.IndexOf(asset, oldCose, 0));
        }

        FileVerification result = Signing.Verify(asset, new TrustSettings { Anchors = [pki.Root] });
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(ValidationCodes.SigningCredentialInvalid, result.Codes);
        Assert.Contains(result.Statuses, s => s.Explanation.Contains(CoseAlgorithms.Name(alg), StringComparison.Ordinal));
    }
}
