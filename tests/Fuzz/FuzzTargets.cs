using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Cli.Serve;
using Provenance.Consent;
using Provenance.Formats;
using Provenance.Reporting;
using Provenance.Verification;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Fuzz;

/// <summary>
/// The fuzz targets, one per parser of untrusted bytes. Shared (linked) by the SharpFuzz executable and by the xunit
/// replay of tests/Fuzz/corpus, so that a saved input runs exactly the code it was found with. A target returns
/// normally for any input the product handles; an exception escaping it is a finding: something that would escape
/// the verifier (or the parser's documented typed error) in `prov`.
/// </summary>
public sealed class FuzzTargets
{
    /// <summary>The targets; the first four are the format walkers, run through the whole verifier.</summary>
    public static readonly string[] Names = ["jpeg", "png", "tiff", "webp", "jumbf", "claim", "assertion", "cose", "x509", "crl", "tsa", "xmp", "frame", "serve"];

    private readonly TrustSettings _trust;
    private readonly byte[] _templateAsset;
    private readonly byte[] _templateStore;
    private readonly ParsedCoseSign1 _templateCose;
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _leaf;
    private readonly byte[] _crl;

    /// <param name="fixtures">The shared fixtures folder (…/shared/fixtures/c2pa): the template file pd-es256.jpg and its root.</param>
    public FuzzTargets(string fixtures)
    {
        X509Certificate2 fixtureRoot = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(fixtures, "pd-test-root.pem")));
        (_root, _leaf, _crl, RootKey) = FuzzPki.Create();
        // Trust the fixture's root and the fuzz root, with a CRL of the fuzz root: every trust path is reachable.
        _trust = new TrustSettings { Anchors = [fixtureRoot, _root], Crls = [_crl] };
        _templateAsset = File.ReadAllBytes(Path.Combine(fixtures, "pd-es256.jpg"));
        using var stream = new MemoryStream(_templateAsset);
        _templateStore = new JpegHandler().ReadManifestStore(stream) ?? throw new InvalidDataException("pd-es256.jpg has no manifest store");
        _templateCose = ParsedCoseSign1.Parse(ManifestStore.Parse(_templateStore).Active!.SignatureBytes!);
    }

    internal BcKey RootKey { get; }

    /// <summary>The fixture-derived template's store and COSE (for seeds).</summary>
    public byte[] TemplateStore => _templateStore;

    public ParsedCoseSign1 TemplateCose => _templateCose;

    public X509Certificate2 FuzzLeaf => _leaf;

    public byte[] FuzzCrl => _crl;

    /// <summary>Runs one input through one target.</summary>
    public void Run(string target, byte[] data)
    {
        switch (target)
        {
            case "jpeg" or "png" or "tiff" or "webp":
                Format(target, data);
                break;
            case "jumbf":
                VerifyWithStore(data);
                break;
            case "claim":
                VerifyWithStore(Replace(data, manifest => manifest.ClaimBox));
                break;
            case "assertion":
                Assertion(data);
                break;
            case "cose":
                VerifyWithStore(Replace(data, manifest => manifest.SignatureBox));
                break;
            case "tsa":
                VerifyWithStore(Replace(ClaimSignature.Encode(_templateCose.ProtectedHeaderBytes, _templateCose.Signature, data, 0), manifest => manifest.SignatureBox));
                break;
            case "x509":
                Certificate(data);
                break;
            case "crl":
                Crl(data);
                break;
            case "xmp":
                Xmp(data);
                break;
            case "frame":
                Frames(data);
                break;
            case "serve":
                Serve(data);
                break;
            default:
                throw new ArgumentException($"unknown fuzz target '{target}' (known: {string.Join(", ", Names)})", nameof(target));
        }
    }

    /// <summary>The whole verifier over the bytes as a file, then the walker's XMP and exclusion readers (signing reads them).</summary>
    private void Format(string format, byte[] data)
    {
        using var stream = new MemoryStream(data, writable: false);
        FileVerification result = Verifier.VerifyStream(stream, "fuzz." + format, _trust, AssetHandlers.Default);
        _ = VerificationJson.RenderOne(result);
        IAssetHandler handler = AssetHandlers.Default.ByName(format)!;
        if (!handler.CanRead(data.AsSpan(0, Math.Min(data.Length, AssetHandlers.SniffLength)))) return;
        try
        {
            stream.Position = 0;
            string? xmp = handler.ReadXmp(stream);
            if (xmp != null) _ = ConsentXmp.Build(ConsentClaims.AllNotAllowed(), xmp);
            stream.Position = 0;
            _ = handler.GetStoreExclusions(stream);
        }
        catch (AssetFormatException)
        {
            // The walkers' one typed error: `prov sign` reports it as "cannot be read as FORMAT".
        }
    }

    /// <summary>The verifier with the template JPEG as the asset and <paramref name="store"/> as its manifest store.</summary>
    private void VerifyWithStore(byte[] store)
    {
        using var stream = new MemoryStream(_templateAsset, writable: false);
        var handlers = new AssetHandlers().Add(new FixedStoreHandler(store));
        FileVerification result = Verifier.VerifyStream(stream, "fuzz.jpg", _trust, handlers);
        _ = VerificationJson.RenderOne(result);
        var html = new StringBuilder();
        HtmlReport.FileRows(html, result, 0);
    }

    /// <summary>First byte picks an assertion of the template's active manifest; the rest replaces its content.</summary>
    private void Assertion(byte[] data)
    {
        if (data.Length == 0) return;
        int pick = data[0];
        VerifyWithStore(Replace(data[1..], manifest =>
        {
            var boxes = manifest.AssertionStore!.Children.OfType<JumbfSuperBox>().ToList();
            return boxes[pick % boxes.Count];
        }));
    }

    /// <summary>The template store with the first content box of one superbox of the active manifest replaced.</summary>
    private byte[] Replace(byte[] content, Func<Manifest, JumbfSuperBox?> choose)
    {
        ManifestStore store = ManifestStore.Parse(_templateStore);
        Manifest active = store.Active!;
        JumbfSuperBox box = choose(active)!;
        int index = box.Children.FindIndex(child => child is JumbfContentBox);
        var replacement = new JumbfContentBox(((JumbfContentBox)box.Children[index]).Type, content);
        box.Children[index] = replacement;
        // Boxes read from the file are written back byte for byte; the changed path is written from its structure.
        store.Root.RawPayload = null;
        active.Box.RawPayload = null;
        if (active.AssertionStore != null && active.AssertionStore.Children.Contains(box)) active.AssertionStore.RawPayload = null;
        box.RawPayload = null;
        return JumbfWriter.Write(store.Root);
    }

    /// <summary>
    /// A signing certificate as the verifier treats one whose COSE signature verifies (a forger signs with the key of
    /// any certificate it makes): loaded as the validator loads x5chain, then profile, validity, CRLs and chain.
    /// </summary>
    private void Certificate(byte[] data)
    {
        X509Certificate2 leaf;
        try
        {
            leaf = X509CertificateLoader.LoadCertificate(data);
        }
        catch (CryptographicException)
        {
            return; // ManifestValidator: signingCredential.invalid, "the signing certificate cannot be read".
        }
        using (leaf)
        {
            // The checks below run only after the COSE signature verified with this certificate's key, so only a
            // certificate whose key .NET can use gets there (ManifestValidator: "the signing key cannot be used").
            // RSASSA-PSS and Ed25519 keys are read by BouncyCastle (CertificateChecks.VerifySignature), not by .NET.
            if (leaf.PublicKey.Oid.Value is not ("1.2.840.113549.1.1.10" or "1.3.101.112"))
            {
                try
                {
                    using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)leaf.GetECDsaPublicKey() ?? leaf.GetRSAPublicKey();
                    if (key == null) return;
                }
                catch (CryptographicException)
                {
                    return;
                }
            }
            AsVerifierCatches(() =>
            {
                try
                {
                    _ = CertificateChecks.VerifySignature(leaf.PublicKey.Oid.Value == "1.3.101.112" ? CoseAlgorithms.EdDSA : leaf.PublicKey.Oid.Value == "1.2.840.10045.2.1" ? CoseAlgorithms.ES256 : CoseAlgorithms.PS256, leaf, [1, 2, 3], new byte[64]);
                }
                catch (Exception e) when (e is NotSupportedException or CryptographicException)
                {
                    // ManifestValidator: algorithm.unsupported, or signingCredential.invalid ("the signing key cannot be used").
                }
                _ = CertificateChecks.ProfileProblem(leaf);
                _ = leaf.NotBefore <= leaf.NotAfter;
                _ = CertificateChecks.RevocationOf(leaf, [_root], _trust.Crls);
                _ = CertificateChecks.AnchorFor(leaf, [_root], _trust.Anchors, DateTime.UtcNow);
                _ = Identity.TokenCertificateProfile.TokenSerialOf(leaf);
            });
        }
    }

    /// <summary>A CRL from the trust store (imported by `prov trust import-crl`, read at every verification) against the fuzz leaf.</summary>
    private void Crl(byte[] data) =>
        AsVerifierCatches(() => _ = CertificateChecks.RevocationOf(_leaf, [_root], [data]));

    /// <summary>Exactly what <see cref="Verifier.VerifyStream"/> turns into a verdict around validation; anything else escapes it.</summary>
    private static void AsVerifierCatches(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e) || e is IOException || e is CryptographicException)
        {
        }
    }

    /// <summary>An XMP packet as a file carries it: read for consent and kept when signing.</summary>
    private static void Xmp(byte[] data)
    {
        string packet = Encoding.UTF8.GetString(data);
        try
        {
            _ = ConsentXmp.ReadDataMining(packet);
            _ = ConsentXmp.ReadOtherConstraints(packet);
            _ = ConsentXmp.Build(ConsentClaims.AllNotAllowed(), packet, "Ada", "Fuzz");
        }
        catch (AssetFormatException)
        {
            // The one typed error for a packet that is not XMP.
        }
    }

    /// <summary>Bytes from the wire into the token's frame decoder and message assembler (both ends use them).</summary>
    private static void Frames(byte[] data)
    {
        var decoder = new FrameDecoder();
        var assembler = new MessageAssembler();
        foreach (byte b in data)
        {
            if (decoder.Push(b) != FrameDecoder.FrameReady) continue;
            if (assembler.Add(decoder.LastFrame, MessageAssembler.MaxReplyLength) == MessageAssembler.Rejected) assembler.Reset();
        }
    }

    /// <summary>
    /// `POST /verify?name=…` without the socket: the first line is the name the browser sent, the rest the upload,
    /// verified and rendered as the page's JSON and HTML views render it.
    /// </summary>
    private void Serve(byte[] data)
    {
        int newline = Array.IndexOf(data, (byte)'\n');
        string requested = Encoding.UTF8.GetString(data, 0, newline < 0 ? data.Length : newline);
        byte[] body = newline < 0 ? [] : data[(newline + 1)..];
        if (!UploadName.TryClean(requested, out string name, out _)) return;
        _ = UploadName.OnDisk(name);
        using var stream = new MemoryStream(body, writable: false);
        FileVerification result = Verifier.VerifyStream(stream, name, _trust, AssetHandlers.Default).WithFile(name);
        _ = VerificationJson.RenderOne(result);
        var html = new StringBuilder();
        HtmlReport.FileRows(html, result, 0);
    }

    /// <summary>The JPEG handler with a given manifest store in place of the one in the file.</summary>
    private sealed class FixedStoreHandler(byte[] store) : IAssetHandler
    {
        private readonly IAssetHandler _jpeg = new JpegHandler();

        public string FormatName => _jpeg.FormatName;

        public string MediaType => _jpeg.MediaType;

        public bool CanRead(ReadOnlySpan<byte> header) => _jpeg.CanRead(header);

        public byte[]? ReadManifestStore(Stream asset) => store;

        public string? ReadXmp(Stream asset) => _jpeg.ReadXmp(asset);

        public StorePlacement WriteWithPlaceholder(Stream source, Stream destination, int storeLength, string? xmp) =>
            throw new NotSupportedException("the fuzz handler only reads");

        public void WriteStore(Stream destination, StorePlacement placement, byte[] store) =>
            throw new NotSupportedException("the fuzz handler only reads");

        public IReadOnlyList<HashRange> GetStoreExclusions(Stream asset) => _jpeg.GetStoreExclusions(asset);

        public IReadOnlyList<HashRange> GetStoreRegion(Stream asset) => _jpeg.GetStoreRegion(asset);
    }
}

