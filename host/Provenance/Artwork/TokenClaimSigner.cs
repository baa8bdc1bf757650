using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Device;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Artwork;

/// <summary>
/// The C2PA engine's signer, backed by the token: the to-be-signed bytes go to the token, which hashes and signs
/// them; no private key is ever on this side.
/// </summary>
public sealed class TokenClaimSigner : IClaimSigner, IIdentityCredentialSigner
{
    private readonly IToken _token;
    private readonly IPresencePrompt? _presence;
    private readonly long _expectedCounter;
    private readonly string? _boundSerial;

    /// <param name="expectedCounter">The counter value the manifest's token assertion states; the token must use exactly it.</param>
    public TokenClaimSigner(IToken token, X509Certificate2Collection chain, long expectedCounter, IPresencePrompt? presence)
        : this(token, chain, expectedCounter, presence, boundSerial: null)
    {
    }

    /// <param name="boundSerial">
    /// When set, the claim names this serial and <paramref name="expectedCounter"/> in its counter binding field, and
    /// the token is told where (protocol 2 SIGN), so it signs only if they are its own.
    /// </param>
    public TokenClaimSigner(IToken token, X509Certificate2Collection chain, long expectedCounter, IPresencePrompt? presence, string? boundSerial)
    {
        _token = token;
        Chain = chain;
        _expectedCounter = expectedCounter;
        _presence = presence;
        _boundSerial = boundSerial;
    }

    public X509Certificate2Collection Chain { get; }

    /// <summary>
    /// The artist's identity certificate chain (same token key, a certificate naming her; Identity/README.md) for the
    /// CAWG identity assertion; null writes none.
    /// </summary>
    public X509Certificate2Collection? IdentityChain { get; init; }

    /// <summary>
    /// Signs the identity's Sig_structure first, asking the token to let that press also cover the claim's bound SIGN
    /// that follows (PROTOCOL.md, "Identity and claim under one press"); a token without that asks for a second press.
    /// </summary>
    public async Task<byte[]> SignIdentityAsync(byte[] toBeSigned, CancellationToken cancellationToken)
    {
        X509Certificate2Collection chain = IdentityChain ?? throw new InvalidOperationException("no identity certificate to sign with");
        TokenSignature signature;
        if (_boundSerial is null)
        {
            // A protocol 1 token knows no binding offsets (it would sign the request header too): a press for each.
            signature = await _token.SignAsync(toBeSigned, _presence, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                signature = await _token.SignPairedAsync(toBeSigned, _presence, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NotSupportedException || e is TokenErrorException { Code: ErrorCode.BadPayload })
            {
                // Older firmware refuses the offset before the press and consumes nothing: sign as before, with a press of its own.
                signature = await _token.SignAsync(toBeSigned, _presence, cancellationToken).ConfigureAwait(false);
            }
        }
        if (!SignatureVerifies(chain[0], toBeSigned, signature.Signature))
        {
            throw new TokenSignatureMismatchException(
                $"the token's identity signature #{signature.Counter} does not verify with the key of the artist's identity certificate; nothing was written");
        }
        // The claim's counter is one above the identity's: the manifest already states it.
        if (signature.Counter >= _expectedCounter)
        {
            throw new InvalidOperationException(
                $"the token used counter {signature.Counter} for the identity signature, but the manifest states {_expectedCounter} for the claim (another program signed with this token at the same moment); nothing was written, sign again");
        }
        IdentitySignature = signature;
        return signature.Signature;
    }

    /// <summary>The token's reply to the identity signature (its own counter and log entry), when one was made.</summary>
    public TokenSignature? IdentitySignature { get; private set; }

    /// <summary>The token's reply to the last signature (counter and log entry hash).</summary>
    public TokenSignature? LastSignature { get; private set; }

    public async Task<byte[]> SignAsync(byte[] toBeSigned, CancellationToken cancellationToken)
    {
        int offset = _boundSerial == null ? -1 : BindingOffset(toBeSigned, _boundSerial, _expectedCounter);
        TokenSignature signature;
        try
        {
            signature = _boundSerial == null
                ? await _token.SignAsync(toBeSigned, _presence, cancellationToken).ConfigureAwait(false)
                : await _token.SignBoundAsync(toBeSigned, offset, _presence, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenUnavailableException e)
        {
            // The SIGN may have reached the token and been carried out (counter reserved, signature logged) with only
            // its reply lost. The value is then spent: the token never hands it out again, so signing again is safe
            // and uses a higher number; saying so keeps the gap from being silent (firmware/PROTOCOL.md, "Faults").
            throw new TokenUnavailableException(
                e.Message + $"; the token may have used signature #{_expectedCounter} without its reply arriving (its log says, 'prov device log'); no file was written, and signing again uses a new number",
                e);
        }
        // Nothing is written unless the token signed exactly these bytes with the key the certificate names: a
        // confused token, a damaged line or another program's reply must fail here, not in a gallery's verifier.
        if (!SignatureVerifies(Chain[0], toBeSigned, signature.Signature))
        {
            throw new TokenSignatureMismatchException(
                $"the token's signature #{signature.Counter} does not verify with the key certified for it over the bytes sent; nothing was written");
        }
        if (signature.Counter != _expectedCounter)
        {
            // The manifest already says which counter value this signature uses; a different one would make it lie.
            throw new InvalidOperationException(
                $"the token used counter {signature.Counter} but the manifest states {_expectedCounter} (another program signed with this token at the same moment); nothing was written, sign again");
        }
        LastSignature = signature;
        return signature.Signature;
    }

    /// <summary>Where the claim's counter binding field for <paramref name="serial"/> and <paramref name="counter"/> starts in the Sig_structure.</summary>
    public static int BindingOffset(byte[] toBeSigned, string serial, long counter)
    {
        ArgumentNullException.ThrowIfNull(toBeSigned);
        byte[] field = CounterBinding.Encode(serial, counter);
        int offset = toBeSigned.AsSpan().IndexOf(field);
        if (offset < 0) throw new InvalidOperationException($"the claim does not name token {serial} and counter {counter}; nothing was signed");
        return offset;
    }

    /// <summary>ES256 over <paramref name="toBeSigned"/>, r‖s as the token returns it, with the leaf certificate's key.</summary>
    public static bool SignatureVerifies(X509Certificate2 leaf, byte[] toBeSigned, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        using ECDsa? key = leaf.GetECDsaPublicKey();
        return key is not null && signature is { Length: 64 }
            && key.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
