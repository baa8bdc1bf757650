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
public sealed record RevokedCertificate(string TokenSerial, string CertificateSerial, DateTimeOffset RevokedAt);

/// <summary>The identity folder's record of issued and revoked certificates, and the last CRL number (identity.json).</summary>
internal sealed class IdentityLedger
{
    public const string FileName = "identity.json";
    private const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

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

        try
        {
            return JsonSerializer.Deserialize<IdentityLedger>(File.ReadAllBytes(path), Json)
                ?? throw new IdentityDamagedException(path + " is empty (JSON null).");
        }
        catch (JsonException e)
        {
            throw new IdentityDamagedException(path + " is not valid JSON: " + e.Message, e);
        }
    }

    public void Save(string directory) =>
        AtomicFile.Write(Path.Combine(directory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json), overwrite: true);
}
