using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Provenance.C2pa;
using Provenance.Formats;
using Provenance.Tests.C2pa;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.Verification;

/// <summary>
/// Other tools sign with ES384, ES512, PS256 or Ed25519: we take one of our signed files and replace its claim
/// signature with one made by such a key (same claim, same store size), then verify.
/// </summary>
public class OtherAlgorithmTests
{
    [Theory]
    [InlineData(CoseAlgorithms.ES384)]
    [InlineData(CoseAlgorithms.ES512)]
    [InlineData(CoseAlgorithms.PS256)]
    [InlineData(CoseAlgorithms.EdDSA)]
    public async Task SignatureWithThisAlgorithmVerifies(int alg)
    {
        using var pki = new TestPki();
        (X509Certificate2 leaf, Func<byte[], byte[]> sign) = MakeSigner(alg, pki);
        // The first signature carries a longer chain so its reserved box has room for an RSA signature and certificate.
        var roomy = new TestSigner(pki.LeafKey, [pki.Leaf, pki.Root, leaf]);
        (byte[] asset, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), roomy);
        Resign(asset, alg, leaf, pki.Root, sign);

        FileVerification report = Signing.Verify(asset, new TrustSettings { Anchors = [pki.Root] });
        Assert.True(report.Verdict == Verdict.Trusted, string.Join(", ", report.Codes) + " " + report.Reason);

        asset[ManifestSignerTests.IndexOf(asset, "Harbour"u8.ToArray(), ManifestSignerTests.IndexOf(asset, "c2pa.claim.v2"u8.ToArray(), 0))] = (byte)'h';
        Assert.Contains(ValidationCodes.ClaimSignatureMismatch, Signing.Verify(asset).Codes);
    }

    private static void Resign(byte[] asset, int alg, X509Certificate2 leaf, X509Certificate2 root, Func<byte[], byte[]> sign)
    {
        using var stream = new MemoryStream(asset);
        Manifest manifest = ManifestStore.Parse(new JpegHandler().ReadManifestStore(stream)!).Active!;
        byte[] oldCose = manifest.SignatureBytes!;
        byte[] protectedHeader = ClaimSignature.ProtectedHeader(alg, new X509Certificate2Collection { leaf, root });
        byte[] signature = sign(ClaimSignature.SigStructure("Signature1", protectedHeader, manifest.ClaimBytes!));
        byte[] cose = ClaimSignature.EncodeToLength(protectedHeader, signature, null, oldCose.Length);
        cose.CopyTo(asset, ManifestSignerTests.IndexOf(asset, oldCose, 0));
    }

    private static (X509Certificate2, Func<byte[], byte[]>) MakeSigner(int alg, TestPki pki)
    {
        switch (alg)
        {
            case CoseAlgorithms.ES384:
            case CoseAlgorithms.ES512:
                {
                    var key = ECDsa.Create(alg == CoseAlgorithms.ES384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP521);
                    HashAlgorithmName hash = alg == CoseAlgorithms.ES384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA512;
                    X509Certificate2 leaf = Issue(new CertificateRequest("CN=Other Tool EC", key, hash), pki);
                    return (leaf, tbs => key.SignData(tbs, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
                }
            case CoseAlgorithms.PS256:
                {
                    var key = RSA.Create(2048);
                    X509Certificate2 leaf = Issue(new CertificateRequest("CN=Other Tool RSA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), pki);
                    return (leaf, tbs => key.SignData(tbs, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
                }
            default:
                return Ed25519Signer(pki);
        }
    }

    private static X509Certificate2 Issue(CertificateRequest request, TestPki pki)
    {
        AddLeafExtensions(request, pki);
        return request.Create(pki.Root.SubjectName, X509SignatureGenerator.CreateForECDsa(pki.RootKey),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));
    }

    private static void AddLeafExtensions(CertificateRequest request, TestPki pki)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(pki.Root, true, false));
    }

    /// <summary>.NET cannot make Ed25519 certificates, so BouncyCastle issues this one (signed by the ECDSA root).</summary>
    private static (X509Certificate2, Func<byte[], byte[]>) Ed25519Signer(TestPki pki)
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var bcRoot = new X509CertificateParser().ReadCertificate(pki.Root.RawData);
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(DateTime.UtcNow.Ticks));
        builder.SetIssuerDN(bcRoot.SubjectDN);
        builder.SetSubjectDN(new X509Name("CN=Other Tool Ed25519"));
        builder.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        builder.SetNotAfter(DateTime.UtcNow.AddYears(1));
        builder.SetPublicKey(pair.Public);
        builder.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        builder.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        builder.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_emailProtection));
        builder.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(bcRoot));
        builder.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(pair.Public));
        ECParameters rootKey = pki.RootKey.ExportParameters(true);
        var rootPrivate = new ECPrivateKeyParameters("EC", new Org.BouncyCastle.Math.BigInteger(1, rootKey.D), Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1);
        var certificate = builder.Generate(new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory("SHA256WITHECDSA", rootPrivate));
        X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetEncoded());
        return (leaf, tbs =>
        {
            var signer = new Ed25519Signer();
            signer.Init(true, pair.Private);
            signer.BlockUpdate(tbs, 0, tbs.Length);
            return signer.GenerateSignature();
        });
    }
}
