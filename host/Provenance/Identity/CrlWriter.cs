using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;
using Provenance.Trust;

namespace Provenance.Identity;

/// <summary>
/// Writes the artist's X.509 v2 CRL (RFC 5280 §5): cRLNumber, authorityKeyIdentifier, one entry per revoked token
/// certificate with reason keyCompromise and, for a token revoked from signature N on, the non-critical
/// <see cref="RevocationList.FromCounterOid"/> entry extension holding N. Signed with the root key in memory; the
/// key never leaves the <see cref="ECDsa"/> object.
/// </summary>
internal static class CrlWriter
{
    public static byte[] Build(X509Certificate2 root, ECDsa rootKey, IReadOnlyList<RevokedCertificate> revoked, System.Numerics.BigInteger number,
        DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, byte[] rootKeyIdentifier)
    {
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(new X509CertificateParser().ReadCertificate(root.RawData).SubjectDN);
        generator.SetThisUpdate(thisUpdate.UtcDateTime);
        generator.SetNextUpdate(nextUpdate.UtcDateTime);
        foreach (RevokedCertificate certificate in revoked)
        {
            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(X509Extensions.ReasonCode, false, new CrlReason(CrlReason.KeyCompromise));
            if (certificate.FromCounter is { } from)
                extensions.AddExtension(new DerObjectIdentifier(RevocationList.FromCounterOid), false, DerInteger.ValueOf(from));
            generator.AddCrlEntry(new Org.BouncyCastle.Math.BigInteger(1, Convert.FromHexString(certificate.CertificateSerial)),
                certificate.RevokedAt.UtcDateTime, extensions.Generate());
        }
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(new Org.BouncyCastle.Math.BigInteger(number.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(rootKeyIdentifier));
        return generator.Generate(new EcdsaSha256Factory(rootKey)).GetEncoded();
    }

    /// <summary>ecdsa-with-SHA256 through .NET's ECDsa, so BouncyCastle never holds the private key.</summary>
    private sealed class EcdsaSha256Factory(ECDsa key) : ISignatureFactory
    {
        public object AlgorithmDetails { get; } = new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256);

        public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(key);

        private sealed class Calculator(ECDsa key) : IStreamCalculator<IBlockResult>
        {
            private readonly MemoryStream buffer = new();

            public Stream Stream => buffer;

            public IBlockResult GetResult() =>
                new SimpleBlockResult(key.SignData(buffer.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
    }
}
