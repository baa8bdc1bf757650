using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;
using Provenance.C2pa;

namespace Provenance.Verification;

/// <summary>Signer certificate checks as C2PA 2.2 §14.5 and c2pa-rs apply them: profile, validity, trust, revocation.</summary>
internal static class CertificateChecks
{
    /// <summary>EKUs c2pa-rs accepts for a claim signer (its valid_eku_oids.cfg).</summary>
    public static readonly IReadOnlySet<string> AcceptedEkus = new HashSet<string>
    {
        "1.3.6.1.5.5.7.3.4",       // emailProtection
        "1.3.6.1.5.5.7.3.36",      // documentSigning
        "1.3.6.1.5.5.7.3.8",       // timeStamping
        "1.3.6.1.5.5.7.3.9",       // OCSPSigning
        "1.3.6.1.4.1.311.76.59.1.9", // Microsoft C2PA signing
        "1.3.6.1.4.1.62558.2.1",   // C2PA signing
    };

    /// <summary>The profile problem of an end-entity signing certificate, or null when it is acceptable.</summary>
    public static string? ProfileProblem(X509Certificate2 leaf)
    {
        if (leaf.Version != 3) return "the certificate is not X.509 version 3";
        bool? isCa = null;
        bool hasAki = false, keyUsageGood = false, ekuGood = false, ekuPresent = false;
        foreach (X509Extension extension in leaf.Extensions)
        {
            switch (extension)
            {
                case X509BasicConstraintsExtension basic:
                    isCa = basic.CertificateAuthority;
                    break;
                case X509KeyUsageExtension usage:
                    bool digital = usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature);
                    bool certSign = usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign);
                    if (digital && certSign) return "an end-entity certificate may not have keyCertSign";
                    keyUsageGood = digital || usage.KeyUsages.HasFlag(X509KeyUsageFlags.NonRepudiation);
                    break;
                case X509EnhancedKeyUsageExtension eku:
                    ekuPresent = true;
                    bool ocsp = false, timeStamping = false, others = false;
                    foreach (Oid oid in eku.EnhancedKeyUsages)
                    {
                        if (oid.Value == "2.5.29.37.0") return "the anyExtendedKeyUsage EKU is not allowed";
                        if (oid.Value != null && AcceptedEkus.Contains(oid.Value)) ekuGood = true;
                        if (oid.Value == "1.3.6.1.5.5.7.3.9") ocsp = true;
                        else if (oid.Value == "1.3.6.1.5.5.7.3.8") timeStamping = true;
                        else others = true;
                    }
                    if ((ocsp && timeStamping) || ((ocsp ^ timeStamping) && others)) return "the certificate mixes OCSP or time-stamping EKUs with others";
                    break;
                default:
                    if (extension.Oid?.Value == "2.5.29.35") hasAki = true;
                    break;
            }
        }
        if (isCa == true) return "the signing certificate is a CA certificate";
        if (leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData) && IsSelfSigned(leaf)) return "the signing certificate is self-signed";
        if (!ekuPresent) return "the certificate has no extended key usage";
        if (!ekuGood) return "the certificate has no EKU accepted for C2PA signing (documentSigning, emailProtection, C2PA signing)";
        if (!keyUsageGood) return "the certificate lacks the digitalSignature key usage";
        if (!hasAki) return "the certificate has no authority key identifier";
        return null;
    }

    private static bool IsSelfSigned(X509Certificate2 certificate)
    {
        try
        {
            X509Certificate bc = ReadBouncyCastle(certificate.RawData, "the signing certificate");
            bc.Verify(PublicKeyOf(bc, "the signing certificate"));
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException or CryptographicException || IsBouncyCastleParseError(e))
        {
            return false;
        }
    }

    /// <summary>
    /// What BouncyCastle throws for bytes it cannot read as a certificate, CRL or key: .NET accepts some certificates
    /// that BouncyCastle refuses (fuzzing found CertificateException, CertificateParsingException and
    /// SecurityUtilityException escaping the verifier), and its ASN.1 readers raise IOException and friends.
    /// </summary>
    internal static bool IsBouncyCastleParseError(Exception e) =>
        e is Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.Certificates.CrlException
            or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Security.GeneralSecurityException
            or System.IO.IOException or ArgumentException or InvalidCastException or InvalidOperationException or FormatException
            or OverflowException or IndexOutOfRangeException or NullReferenceException;

    /// <summary>A certificate .NET has loaded, read by BouncyCastle; throws <see cref="CryptographicException"/> naming <paramref name="what"/> when it cannot.</summary>
    private static X509Certificate ReadBouncyCastle(byte[] der, string what)
    {
        try
        {
            return new X509CertificateParser().ReadCertificate(der) ?? throw new CryptographicException(what + " is empty");
        }
        catch (Exception e) when (IsBouncyCastleParseError(e))
        {
            throw new CryptographicException($"{what} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The certificate's public key as BouncyCastle reads it; throws <see cref="CryptographicException"/> when its algorithm or encoding is unknown.</summary>
    private static Org.BouncyCastle.Crypto.AsymmetricKeyParameter PublicKeyOf(X509Certificate certificate, string what)
    {
        try
        {
            return certificate.GetPublicKey();
        }
        catch (Exception e) when (IsBouncyCastleParseError(e))
        {
            throw new CryptographicException($"the public key of {what} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>True when the leaf chains (through the x5chain intermediates) to one of the anchors.</summary>
    public static bool ChainsToAnchor(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, IReadOnlyList<X509Certificate2> anchors, DateTime verificationTime) =>
        AnchorFor(leaf, intermediates, anchors, verificationTime) != null;

    /// <summary>The anchor the leaf chains to (through the x5chain intermediates), or null when it chains to none.</summary>
    public static X509Certificate2? AnchorFor(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, IReadOnlyList<X509Certificate2> anchors, DateTime verificationTime)
    {
        if (anchors.Count == 0) return null;
        foreach (X509Certificate2 anchor in anchors)
            if (anchor.RawData.AsSpan().SequenceEqual(leaf.RawData)) return anchor;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        chain.ChainPolicy.VerificationTime = verificationTime;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        foreach (X509Certificate2 anchor in anchors) chain.ChainPolicy.CustomTrustStore.Add(anchor);
        foreach (X509Certificate2 intermediate in intermediates) chain.ChainPolicy.ExtraStore.Add(intermediate);
        if (!chain.Build(leaf)) return null;
        X509Certificate2 root = chain.ChainElements[^1].Certificate;
        foreach (X509Certificate2 anchor in anchors)
            if (anchor.RawData.AsSpan().SequenceEqual(root.RawData)) return anchor;
        return null;
    }

    /// <summary>True when a CRL whose signature verifies with the leaf's issuer lists the leaf.</summary>
    public static bool IsRevoked(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> issuers, IReadOnlyList<byte[]> crls) =>
        RevocationOf(leaf, issuers, crls).Revoked;

    /// <summary>
    /// What the CRLs whose signature verifies with the leaf's issuer say about the leaf: not listed, revoked outright,
    /// or revoked from a token counter on (issue 15). Outright wins over a limit; of several limits the lowest counts.
    /// </summary>
    public static Revocation RevocationOf(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> issuers, IReadOnlyList<byte[]> crls)
    {
        if (crls.Count == 0) return Revocation.None;
        X509Certificate bcLeaf = ReadBouncyCastle(leaf.RawData, "the signing certificate");
        var crlParser = new X509CrlParser();
        Revocation result = Revocation.None;
        foreach (byte[] der in crls)
        {
            X509Crl crl;
            try
            {
                crl = crlParser.ReadCrl(der);
            }
            catch (Exception e) when (IsBouncyCastleParseError(e))
            {
                continue; // A CRL that cannot be read says nothing (the trust store refuses such CRLs when importing them).
            }
            if (crl == null || !crl.IssuerDN.Equivalent(bcLeaf.IssuerDN)) continue;
            foreach (X509Certificate2 issuer in issuers)
            {
                X509Certificate bcIssuer;
                try
                {
                    bcIssuer = ReadBouncyCastle(issuer.RawData, "an issuer certificate");
                    if (!bcIssuer.SubjectDN.Equivalent(crl.IssuerDN)) continue;
                    crl.Verify(PublicKeyOf(bcIssuer, "an issuer certificate"));
                }
                catch (Exception e) when (e is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException or CryptographicException || IsBouncyCastleParseError(e))
                {
                    continue; // Not this issuer's CRL, or an issuer or signature that cannot be read: it revokes nothing.
                }
                if (crl.GetRevokedCertificate(bcLeaf.SerialNumber) is not { } entry) continue;
                long? from = Trust.RevocationList.FromCounterOf(entry);
                if (from is null) return Revocation.Outright;
                if (result.FromCounter is not { } lower || from < lower) result = new Revocation(true, from);
            }
        }
        return result;
    }

    /// <summary>A leaf's revocation: <see cref="FromCounter"/> is null when every signature is revoked.</summary>
    public sealed record Revocation(bool Revoked, long? FromCounter)
    {
        public static readonly Revocation None = new(false, null);
        public static readonly Revocation Outright = new(true, null);
    }

    /// <summary>RSA-PSS with MGF1 of the same hash; the salt is the hash length (RFC 8230) or, failing that, the largest possible.</summary>
    private static bool VerifyPss(X509Certificate2 leaf, byte[] toBeSigned, byte[] signature, HashAlgorithmName hash)
    {
        Org.BouncyCastle.Crypto.IDigest Digest() => hash == HashAlgorithmName.SHA256 ? new Org.BouncyCastle.Crypto.Digests.Sha256Digest()
            : hash == HashAlgorithmName.SHA384 ? new Org.BouncyCastle.Crypto.Digests.Sha384Digest() : new Org.BouncyCastle.Crypto.Digests.Sha512Digest();
        X509Certificate bc = ReadBouncyCastle(leaf.RawData, "the signing certificate");
        if (PublicKeyOf(bc, "the signing certificate") is not Org.BouncyCastle.Crypto.Parameters.RsaKeyParameters key) return false;
        int hashLength = Digest().GetDigestSize();
        int maximumSalt = (key.Modulus.BitLength - 1 + 7) / 8 - hashLength - 2;
        foreach (int salt in new[] { hashLength, maximumSalt })
        {
            if (salt < 0) continue;
            var verifier = new Org.BouncyCastle.Crypto.Signers.PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaEngine(), Digest(), salt);
            verifier.Init(false, key);
            verifier.BlockUpdate(toBeSigned, 0, toBeSigned.Length);
            try
            {
                if (verifier.VerifySignature(signature)) return true;
            }
            catch (Org.BouncyCastle.Crypto.CryptoException)
            {
                // Found by fuzzing: a signature longer or shorter than the modulus throws DataLengthException; it does not verify.
                return false;
            }
        }
        return false;
    }

    /// <summary>Verifies a COSE signature over <paramref name="toBeSigned"/> with the leaf's key.</summary>
    public static bool VerifySignature(long alg, X509Certificate2 leaf, byte[] toBeSigned, byte[] signature)
    {
        switch (alg)
        {
            case CoseAlgorithms.ES256:
            case CoseAlgorithms.ES384:
            case CoseAlgorithms.ES512:
                {
                    using ECDsa? key = leaf.GetECDsaPublicKey();
                    if (key == null) return false;
                    HashAlgorithmName hash = alg == CoseAlgorithms.ES256 ? HashAlgorithmName.SHA256 : alg == CoseAlgorithms.ES384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA512;
                    // RFC 9053 §2.1 (C2PA 2.2 §13.2 names its algorithms): ES256 is P-256, ES384 P-384, ES512 P-521. A key
                    // on another curve makes a signature that is not the one the header names (c2pa-rs refuses it too).
                    int bits = alg == CoseAlgorithms.ES256 ? 256 : alg == CoseAlgorithms.ES384 ? 384 : 521;
                    if (key.KeySize != bits)
                        throw new CryptographicException($"the signing key is on a {key.KeySize}-bit curve, but {CoseAlgorithms.Name(alg)} signatures are made on the {bits}-bit curve P-{bits}");
                    return key.VerifyData(toBeSigned, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }
            case CoseAlgorithms.PS256:
            case CoseAlgorithms.PS384:
            case CoseAlgorithms.PS512:
                {
                    // BouncyCastle, because .NET cannot load RSASSA-PSS (1.2.840.113549.1.1.10) subject keys, which C2PA signers use.
                    HashAlgorithmName hash = alg == CoseAlgorithms.PS256 ? HashAlgorithmName.SHA256 : alg == CoseAlgorithms.PS384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA512;
                    return VerifyPss(leaf, toBeSigned, signature, hash);
                }
            case CoseAlgorithms.EdDSA:
                {
                    X509Certificate bc = ReadBouncyCastle(leaf.RawData, "the signing certificate");
                    if (PublicKeyOf(bc, "the signing certificate") is not Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters key) return false;
                    var verifier = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
                    verifier.Init(false, key);
                    verifier.BlockUpdate(toBeSigned, 0, toBeSigned.Length);
                    return verifier.VerifySignature(signature);
                }
            default:
                throw new NotSupportedException($"signature algorithm {CoseAlgorithms.Name(alg)} is not supported");
        }
    }
}
