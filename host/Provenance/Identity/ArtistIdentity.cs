using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Provenance.IO;
using Provenance.Trust;

namespace Provenance.Identity;

/// <summary>
/// The public part of an artist's identity: a self-signed P-256 CA certificate (root.pem) that certifies the artist's tokens.
/// The root key stays in root-key.p8 (password-protected PKCS#8) and is only used through <see cref="Unlock"/>.
/// </summary>
/// <example>
/// <code>
/// var identity = ArtistIdentity.Create("Ada Lovelace", "ada@example.org", "https://ada.example.org", password, ProvPaths.Identity);
/// using UnlockedIdentity unlocked = identity.Unlock(password);
/// X509Certificate2 tokenCertificate = await TokenEnrollment.EnrollAsync(token, unlocked);
/// </code>
/// </example>
public sealed class ArtistIdentity
{
    /// <summary>The root certificate, PEM.</summary>
    public const string RootCertificateFile = "root.pem";

    /// <summary>The root key: PKCS#8 EncryptedPrivateKeyInfo, PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), PEM.</summary>
    public const string RootKeyFile = "root-key.p8";

    /// <summary>The development identity's key: unencrypted, labelled as such (see <see cref="DevelopmentIdentity"/>).</summary>
    public const string DevelopmentKeyFile = "root-key.development-unencrypted.pem";

    /// <summary>Issued token certificates, tokens/&lt;serial&gt;.pem.</summary>
    public const string TokensFolder = "tokens";

    /// <summary>The last CRL issued, DER.</summary>
    public const string CrlFile = "root.crl";

    /// <summary>PBKDF2 iterations protecting the root key (OWASP 2023 guidance for PBKDF2-HMAC-SHA256).</summary>
    public const int KeyDerivationIterations = 600_000;

    /// <summary>The fewest PBKDF2 iterations <see cref="Create"/> accepts.</summary>
    public const int MinKeyDerivationIterations = 10_000;

    /// <summary>How long a root certificate is valid.</summary>
    public static readonly TimeSpan RootValidity = TimeSpan.FromDays(20 * 365);

    private const long MaxPemBytes = 64 * 1024;
    private const int MinPasswordLength = 8;

    private ArtistIdentity(string directory, X509Certificate2 rootCertificate, bool isDevelopment)
    {
        Directory = directory;
        RootCertificate = rootCertificate;
        IsDevelopment = isDevelopment;
        Name = TokenCertificateProfile.ReadAttribute(rootCertificate.SubjectName, "2.5.4.3") ?? rootCertificate.Subject;
        Email = TokenCertificateProfile.ReadAttribute(rootCertificate.SubjectName, "1.2.840.113549.1.9.1");
        Url = TokenCertificateProfile.UrlOf(rootCertificate);
        Fingerprint = CertificateFingerprint.Sha256(rootCertificate);
    }

    /// <summary>The identity folder.</summary>
    public string Directory { get; }

    /// <summary>The root certificate (public part only).</summary>
    public X509Certificate2 RootCertificate { get; }

    /// <summary>The artist's name (root subject CN).</summary>
    public string Name { get; }

    /// <summary>The artist's email (root subject E), if given.</summary>
    public string? Email { get; }

    /// <summary>The artist's web address (root subjectAltName URI), if given.</summary>
    public string? Url { get; }

    /// <summary>Lowercase hex SHA-256 of the root certificate; galleries trust the artist by it.</summary>
    public string Fingerprint { get; }

    /// <summary>True for the built-in development identity (no password, not an artist).</summary>
    public bool IsDevelopment { get; }

    /// <summary>The root certificate as PEM text.</summary>
    public string RootPem => PemEncoding.WriteString("CERTIFICATE", RootCertificate.RawData) + "\n";

    /// <summary>True when <paramref name="directory"/> holds an identity's root certificate.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, RootCertificateFile));

