using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;

namespace Provenance.Tests.TestSupport;

/// <summary>A throw-away artist PKI: a root CA and a token leaf (digitalSignature, documentSigning EKU, AKI/SKI).</summary>
internal sealed class TestPki : IDisposable
{
    public TestPki(string artist = "Test Artist", bool selfSignedLeaf = false, DateTimeOffset? leafNotAfter = null)
    {
        RootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={artist} Root, O=ProvenanceDevice Tests", RootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var rootKeyId = new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false);
        rootRequest.CertificateExtensions.Add(rootKeyId);
        // c2pa-rs checks every certificate in x5chain for an authority key identifier, the root's too.
        rootRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(rootKeyId));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Root = rootRequest.CreateSelfSigned(now.AddYears(-1), now.AddYears(10));

        LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={artist} Token 0001, O=ProvenanceDevice Tests", LeafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.36"), new Oid("1.3.6.1.5.5.7.3.4")], false));
        leafRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(leafRequest.PublicKey, false));
        DateTimeOffset notAfter = leafNotAfter ?? now.AddYears(2);
        DateTimeOffset notBefore = notAfter < now ? notAfter.AddDays(-30) : now.AddDays(-1);
        if (selfSignedLeaf)
        {
            Leaf = leafRequest.CreateSelfSigned(notBefore, notAfter);
        }
        else
        {
            leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
            Leaf = leafRequest.Create(Root, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        }
    }

    public ECDsa RootKey { get; }
    public ECDsa LeafKey { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 Leaf { get; }

    public IClaimSigner Signer(bool includeRoot = true) => new TestSigner(LeafKey, includeRoot ? [Leaf, Root] : [Leaf]);

    /// <summary>A CRL signed by the root that lists the leaf.</summary>
    public byte[] CrlRevokingLeaf()
    {
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry(Leaf, DateTimeOffset.UtcNow.AddMinutes(-5), X509RevocationReason.KeyCompromise);
        return builder.Build(Root, 1, DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256);
    }

    public void Dispose()
    {
        RootKey.Dispose();
        LeafKey.Dispose();
    }
}

/// <summary>An <see cref="IClaimSigner"/> over a .NET ECDsa key: what the token does, on the host.</summary>
internal sealed class TestSigner(ECDsa key, X509Certificate2[] chain) : IClaimSigner
{
    public X509Certificate2Collection Chain { get; } = new(chain);

    public int Calls { get; private set; }

    public Task<byte[]> SignAsync(byte[] toBeSigned, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(key.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }
}
