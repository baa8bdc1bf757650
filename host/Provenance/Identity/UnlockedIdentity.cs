using System;
using System.Collections.Generic;
using System.IO;
using Provenance.IO;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Provenance.Identity;

/// <summary>
/// An identity whose root key is decrypted in memory: it can certify tokens (through <see cref="TokenEnrollment"/>)
/// and sign CRLs. The key itself is never handed out. Dispose to drop it.
/// </summary>
public sealed class UnlockedIdentity : IDisposable
{
    /// <summary>How far ahead a CRL's nextUpdate lies; an artist publishes rarely, so a year.</summary>
    public static readonly TimeSpan CrlLifetime = TimeSpan.FromDays(365);

    private readonly ECDsa rootKey;
    private bool disposed;

    internal UnlockedIdentity(ArtistIdentity identity, ECDsa rootKey)
    {
        Identity = identity;
        this.rootKey = rootKey;
    }

    /// <summary>The public part of this identity.</summary>
    public ArtistIdentity Identity { get; }

    /// <summary>
    /// Revokes every certificate issued to token <paramref name="tokenSerial"/>, then issues a new CRL (number incremented)
    /// listing all revoked certificates. The CRL is also kept as root.crl in the identity folder. Returns it, DER.
    /// </summary>
    /// <exception cref="IdentityNotFoundException">No token with that serial was enrolled here.</exception>
    public byte[] Revoke(string tokenSerial) => Revoke(tokenSerial, fromCounter: null);

    /// <summary>
    /// Revokes token <paramref name="tokenSerial"/> for its signatures with counter ≥ <paramref name="fromCounter"/>
    /// (null: all of them); signatures before it stay good where the counter is the token's word (issue 15). A
    /// revocation only ever widens: an earlier limit, or a revocation of everything, is kept.
    /// </summary>
    /// <exception cref="IdentityNotFoundException">No token with that serial was enrolled here.</exception>
    public byte[] Revoke(string tokenSerial, long? fromCounter)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(tokenSerial);
        if (fromCounter is < 1) throw new ArgumentOutOfRangeException(nameof(fromCounter), "the first revoked signature counter is 1 or more");
        return IdentityLedger.Update(Identity.Directory, ledger =>
        {
            List<EnrolledToken> issued = ledger.Enrolled.FindAll(e => string.Equals(e.TokenSerial, tokenSerial, StringComparison.Ordinal));
            if (issued.Count == 0)
            {
                throw new IdentityNotFoundException("No token with serial '" + tokenSerial + "' was enrolled under " + Identity.Name + ".");
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            // The artist's identity certificate certifies the same token key: a thief must not keep signing as her.
            if (Identity.FindIdentityCertificate(tokenSerial) is { } identityCertificate)
                issued.Add(issued[^1] with { CertificateSerial = identityCertificate.SerialNumber });
            foreach (EnrolledToken certificate in issued)
            {
                int existing = ledger.Revoked.FindIndex(r => r.CertificateSerial == certificate.CertificateSerial);
                if (existing < 0)
                {
                    ledger.Revoked.Add(new RevokedCertificate(tokenSerial, certificate.CertificateSerial, now, fromCounter));
                }
                else if (ledger.Revoked[existing].FromCounter is { } earlier && (fromCounter is null || fromCounter < earlier))
                {
                    ledger.Revoked[existing] = ledger.Revoked[existing] with { FromCounter = fromCounter };
                }
            }

            return IssueCrl(ledger, now);
        });
    }

