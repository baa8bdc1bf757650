using System;
using System.Collections.Generic;
using System.IO;
using Provenance.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Provenance.Identity;

/// <summary>A token certificate this identity issued.</summary>
/// <param name="TokenSerial">The token's serial (from its INFO reply).</param>
/// <param name="CertificateSerial">The certificate's serial number, uppercase hex.</param>
/// <param name="KeyProtection">`secureElement` or `software`.</param>
/// <param name="Board">The board the token reported.</param>
/// <param name="EnrolledAt">When the certificate was issued.</param>
/// <param name="NotAfter">When it expires.</param>
public sealed record EnrolledToken(string TokenSerial, string CertificateSerial, string KeyProtection, string Board, DateTimeOffset EnrolledAt, DateTimeOffset NotAfter);

/// <summary>A token certificate this identity revoked.</summary>
/// <param name="FromCounter">
/// Revoked only for signatures with counter ≥ this value (the token was lost after signature FromCounter − 1);
/// null revokes every signature. Written into the CRL entry (RevocationList.FromCounterOid).
/// </param>
public sealed record RevokedCertificate(string TokenSerial, string CertificateSerial, DateTimeOffset RevokedAt, long? FromCounter = null);

/// <summary>The identity folder's record of issued and revoked certificates, and the last CRL number (identity.json).</summary>
internal sealed class IdentityLedger
{
    public const string FileName = "identity.json";
    private const long MaxFileBytes = 4 * 1024 * 1024;

    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("crlNumber")]
    public long CrlNumber { get; set; }

    [JsonPropertyName("enrolled")]
    public List<EnrolledToken> Enrolled { get; set; } = [];

    [JsonPropertyName("revoked")]
    public List<RevokedCertificate> Revoked { get; set; } = [];

    public static IdentityLedger Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new IdentityLedger();
        }

        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new IdentityDamagedException(path + " is larger than " + MaxFileBytes + " bytes; it is not an identity ledger.");
        }

        IdentityLedger ledger;
        try
        {
            ledger = JsonSerializer.Deserialize(File.ReadAllBytes(path), IdentityLedgerJson.Default.IdentityLedger)
                ?? throw new IdentityDamagedException(path + " is empty (JSON null).");
        }
        catch (JsonException e)
        {
            throw new IdentityDamagedException(path + " is not valid JSON: " + e.Message, e);
        }

        ledger.Validate(path);
        return ledger;
    }

    private void Validate(string path)
    {
        if (Version != 1 || Enrolled is null || Revoked is null || CrlNumber < 0)
        {
            throw new IdentityDamagedException(path + " is not a version 1 identity ledger.");
        }

        for (int i = 0; i < Enrolled.Count; i++)
        {
            EnrolledToken? entry = Enrolled[i];
            if (entry is null || !TokenCertificateProfile.IsWellFormedSerial(entry.TokenSerial) || !IsHexSerial(entry.CertificateSerial))
            {
                throw new IdentityDamagedException(path + ": enrolled[" + i + "] lacks a well-formed token serial or certificate serial.");
            }
        }

        for (int i = 0; i < Revoked.Count; i++)
        {
            RevokedCertificate? entry = Revoked[i];
            if (entry is null || !TokenCertificateProfile.IsWellFormedSerial(entry.TokenSerial) || !IsHexSerial(entry.CertificateSerial) || entry.FromCounter < 1)
            {
                throw new IdentityDamagedException(path + ": revoked[" + i + "] lacks a well-formed token serial or certificate serial.");
            }
        }
    }

    private static bool IsHexSerial(string? serial)
    {
        // RFC 5280 §4.1.2.2: at most 20 octets.
        if (string.IsNullOrEmpty(serial) || serial.Length % 2 != 0 || serial.Length > 40)
        {
            return false;
        }

        foreach (char c in serial)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Loads the ledger, lets <paramref name="change"/> change and save it, all while holding the identity folder's
    /// lock: two prov processes enrolling or revoking at once cannot lose each other's entry.
    /// </summary>
    public static T Update<T>(string directory, Func<IdentityLedger, T> change)
    {
        using IDisposable held = FileLock.Take(Path.Combine(directory, LockFileName));
        return change(Load(directory));
    }

    /// <summary>The lock file guarding read-modify-write of the ledger.</summary>
    private const string LockFileName = ".identity.lock";

    public void Save(string directory) =>
        AtomicFile.Write(Path.Combine(directory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, IdentityLedgerJson.Default.IdentityLedger), overwrite: true);
}

/// <summary>identity.json's serialiser, generated at compile time (no reflection: the native AOT build needs it).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IdentityLedger))]
internal sealed partial class IdentityLedgerJson : JsonSerializerContext;
