using System.Collections.Generic;

namespace Provenance.Verification;

/// <summary>One verdict per file (DESIGN.md "Verification").</summary>
public enum Verdict
{
    /// <summary>Intact, and the signer chains to a trust anchor.</summary>
    Trusted,
    /// <summary>Intact and well signed; the signer is not in the trust store.</summary>
    Valid,
    /// <summary>Credentials present but tampered, badly signed, revoked, expired or malformed.</summary>
    Invalid,
    /// <summary>A readable file with no credentials.</summary>
    Missing,
    /// <summary>The file cannot be read as its format.</summary>
    Error,
}

/// <summary>The result of verifying one file: the model both the table and the --json renderers draw.</summary>
public sealed class FileVerification
{
    public required string File { get; init; }
    public required Verdict Verdict { get; init; }
    /// <summary>C2PA validation status codes (e.g. `claimSignature.validated`, `assertion.dataHash.mismatch`).</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];
    /// <summary>One plain sentence saying why.</summary>
    public required string Reason { get; init; }
    public string? Format { get; init; }
    public string? Signer { get; init; }
    public string? Artist { get; init; }
    public string? TokenSerial { get; init; }
    public long? TokenCounter { get; init; }
    /// <summary>`secureElement` or `software`.</summary>
    public string? KeyProtection { get; init; }
    public string? SigningTime { get; init; }
    public string? DigitalSourceType { get; init; }
    public IReadOnlyDictionary<string, string>? Consent { get; init; }
}