    /// <summary>
    /// Makes a new P-256 root key and self-signed CA certificate, and writes root.pem and root-key.p8 (encrypted with
    /// <paramref name="password"/>) into <paramref name="directory"/>. Refuses to touch an existing identity.
    /// </summary>
    /// <param name="keyDerivationIterations">PBKDF2 iterations; keep the default. Lower values (not below <see cref="MinKeyDerivationIterations"/>) exist for fast tests.</param>
    /// <exception cref="IdentityExistsException">The folder already holds an identity or a root key.</exception>
    /// <exception cref="ArgumentException">Name, email, URL or password is unusable.</exception>
    public static ArtistIdentity Create(string name, string? email, string? url, string password, string directory, int keyDerivationIterations = KeyDerivationIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinPasswordLength)
        {
            throw new ArgumentException("The password must have at least " + MinPasswordLength + " characters.", nameof(password));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(keyDerivationIterations, MinKeyDerivationIterations);
        return CreateCore(name, email, url, directory, isDevelopment: false, key =>
            key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, keyDerivationIterations)));
    }

    /// <summary>Reads the public part of the identity in <paramref name="directory"/>.</summary>
    /// <exception cref="IdentityNotFoundException">No root.pem there.</exception>
    /// <exception cref="IdentityDamagedException">root.pem is not a CA certificate we can read.</exception>
    public static ArtistIdentity Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string certificatePath = Path.Combine(directory, RootCertificateFile);
        if (!File.Exists(certificatePath))
        {
            throw new IdentityNotFoundException("No identity in " + Path.GetFullPath(directory) + " (run `prov identity create` first).");
        }

        X509Certificate2 root = ReadCertificatePem(certificatePath);
        if (root.GetECDsaPublicKey() is null)
        {
            throw new IdentityDamagedException(certificatePath + " does not hold an ECDSA root certificate.");
        }

        bool isDevelopment = File.Exists(Path.Combine(directory, DevelopmentKeyFile)) && !File.Exists(Path.Combine(directory, RootKeyFile));
        return new ArtistIdentity(directory, root, isDevelopment);
    }

    /// <summary>Decrypts the root key for issuing token certificates and CRLs. Dispose the result when done.</summary>
    /// <exception cref="WrongPasswordException">The password does not decrypt root-key.p8.</exception>
    /// <exception cref="IdentityDamagedException">The key file is missing, malformed, or belongs to another certificate.</exception>
    public UnlockedIdentity Unlock(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (IsDevelopment)
        {
            return new UnlockedIdentity(this, ReadDevelopmentKey());
        }

        string keyPath = Path.Combine(Directory, RootKeyFile);
        if (!File.Exists(keyPath))
        {
            throw new IdentityDamagedException("The root key " + keyPath + " is missing; this identity can be shown and exported but cannot enroll or revoke.");
        }

        KeyFiles.EnsurePrivate(keyPath);
        string pem = ReadBoundedText(keyPath);
        if (!PemEncoding.TryFind(pem, out PemFields fields) || pem[fields.Label] is not "ENCRYPTED PRIVATE KEY")
        {
            throw new IdentityDamagedException(keyPath + " is not a PEM ENCRYPTED PRIVATE KEY.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromEncryptedPem(pem, password);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            // PBES2 with AES-CBC cannot tell a wrong password from a damaged ciphertext; the password is by far the likelier cause.
            throw new WrongPasswordException("Wrong password for the identity key " + keyPath + ".", e);
        }

        EnsureKeyMatchesCertificate(key, keyPath);
        return new UnlockedIdentity(this, key);
    }

    /// <summary>The certificate issued to token <paramref name="tokenSerial"/>, or null when it was never enrolled here.</summary>
    public X509Certificate2? FindTokenCertificate(string tokenSerial)
    {
        if (!TokenCertificateProfile.IsWellFormedSerial(tokenSerial))
        {
            return null;
        }

        string path = TokenCertificatePath(tokenSerial);
        return File.Exists(path) ? ReadCertificatePem(path) : null;
    }

    /// <summary>The chain a signer puts in the COSE x5chain for token <paramref name="tokenSerial"/>: the token certificate, then this root.</summary>
    /// <exception cref="IdentityNotFoundException">The token was not enrolled under this identity.</exception>
    public X509Certificate2Collection GetSigningChain(string tokenSerial)
    {
        X509Certificate2 leaf = FindTokenCertificate(tokenSerial)
            ?? throw new IdentityNotFoundException("Token " + tokenSerial + " is not enrolled under " + Name + " (run `prov identity enroll`).");
        return [leaf, RootCertificate];
    }

    /// <summary>Every token certificate this identity issued, oldest first.</summary>
    public IReadOnlyList<EnrolledToken> EnrolledTokens() => IdentityLedger.Load(Directory).Enrolled;

    /// <summary>Every token certificate this identity revoked, oldest first.</summary>
    public IReadOnlyList<RevokedCertificate> RevokedCertificates() => IdentityLedger.Load(Directory).Revoked;

    internal string TokenCertificatePath(string tokenSerial) => Path.Combine(Directory, TokensFolder, tokenSerial + ".pem");

    internal string IdentityCertificatePath(string tokenSerial) => Path.Combine(Directory, TokensFolder, tokenSerial + IdentityCertificateSuffix);

    /// <summary>The artist's identity certificate issued with token <paramref name="tokenSerial"/>'s key, tokens/&lt;serial&gt;.identity.crt (PEM; not .pem, which names token certificates).</summary>
    public const string IdentityCertificateSuffix = ".identity.crt";

    /// <summary>
    /// The artist's identity certificate for the token's key (CAWG identity assertion), or null when the token was
    /// enrolled before prov issued them (re-enroll to add one) or never enrolled here.
    /// </summary>
    public X509Certificate2? FindIdentityCertificate(string tokenSerial)
    {
        if (!TokenCertificateProfile.IsWellFormedSerial(tokenSerial)) return null;
        string path = IdentityCertificatePath(tokenSerial);
        return File.Exists(path) ? ReadCertificatePem(path) : null;
    }

    internal static ArtistIdentity CreateCore(string name, string? email, string? url, string directory, bool isDevelopment, Func<ECDsa, string> exportKey)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ValidateName(name);
        ValidateEmail(email);
        ValidateUrl(url);

        string certificatePath = Path.Combine(directory, RootCertificateFile);
        foreach (string existing in new[] { certificatePath, Path.Combine(directory, RootKeyFile), Path.Combine(directory, DevelopmentKeyFile) })
        {
            if (File.Exists(existing))
            {
                throw new IdentityExistsException("An identity already exists in " + Path.GetFullPath(directory) + " (" + Path.GetFileName(existing) + "); refusing to overwrite it.");
            }
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // X500DistinguishedNameBuilder encodes the last-added RDN first; this yields "CN=..., E=..." in DER order.
        var subject = new X500DistinguishedNameBuilder();
        if (!string.IsNullOrEmpty(email))
        {
            subject.AddEmailAddress(email);
        }

        subject.AddCommonName(name);

        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var subjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        request.CertificateExtensions.Add(subjectKeyIdentifier);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier));
        if (!string.IsNullOrEmpty(url))
        {
            var alternativeNames = new SubjectAlternativeNameBuilder();
            alternativeNames.AddUri(new Uri(url));
            request.CertificateExtensions.Add(alternativeNames.Build());
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 root = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddMinutes(-5), now.Add(RootValidity), TokenCertificateProfile.RandomSerialNumber());

        string keyFile = isDevelopment ? DevelopmentKeyFile : RootKeyFile;
        // The folder holds the root key: owner-only (0700) when prov creates it.
        KeyFiles.CreatePrivateFolder(directory);
        // Key first: a crash between the two writes leaves a key without a certificate, which Create refuses to overwrite
        // and a person can inspect, rather than a certificate whose key is lost.
        try
        {
            AtomicFile.WriteText(Path.Combine(directory, keyFile), exportKey(key), overwrite: false, ownerOnly: true);
            AtomicFile.WriteText(certificatePath, PemEncoding.WriteString("CERTIFICATE", root.RawData) + "\n", overwrite: false);
        }
        catch (FileExistsException e)
        {
            throw new IdentityExistsException("An identity appeared in " + Path.GetFullPath(directory) + " while this one was being created; refusing to overwrite it (" + e.Message + ").");
        }

        return Load(directory);
    }

    internal static X509Certificate2 ReadCertificatePem(string path)
    {
        string pem = ReadBoundedText(path);
        if (!PemEncoding.TryFind(pem, out PemFields fields) || pem[fields.Label] is not "CERTIFICATE")
        {
            throw new IdentityDamagedException(path + " is not a PEM certificate.");
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data]));
        }
        catch (CryptographicException e)
        {
            throw new IdentityDamagedException(path + " holds a certificate that cannot be parsed: " + e.Message, e);
        }
    }

    private ECDsa ReadDevelopmentKey()
    {
        string keyPath = Path.Combine(Directory, DevelopmentKeyFile);
        KeyFiles.EnsurePrivate(keyPath);
        string pem = ReadBoundedText(keyPath);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new IdentityDamagedException(keyPath + " is not a readable private key: " + e.Message, e);
        }

        EnsureKeyMatchesCertificate(key, keyPath);
        return key;
    }

    private void EnsureKeyMatchesCertificate(ECDsa key, string keyPath)
    {
        using ECDsa certificateKey = RootCertificate.GetECDsaPublicKey()!;
        if (!key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(certificateKey.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            throw new IdentityDamagedException(keyPath + " does not belong to " + Path.Combine(Directory, RootCertificateFile) + ".");
        }
    }

    private static string ReadBoundedText(string path)
    {
        if (!File.Exists(path))
        {
            throw new IdentityDamagedException(path + " is missing.");
        }

        if (new FileInfo(path).Length > MaxPemBytes)
        {
            throw new IdentityDamagedException(path + " is larger than " + MaxPemBytes + " bytes; it is not a PEM key or certificate.");
        }

        return File.ReadAllText(path);
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || HasControl(name))
        {
            throw new ArgumentException("The name must be 1 to 64 printable characters.", nameof(name));
        }
    }

    private static void ValidateEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return;
        }

        int at = email.IndexOf('@', StringComparison.Ordinal);
        // PKCS#9 emailAddress is an IA5String (ASCII), at most 255 characters.
        if (email.Length > 255 || at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || !System.Text.Ascii.IsValid(email) || HasControl(email) || email.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("'" + email + "' is not an email address (ASCII, one '@').", nameof(email));
        }
    }

    private static void ValidateUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) || !System.Text.Ascii.IsValid(url))
        {
            throw new ArgumentException("'" + url + "' is not an absolute http(s) URL.", nameof(url));
        }
    }

    private static bool HasControl(string text)
    {
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
