using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Artwork;

/// <summary>What the token did for another C2PA tool: the raw ES256 signature and the counter value it consumed.</summary>
public sealed record ExternalSignature(byte[] Signature, string TokenSerial, long Counter, byte[] LogEntryHash);

/// <summary>
/// The token as a signer for other C2PA tools (c2patool's <c>--signer-path</c>, c2pa-rs callback signers): the tool
/// builds the claim and its COSE Sig_structure, the token signs those bytes and nothing else. The tool's claim does
/// not carry our counter binding (firmware/PROTOCOL.md, "Signatures for other tools"), so such a signature has no
/// counter that the token vouches for: verifiers count it as made after any revocation of the token (issue 15).
/// </summary>
public static class ExternalToolSigner
{
    /// <summary>The most to-be-signed bytes the token takes in one SIGN (PROTOCOL.md, "SIGN": 8192 − 6 header bytes).</summary>
    public const int MaxToBeSigned = MessageAssembler.MaxRequestLength - SignRequest.HeaderLength;

    /// <summary>The only algorithm the token has: ECDSA P-256 with SHA-256 (COSE ES256).</summary>
    public const string Algorithm = "es256";

    /// <summary>
    /// The certificate chain, leaf first, that certifies this token's key: the artist's enrolled certificate (refused
    /// when she revoked it), else the development identity's (which enrolls the token on first use, with one press).
    /// </summary>
    /// <exception cref="InvalidOperationException">The token is locked, has no key, or was reset since enrolment.</exception>
    /// <exception cref="TokenRevokedException">The artist revoked this token.</exception>
    public static async Task<X509Certificate2Collection> ChainAsync(IToken token, ArtworkSignOptions options, IPresencePrompt? presence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(options);
        TokenInfo info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        if (info.Locked) throw new InvalidOperationException($"token {info.Serial} is locked after too many wrong PINs; only 'prov device reset' unlocks it (and destroys its key)");
        if (!info.HasKey) throw new InvalidOperationException($"token {info.Serial} has no signing key yet; run 'prov device init' first");
        var (chain, _, _) = await ArtworkSigner.ResolveChainAsync(token, info, options, presence, cancellationToken).ConfigureAwait(false);
        return chain;
    }

    /// <summary>
    /// Has the token sign <paramref name="toBeSigned"/> as they are (an unbound SIGN: one press unless this host
    /// session has a signing session open, one counter value, one log entry) and checks the signature with the
    /// certificate's key before anything leaves this process.
    /// </summary>
    /// <param name="toBeSigned">The bytes the tool asks to have signed (for c2pa-rs, the COSE Sig_structure).</param>
    /// <param name="chain">From <see cref="ChainAsync"/>.</param>
    /// <param name="signCert">The certificate the tool will put in x5chain (its manifest's <c>sign_cert</c>), or null when it did not say.</param>
    /// <exception cref="ArgumentException">Nothing to sign, too many bytes, or a <paramref name="signCert"/> of another key.</exception>
    /// <exception cref="TokenSignatureMismatchException">The token's signature does not verify over these bytes.</exception>
    public static async Task<ExternalSignature> SignAsync(IToken token, byte[] toBeSigned, X509Certificate2Collection chain, X509Certificate2? signCert,
        IPresencePrompt? presence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(toBeSigned);
        ArgumentNullException.ThrowIfNull(chain);
        if (toBeSigned.Length == 0) throw new ArgumentException("nothing to sign: stdin was empty", nameof(toBeSigned));
        if (toBeSigned.Length > MaxToBeSigned)
            throw new ArgumentException($"the token signs at most {MaxToBeSigned} bytes at a time, got {toBeSigned.Length}", nameof(toBeSigned));
        // A sign_cert for another key would make c2pa-rs write a signature that no one can verify: refuse before the press.
        if (signCert is not null && !signCert.RawDataMemory.Span.SequenceEqual(chain[0].RawDataMemory.Span))
        {
            throw new ArgumentException($"the signing certificate given ({signCert.Subject}) is not this token's ({chain[0].Subject}); "
                + "export the token's with 'prov c2patool-signer --export-cert PATH' and name that file as sign_cert", nameof(signCert));
        }
        TokenInfo info = await token.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        TokenSignature signature = await token.SignAsync(toBeSigned, presence, cancellationToken).ConfigureAwait(false);
        if (!TokenClaimSigner.SignatureVerifies(chain[0], toBeSigned, signature.Signature))
        {
            throw new TokenSignatureMismatchException(
                $"the token's signature #{signature.Counter} does not verify with the key certified for it over the bytes sent; nothing was returned");
        }
        // The artist's signing record keeps it (kind "external": no file of ours, no bound counter), so `prov device log`
        // does not report it as a signature made elsewhere.
        SigningRecord.TryAdd(new SignatureRecord(info.Serial, signature.Counter, "external", null, null,
            Convert.ToHexStringLower(signature.LogEntryHash), DateTimeOffset.UtcNow, null, false));
        return new ExternalSignature(signature.Signature, info.Serial, signature.Counter, signature.LogEntryHash);
    }

    /// <summary>The chain as PEM, leaf first: what c2patool reads from a manifest definition's <c>sign_cert</c>.</summary>
    public static string ChainPem(X509Certificate2Collection chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var pem = new System.Text.StringBuilder();
        foreach (X509Certificate2 certificate in chain) pem.Append(certificate.ExportCertificatePem()).Append('\n');
        return pem.ToString();
    }
}
