using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Identity;

/// <summary>
/// Certifies a token's key under an artist identity, after the token proves it holds the private key
/// (it signs a fresh challenge that the host verifies with the public key it reported).
/// </summary>
public static class TokenEnrollment
{
    /// <summary>Domain separation for the proof-of-possession challenge; a COSE Sig_structure starts with CBOR 0x84, never with this.</summary>
    public const string ChallengeContext = "prov-enroll-v1";

    /// <summary>Random bytes in each challenge.</summary>
    public const int NonceLength = 32;

    /// <summary>
    /// Reads INFO and the public key from <paramref name="token"/>, has it sign
    /// "prov-enroll-v1" ‖ 0x00 ‖ serial ‖ 0x00 ‖ 32 random bytes, verifies that ES256 signature, and issues the token's
    /// end-entity certificate (stored as tokens/&lt;serial&gt;.pem in the identity folder).
    /// The token asks for its button, so <paramref name="presence"/> is told when to press it.
    /// </summary>
    /// <exception cref="EnrollmentException">The token has no key, reports an unusable serial or key, or its signature does not verify.</exception>
    public static Task<X509Certificate2> EnrollAsync(IToken token, UnlockedIdentity root, IPresencePrompt? presence = null, CancellationToken cancellationToken = default) =>
        EnrollAsync(token, root, cawgIdentity: false, presence, makerRoots: null, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="makerRoots"/> (chip makers' root certificates the artist trusts, e.g. Microchip's), a
    /// secure-element token is asked for its chip's attestation, and when it verifies up to one of them for this very key the
    /// certificate records the key protection as <see cref="TokenCertificateProfile.Attested"/> instead of the token's statement.
    /// </summary>
    public static Task<X509Certificate2> EnrollAsync(IToken token, UnlockedIdentity root, IPresencePrompt? presence, IReadOnlyCollection<X509Certificate2>? makerRoots, CancellationToken cancellationToken = default) =>
        EnrollAsync(token, root, cawgIdentity: false, presence, makerRoots, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="cawgIdentity"/> the root also issues the artist's identity certificate for the
    /// same key (tokens/&lt;serial&gt;.identity.crt), and from then on `prov sign` binds her identity into every file
    /// with a `cawg.identity` assertion (Identity/README.md, "The artist's identity in every file").
    /// </summary>
    public static Task<X509Certificate2> EnrollAsync(IToken token, UnlockedIdentity root, bool cawgIdentity, IPresencePrompt? presence = null, CancellationToken cancellationToken = default) =>
        EnrollAsync(token, root, cawgIdentity, presence, makerRoots: null, cancellationToken);

    /// <summary>Enrollment with every choice: the CAWG identity certificate and the chip makers' roots for attestation.</summary>
    public static async Task<X509Certificate2> EnrollAsync(IToken token, UnlockedIdentity root, bool cawgIdentity, IPresencePrompt? presence,
        IReadOnlyCollection<X509Certificate2>? makerRoots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(root);

        TokenInfo info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        if (!TokenCertificateProfile.IsWellFormedSerial(info.Serial))
        {
            throw new EnrollmentException("The token at " + token.Endpoint + " reports an unusable serial '" + info.Serial + "' (letters, digits and '-', up to 64).");
        }

        byte[] publicKey;
        try
        {
            publicKey = await token.GetPublicKeyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!info.HasKey && e is not OperationCanceledException)
        {
            throw new EnrollmentException("Token " + info.Serial + " has no signing key yet (run `prov device init`).", e);
        }

        if (!info.HasKey)
        {
            // The embedded software token makes its key on first use; INFO now tells the truth about it.
            info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            if (!info.HasKey)
            {
                throw new EnrollmentException("Token " + info.Serial + " has no signing key yet (run `prov device init`).");
            }
        }

        // Issue 15: a revocation (in full, or from signature N on) must not be undone by certifying the same token again,
        // or a thief's later signatures would chain to the artist's root through the new certificate. The development
        // identity (names no artist, trusted by nobody) re-issues its own chain by design.
        foreach (RevokedCertificate revoked in root.Identity.IsDevelopment ? [] : root.Identity.RevokedCertificates())
        {
            if (string.Equals(revoked.TokenSerial, info.Serial, StringComparison.Ordinal))
            {
                throw new EnrollmentException("Token " + info.Serial + " was revoked on " + revoked.RevokedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                    + "; a revoked token is never certified again (enroll another token).");
            }
        }

        if (info.KeyProtection is not (TokenCertificateProfile.SecureElement or TokenCertificateProfile.Software))
        {
            throw new EnrollmentException("Token " + info.Serial + " reports an unknown key protection '" + info.KeyProtection + "'.");
        }

        using ECDsa tokenKey = ImportPublicKey(publicKey, info.Serial);

        byte[] challenge = BuildChallenge(info.Serial, RandomNumberGenerator.GetBytes(NonceLength));
        TokenSignature signature = await token.SignAsync(challenge, presence, cancellationToken).ConfigureAwait(false);
        if (signature.Signature is not { Length: 64 })
        {
            throw new EnrollmentException("Token " + info.Serial + " returned a " + (signature.Signature?.Length ?? 0) + "-byte signature; ES256 needs 64 (r‖s).");
        }

        // The token signs SHA-256(challenge); VerifyData hashes the same way, so this checks the proof of possession.
        if (!tokenKey.VerifyData(challenge, signature.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new EnrollmentException("Token " + info.Serial + " did not prove possession of its key: the challenge signature does not verify with the public key it reported.");
        }

        // The challenge used one of the token's counters: the artist's signing record keeps it, so `prov device log`
        // does not report it as a signature made elsewhere.
        Provenance.Artwork.SigningRecord.TryAdd(new Provenance.Artwork.SignatureRecord(info.Serial, signature.Counter, "enrollment", null, null,
            Convert.ToHexStringLower(signature.LogEntryHash), DateTimeOffset.UtcNow, null, CounterBound: false));

        string keyProtection = info.KeyProtection;
        if (makerRoots != null && keyProtection == TokenCertificateProfile.SecureElement)
        {
            TokenAttestation? attestation = await token.GetAttestationAsync(cancellationToken).ConfigureAwait(false);
            if (attestation != null && attestation.PublicKey.AsSpan().SequenceEqual(publicKey)
                && ChipAttestationVerifier.Verify(attestation, makerRoots, DateTimeOffset.UtcNow).Attested)
            {
                keyProtection = TokenCertificateProfile.Attested;
            }
        }

        return root.IssueTokenCertificate(info.Serial, info.Board, keyProtection, tokenKey, cawgIdentity);
    }

    /// <summary>"prov-enroll-v1" ‖ 0x00 ‖ UTF-8 serial ‖ 0x00 ‖ nonce.</summary>
    public static byte[] BuildChallenge(string serial, byte[] nonce)
    {
        ArgumentNullException.ThrowIfNull(serial);
        ArgumentNullException.ThrowIfNull(nonce);
        byte[] context = Encoding.ASCII.GetBytes(ChallengeContext);
        byte[] serialBytes = Encoding.UTF8.GetBytes(serial);
        byte[] challenge = new byte[context.Length + 1 + serialBytes.Length + 1 + nonce.Length];
        context.CopyTo(challenge, 0);
        serialBytes.CopyTo(challenge, context.Length + 1);
        nonce.CopyTo(challenge, context.Length + 1 + serialBytes.Length + 1);
        return challenge;
    }

    private static ECDsa ImportPublicKey(byte[] publicKey, string serial)
    {
        if (publicKey is not { Length: 65 } || publicKey[0] != 0x04)
        {
            throw new EnrollmentException("Token " + serial + " reported a " + (publicKey?.Length ?? 0) + "-byte public key; expected 65 bytes starting 0x04 (uncompressed P-256).");
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        };

        var key = ECDsa.Create();
        try
        {
            // ImportParameters checks that the point lies on the curve.
            key.ImportParameters(parameters);
            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new EnrollmentException("Token " + serial + " reported a public key that is not a point on P-256.", e);
        }
    }
}
