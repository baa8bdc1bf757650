using System.Threading;
using System.Threading.Tasks;

namespace Provenance.Device;

/// <summary>A connected signing token (a real board over serial, the emulator, or the in-process software token).</summary>
public interface IToken : System.IAsyncDisposable
{
    /// <summary>Human description of where the token is ("/dev/ttyUSB0", "tcp://127.0.0.1:7000", "embedded software token").</summary>
    string Endpoint { get; }

    Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Uncompressed P-256 public key, 65 bytes (0x04 || X || Y).</summary>
    Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The token hashes <paramref name="toBeSigned"/> with SHA-256 and signs it with its P-256 key.
    /// <paramref name="presence"/> is told when the token waits for its button.
    /// </summary>
    Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Protocol 2 SIGN with the counter binding (firmware/PROTOCOL.md, "Counter binding"): the token signs only when
    /// <paramref name="toBeSigned"/> names its serial and the counter this signature uses, once, at
    /// <paramref name="bindingOffset"/>; otherwise it answers <c>BindingRefused</c> and signs nothing.
    /// </summary>
    Task<TokenSignature> SignBoundAsync(byte[] toBeSigned, int bindingOffset, IPresencePrompt? presence, CancellationToken cancellationToken = default) =>
        throw new System.NotSupportedException(Endpoint + " does not bind counters (protocol 1)");

    /// <summary>
    /// ATTEST with a fresh challenge: the key protection, the chip maker's certificates and the chip's attestation of the key
    /// (<see cref="ChipAttestationVerifier"/>), or null from a token that cannot say.
    /// </summary>
    Task<TokenAttestation?> GetAttestationAsync(CancellationToken cancellationToken = default) => Task.FromResult<TokenAttestation?>(null);

    /// <summary>
    /// An unbound SIGN whose press also covers the next SIGN of this connection if that one is bound (firmware/PROTOCOL.md,
    /// "Identity and claim under one press"): the CAWG identity signature, then its claim. Firmware without it answers
    /// <c>BadPayload</c> before asking for the button.
    /// </summary>
    Task<TokenSignature> SignPairedAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default) =>
        throw new System.NotSupportedException(Endpoint + " cannot carry a press to the next signature");
}

/// <summary>User-presence callback (Yubico's KeyCollector touch request, in our words).</summary>
public interface IPresencePrompt
{
    /// <summary>The token is waiting for its button to be pressed.</summary>
    void WaitingForPress();

    /// <summary>The press arrived, or the wait ended.</summary>
    void Done();
}

/// <summary>INFO reply.</summary>
public sealed record TokenInfo(
    string Serial,
    string Board,
    string FirmwareVersion,
    int ProtocolVersion,
    bool HasKey,
    /// <summary>`secureElement` or `software`.</summary>
    string KeyProtection,
    long Counter,
    bool SecureElementPresent,
    bool PinSet,
    bool Locked);

/// <summary>SIGN reply: raw r‖s signature, the counter value it consumed, and the hash of its log entry.</summary>
public sealed record TokenSignature(byte[] Signature, long Counter, byte[] LogEntryHash);
