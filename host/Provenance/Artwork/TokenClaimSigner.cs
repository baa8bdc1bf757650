using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Device;

namespace Provenance.Artwork;

/// <summary>
/// The C2PA engine's signer, backed by the token: the to-be-signed bytes go to the token, which hashes and signs
/// them; no private key is ever on this side.
/// </summary>
public sealed class TokenClaimSigner : IClaimSigner
{
    private readonly IToken _token;
    private readonly IPresencePrompt? _presence;
    private readonly long _expectedCounter;

    /// <param name="expectedCounter">The counter value the manifest's token assertion states; the token must use exactly it.</param>
    public TokenClaimSigner(IToken token, X509Certificate2Collection chain, long expectedCounter, IPresencePrompt? presence)
    {
        _token = token;
        Chain = chain;
        _expectedCounter = expectedCounter;
        _presence = presence;
    }

    public X509Certificate2Collection Chain { get; }

    /// <summary>The token's reply to the last signature (counter and log entry hash).</summary>
    public TokenSignature? LastSignature { get; private set; }

    public async Task<byte[]> SignAsync(byte[] toBeSigned, CancellationToken cancellationToken)
    {
        TokenSignature signature = await _token.SignAsync(toBeSigned, _presence, cancellationToken).ConfigureAwait(false);
        if (signature.Counter != _expectedCounter)
        {
            // The manifest already says which counter value this signature uses; a different one would make it lie.
            throw new InvalidOperationException(
                $"the token used counter {signature.Counter} but the manifest states {_expectedCounter} (another program signed with this token at the same moment); nothing was written, sign again");
        }
        LastSignature = signature;
        return signature.Signature;
    }
}