    /// <summary>Issues a fresh CRL (number incremented) listing everything revoked so far; useful to renew one before its nextUpdate.</summary>
    public byte[] IssueCrl()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return IdentityLedger.Update(Identity.Directory, ledger => IssueCrl(ledger, DateTimeOffset.UtcNow));
    }

    /// <summary>Drops the decrypted root key.</summary>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            rootKey.Dispose();
        }
    }

    /// <summary>Issues and stores the end-entity certificate of a token whose key possession was already proven.</summary>
    internal X509Certificate2 IssueTokenCertificate(string tokenSerial, string board, string keyProtection, ECDsa tokenPublicKey, bool cawgIdentity = false)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        X509Certificate2 root = Identity.RootCertificate;
        // Added most specific first: the builder encodes the last-added RDN first, giving O, OU, CN, serialNumber in DER order.
        var subject = new X500DistinguishedNameBuilder();
        subject.Add(TokenCertificateProfile.SerialNumberAttributeOid, tokenSerial, System.Formats.Asn1.UniversalTagNumber.PrintableString);
        subject.AddCommonName(TokenCertificateProfile.CommonName(Identity.Name, tokenSerial));
        subject.AddOrganizationalUnitName(keyProtection switch
        {
            TokenCertificateProfile.Attested => TokenCertificateProfile.AttestedUnit,
            TokenCertificateProfile.SecureElement => TokenCertificateProfile.SecureElementUnit,
            _ => TokenCertificateProfile.SoftwareUnit,
        });
        subject.AddOrganizationName(Identity.Name);

        var request = new CertificateRequest(subject.Build(), tokenPublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(TokenCertificateProfile.EmailProtectionOid), new Oid(TokenCertificateProfile.DocumentSigningOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(RootSubjectKeyIdentifier()));

        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset notAfter = now.Add(TokenCertificateProfile.Validity);
        if (notAfter > root.NotAfter)
        {
            notAfter = root.NotAfter;
        }

        DateTimeOffset notBefore = now.AddMinutes(-5);
        if (notBefore < root.NotBefore)
        {
            notBefore = root.NotBefore;
        }

        X509Certificate2 leaf = request.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, TokenCertificateProfile.RandomSerialNumber());

        // The identity certificate first: a token certificate on disk without it would look like an enrolment without it.
        if (cawgIdentity) IssueIdentityCertificate(tokenSerial, tokenPublicKey, notBefore, notAfter);
        AtomicFile.WriteText(Identity.TokenCertificatePath(tokenSerial), PemEncoding.WriteString("CERTIFICATE", leaf.RawData) + "\n", overwrite: true);
        IdentityLedger.Update(Identity.Directory, ledger =>
        {
            ledger.Enrolled.Add(new EnrolledToken(tokenSerial, leaf.SerialNumber, keyProtection, board, now, notAfter));
            ledger.Save(Identity.Directory);
            return ledger;
        });
        return leaf;
    }

    /// <summary>
    /// The artist's identity certificate for the CAWG identity assertion (CAWG identity 1.1 §8.2, X.509 credential):
    /// it names the artist herself (CN, e-mail, web address), not the token, and certifies the same token key as the
    /// token certificate (Identity/README.md, "The artist's identity in every file"). Stored as tokens/&lt;serial&gt;.identity.crt (PEM; not .pem, which names token certificates);
    /// revoking the token revokes it too.
    /// </summary>
    private void IssueIdentityCertificate(string tokenSerial, ECDsa tokenPublicKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var subject = new X500DistinguishedNameBuilder();
        if (Identity.Email is { Length: > 0 } email) subject.AddEmailAddress(email);
        subject.AddCommonName(Identity.Name);
        subject.AddOrganizationName(Identity.Name);
        var request = new CertificateRequest(subject.Build(), tokenPublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // CAWG identity 1.1 §8.2.4 (interim trust model): the S/MIME EKU; documentSigning as for the claim signer.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(TokenCertificateProfile.EmailProtectionOid), new Oid(TokenCertificateProfile.DocumentSigningOid)], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        bool anyName = false;
        if (Identity.Email is { Length: > 0 } mail) { names.AddEmailAddress(mail); anyName = true; }
        if (Identity.Url is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)) { names.AddUri(uri); anyName = true; }
        if (anyName) request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(RootSubjectKeyIdentifier()));
        X509Certificate2 certificate = request.Create(Identity.RootCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, TokenCertificateProfile.RandomSerialNumber());
        AtomicFile.WriteText(Identity.IdentityCertificatePath(tokenSerial), PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n", overwrite: true);
    }

    private byte[] IssueCrl(IdentityLedger ledger, DateTimeOffset now)
    {
        ledger.CrlNumber++;
        // BouncyCastle builds it because .NET's CRL builder writes no custom entry extensions (the from-counter limit).
        byte[] crl = CrlWriter.Build(Identity.RootCertificate, rootKey, ledger.Revoked, new BigInteger(ledger.CrlNumber), now, now.Add(CrlLifetime),
            RootSubjectKeyIdentifier().SubjectKeyIdentifierBytes.ToArray());

        // The ledger (with the incremented number) is saved before the CRL: a CRL number is never issued twice.
        ledger.Save(Identity.Directory);
        AtomicFile.Write(Path.Combine(Identity.Directory, ArtistIdentity.CrlFile), crl, overwrite: true);
        return crl;
    }

    private X509SubjectKeyIdentifierExtension RootSubjectKeyIdentifier()
    {
        foreach (X509Extension extension in Identity.RootCertificate.Extensions)
        {
            if (extension is X509SubjectKeyIdentifierExtension subjectKeyIdentifier)
            {
                return subjectKeyIdentifier;
            }
        }

        throw new IdentityDamagedException("The root certificate has no subjectKeyIdentifier; it was not made by prov.");
    }
}