/// <summary>A BouncyCastle EC key pair.</summary>
internal sealed record BcKey(ECPrivateKeyParameters Private, ECPublicKeyParameters Public);

/// <summary>
/// A fixed test PKI for the certificate and CRL targets: a root and a leaf with keys derived from fixed scalars, so a
/// CRL saved in the corpus keeps verifying under the root of the next run. Test keys only, signing nothing real.
/// </summary>
internal static class FuzzPki
{
    public static (X509Certificate2 Root, X509Certificate2 Leaf, byte[] Crl, BcKey RootKey) Create()
    {
        var curve = Org.BouncyCastle.Asn1.X9.ECNamedCurveTable.GetByName("P-256");
        var domain = new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
        BcKey Key(string seed)
        {
            var d = new BigInteger(1, SHA256.HashData(Encoding.ASCII.GetBytes(seed))).Mod(domain.N);
            return new BcKey(new ECPrivateKeyParameters(d, domain), new ECPublicKeyParameters(domain.G.Multiply(d).Normalize(), domain));
        }
        BcKey rootKey = Key("provenance-fuzz-root");
        BcKey leafKey = Key("provenance-fuzz-leaf");
        var rootName = new X509Name("CN=Provenance Fuzz Root");
        var notBefore = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var notAfter = new DateTime(2045, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var rootGen = new X509V3CertificateGenerator();
        rootGen.SetSerialNumber(BigInteger.One);
        rootGen.SetIssuerDN(rootName);
        rootGen.SetSubjectDN(rootName);
        rootGen.SetNotBefore(notBefore);
        rootGen.SetNotAfter(notAfter);
        rootGen.SetPublicKey(rootKey.Public);
        rootGen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        rootGen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        var signer = new Asn1SignatureFactory("SHA256WITHECDSA", rootKey.Private);
        Org.BouncyCastle.X509.X509Certificate root = rootGen.Generate(signer);

        var leafGen = new X509V3CertificateGenerator();
        leafGen.SetSerialNumber(BigInteger.ValueOf(2));
        leafGen.SetIssuerDN(rootName);
        leafGen.SetSubjectDN(new X509Name("CN=Provenance Fuzz Leaf,O=Fuzz"));
        leafGen.SetNotBefore(notBefore);
        leafGen.SetNotAfter(notAfter);
        leafGen.SetPublicKey(leafKey.Public);
        leafGen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        leafGen.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(new[] { new Org.BouncyCastle.Asn1.DerObjectIdentifier("1.3.6.1.5.5.7.3.36") }));
        Org.BouncyCastle.X509.X509Certificate leaf = leafGen.Generate(signer);

        var crlGen = new X509V2CrlGenerator();
        crlGen.SetIssuerDN(rootName);
        crlGen.SetThisUpdate(notBefore);
        crlGen.SetNextUpdate(notAfter);
        crlGen.AddCrlEntry(BigInteger.ValueOf(3), notBefore, CrlReason.KeyCompromise);
        byte[] crl = crlGen.Generate(signer).GetEncoded();
        return (X509CertificateLoader.LoadCertificate(root.GetEncoded()), X509CertificateLoader.LoadCertificate(leaf.GetEncoded()), crl, rootKey);
    }
}
