using System;

namespace Provenance.Device;

/// <summary>Names of key protection levels as they appear in JSON and manifests.</summary>
public static class KeyProtectionNames
{
    /// <summary>The key lives in an ATECC608B and cannot be read out.</summary>
    public const string SecureElement = "secureElement";

    /// <summary>A software key (development mode): not hardware-protected.</summary>
    public const string Software = "software";

    /// <summary>The token reported no protection level.</summary>
    public const string None = "none";

    /// <summary>The name of a <c>ProvenanceDevice.Token.Hal.KeyProtection</c> value.</summary>
    public static string FromWire(int protection) => protection switch
    {
        ProvenanceDevice.Token.Hal.KeyProtection.SecureElement => SecureElement,
        ProvenanceDevice.Token.Hal.KeyProtection.Software => Software,
        _ => None,
    };
}

/// <summary>
/// Everything the INFO reply says (a superset of <see cref="TokenInfo"/>). <see cref="SecureElementProvisioned"/>:
/// the secure element is configured and locked (false without one, and from firmware that does not report it).
/// </summary>
public sealed record TokenStatus(
    string Serial,
    string Board,
    string FirmwareVersion,
    int ProtocolVersion,
    bool HasKey,
    string KeyProtection,
    bool SecureElementPresent,
    long Counter,
    long LogFirstIndex,
    long LogCount,
    bool PinSet,
    bool PinVerified,
    bool Locked,
    int PinTriesLeft,
    bool SessionOpen,
    int SessionSignaturesLeft,
    long SessionSecondsLeft,
    bool SecureElementProvisioned = false)
{
    /// <summary>The fields <see cref="IToken.GetInfoAsync"/> returns.</summary>
    public TokenInfo ToInfo() => new(Serial, Board, FirmwareVersion, ProtocolVersion, HasKey, KeyProtection, Counter, SecureElementPresent, PinSet, Locked);
}

/// <summary>One entry of the token's hash-chained signature log.</summary>
/// <param name="Index">Position in the log since it was created or reset.</param>
/// <param name="Counter">Counter value the signature consumed.</param>
/// <param name="UnixTime">Token time in Unix seconds (a claim: the board has no battery clock).</param>
/// <param name="Digest">SHA-256 of the signed bytes.</param>
/// <param name="PreviousHash">Hash of the entry before (zeros for the first entry).</param>
/// <param name="Hash">SHA-256(counter ‖ time ‖ digest ‖ previous hash) as the token computed it.</param>
public sealed record TokenLogEntry(long Index, long Counter, long UnixTime, byte[] Digest, byte[] PreviousHash, byte[] Hash)
{
    /// <summary>The token's time as a date (a claim, see <see cref="UnixTime"/>).</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds(UnixTime);
}

/// <summary>The whole log as exported: entries in order and where they start.</summary>
public sealed record TokenLog(long FirstIndex, System.Collections.Generic.IReadOnlyList<TokenLogEntry> Entries);

/// <summary>PIN reply.</summary>
public sealed record PinStatus(bool PinSet, bool Verified, int TriesLeft, bool Locked);

/// <summary>
/// ATTEST reply: what protects the key, the secure element's certificate chain where there is one, and the chip's attestation
/// of the signing key over <paramref name="Challenge"/> (empty when the chip has no maker certificate; see
/// <see cref="ChipAttestationVerifier"/>).
/// </summary>
public sealed record TokenAttestation(string KeyProtection, string Serial, byte[] PublicKey, string Description, byte[] CertificateChain, byte[]? Challenge = null, byte[]? Attestation = null);

/// <summary>
/// Signing-session configuration: one press allows <paramref name="SessionSignatures"/> signatures (0 = no limit by
/// count) within <paramref name="SessionMinutes"/> minutes (0 = no limit by time); both 0 = a press per signature.
/// </summary>
public sealed record TokenConfig(int SessionSignatures, int SessionMinutes, int PressTimeoutSeconds);

/// <summary>PROVISION reply: the secure element's serial and whether its configuration and data zones are locked.</summary>
public sealed record ProvisionResult(string Serial, bool ConfigLocked, bool DataLocked);
