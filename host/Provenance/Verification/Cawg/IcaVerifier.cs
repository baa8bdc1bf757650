using System;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>What an identity claims aggregation credential said, as far as it could be read.</summary>
internal sealed class IcaCredential
{
    public required string Issuer { get; init; }
    public DateTimeOffset? ValidFrom { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
    public required IReadOnlyList<VerifiedIdentity> VerifiedIdentities { get; init; }
    public required IReadOnlyList<HashedUri> AssetReferences { get; init; }
    public required string AssetSigType { get; init; }
    public required IReadOnlyList<string> AssetRoles { get; init; }
}

/// <summary>
/// Validates an identity claims aggregation credential (CAWG identity 1.1 §8.1): a COSE_Sign1 whose payload is a
/// W3C verifiable credential (VC Data Model 2.0) issued by the aggregator, signed with its DID's key, binding the
/// identities it verified to this signer payload. Checks run in c2pa-rs's order; structural faults stop the rest.
/// </summary>
internal static class IcaVerifier
{
    /// <summary>Largest credential read (Adobe's are a few KB).</summary>
    public const int MaxCredentialBytes = 1 << 20;

    public static (IcaCredential? Credential, bool SignatureVerified) Verify(SignerPayload payload, byte[] signature, IdentityStatusLog log, DateTimeOffset now)
    {
        // §8.1: the signature field is a COSE_Sign1_Tagged (RFC 9052 §4.2).
        CborNode cose;
        try
        {
            cose = CborNode.Decode(signature);
            if (cose.Tag != 18 || !cose.IsArray || cose.Items.Count != 4) throw new FormatException("not a tagged COSE_Sign1 array of four");
            if (cose.Items[0].Bytes == null || !cose.Items[1].IsMap || cose.Items[3].Bytes == null
                || (cose.Items[2].Bytes == null && cose.Items[2].Kind != CborReaderState.Null))
                throw new FormatException("a COSE_Sign1 member has the wrong type");
        }
        catch (Exception e) when (e is CborContentException or FormatException or InvalidOperationException or OverflowException)
        {
            log.Add(CawgCodes.IcaInvalidCoseSign1, "the aggregator's signature is not a COSE_Sign1: " + e.Message);
            return (null, false);
        }
        byte[] protectedBytes = cose.Items[0].Bytes!;
        CborNode protectedHeader;
        try
        {
            protectedHeader = protectedBytes.Length == 0 ? CborNode.Decode(new byte[] { 0xA0 }) : CborNode.Decode(protectedBytes);
            if (!protectedHeader.IsMap) throw new FormatException("the protected header is not a map");
        }
        catch (Exception e) when (e is CborContentException or FormatException or InvalidOperationException or OverflowException)
        {
            log.Add(CawgCodes.IcaInvalidCoseSign1, "the aggregator's COSE protected header is malformed: " + e.Message);
            return (null, false);
        }

        // §8.1.x: EdDSA (Ed25519) as c2pa-rs supports; ES256 too, for P-256 did:key issuers.
        long? alg = protectedHeader[1]?.Integer;
        if (alg is not (CoseAlgorithms.EdDSA or CoseAlgorithms.ES256))
        {
            log.Add(CawgCodes.IcaInvalidAlg, alg == null ? "the aggregator's signature names no algorithm" : $"the aggregator's signature algorithm {CoseAlgorithms.Name(alg.Value)} is not supported (EdDSA, ES256)");
            return (null, false);
        }

        // §8.1: content type `application/vc` (a W3C verifiable credential secured with COSE).
        CborNode? contentType = protectedHeader[3];
        if (contentType?.Text != "application/vc")
            log.Add(CawgCodes.IcaInvalidContentType, contentType == null ? "the aggregator's signature has no content type; application/vc is required"
                : $"the aggregator's content type is {(contentType.Text != null ? "'" + contentType.Text + "'" : "a number")}, not application/vc");

        byte[]? vcBytes = cose.Items[2].Bytes;
        if (vcBytes == null)
        {
            log.Add(CawgCodes.IcaInvalidVerifiableCredential, "the aggregator's signature carries no verifiable credential");
            return (null, false);
        }
        IcaCredential credential;
        try
        {
            credential = ParseCredential(vcBytes);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            log.Add(CawgCodes.IcaInvalidVerifiableCredential, "the aggregator's verifiable credential is invalid: " + e.Message);
            return (null, false);
        }

        bool signatureVerified = false;
        try
        {
            IssuerKey key = IssuerKey.Resolve(credential.Issuer);
            byte[] toBeSigned = ClaimSignature.SigStructure("Signature1", protectedBytes, vcBytes);
            signatureVerified = key.CoseAlgorithm == alg && key.Verify(toBeSigned, cose.Items[3].Bytes!);
            if (!signatureVerified)
                log.Add(CawgCodes.IcaSignatureMismatch, key.CoseAlgorithm == alg
                    ? "the aggregator's signature does not match the credential"
                    : $"the aggregator's {key.Describe()} key cannot make a {CoseAlgorithms.Name(alg.Value)} signature");
        }
        catch (DidResolutionException e)
        {
            log.Add(e.Code, e.Message);
        }
        // No trust list of aggregators exists yet: a verified credential's issuer is reported untrusted, as c2pa-rs
        // does with its default (empty) list.
        if (signatureVerified) log.Add(CawgCodes.IcaUntrustedIssuer, $"the aggregator {credential.Issuer} is not in any list of trusted identity aggregators");

        DateTimeOffset? stampedAt = null;
        if (CoseTimeStamp.Find(cose.Items[1]) is { } stamp)
        {
            try
            {
                if (stamp.Problem != null) throw new FormatException(stamp.Problem);
                stampedAt = CoseTimeStamp.Validate(stamp.Token!, stamp.V2, protectedBytes, cose.Items[3].Bytes!, vcBytes);
                log.Add(CawgCodes.IcaTimeStampValidated, $"the aggregator's credential was time-stamped at {stampedAt:yyyy-MM-dd HH:mm:ss} UTC");
            }
            catch (FormatException e)
            {
                log.Add(CawgCodes.IcaTimeStampInvalid, "the aggregator's time stamp is invalid: " + e.Message);
            }
        }

        // VC Data Model 2.0 §4.9: validFrom must have passed (and preceded the time stamp), validUntil must not have.
        if (credential.ValidFrom is not { } validFrom) log.Add(CawgCodes.IcaValidFromMissing, "the aggregator's credential has no validFrom date");
        else if (validFrom > now) log.Add(CawgCodes.IcaValidFromInvalid, $"the aggregator's credential is valid only from {validFrom:yyyy-MM-dd}");
        else if (stampedAt is { } t && t < validFrom) log.Add(CawgCodes.IcaValidFromInvalid, "the aggregator's credential became valid after its time stamp");
        if (credential.ValidUntil is { } validUntil)
        {
            if (validUntil < now) log.Add(CawgCodes.IcaValidUntilInvalid, $"the aggregator's credential expired on {validUntil:yyyy-MM-dd}");
            else if (stampedAt is { } t && t > validUntil) log.Add(CawgCodes.IcaValidUntilInvalid, "the aggregator's credential had expired when it was time-stamped");
        }

        // §8.1: the credential subject's c2paAsset must be this identity assertion's signer payload.
        if (!SamePayload(payload, credential))
            log.Add(CawgCodes.IcaSignerPayloadMismatch, "the aggregator's credential was issued for a different signer payload (c2paAsset)");

        if (signatureVerified && !log.AnyFailure && !log.Has(CawgCodes.IcaUntrustedIssuer))
            log.Add(CawgCodes.IcaCredentialValid, "the identity claims aggregation credential is valid");
        return (credential, signatureVerified);
    }

    private static bool SamePayload(SignerPayload payload, IcaCredential credential)
    {
        if (payload.SigType != credential.AssetSigType || payload.ReferencedAssertions.Count != credential.AssetReferences.Count) return false;
        if (payload.Roles.Count != credential.AssetRoles.Count) return false;
        for (int i = 0; i < payload.Roles.Count; i++) if (payload.Roles[i] != credential.AssetRoles[i]) return false;
        for (int i = 0; i < payload.ReferencedAssertions.Count; i++)
        {
            HashedUri ours = payload.ReferencedAssertions[i], theirs = credential.AssetReferences[i];
            // c2pa-rs: a reference without alg takes the credential's.
            if (ours.Url != theirs.Url || (ours.Alg ?? theirs.Alg) != theirs.Alg || !ours.Hash.AsSpan().SequenceEqual(theirs.Hash)) return false;
        }
        return true;
    }

    /// <summary>Reads the W3C VC 2.0 credential with the CAWG ICA subject; throws when a required member is missing or mistyped.</summary>
    internal static IcaCredential ParseCredential(byte[] json)
    {
        if (json.Length > MaxCredentialBytes) throw new FormatException($"the credential is larger than {MaxCredentialBytes} bytes");
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the credential is not a JSON object");
        NonEmptyStrings(root, "@context");
        NonEmptyStrings(root, "type");
        string issuer = Required(root, "issuer");
        JsonElement subject = Member(root, "credentialSubject");
        if (subject.ValueKind == JsonValueKind.Array)
        {
            if (subject.GetArrayLength() == 0) throw new FormatException("credentialSubject is empty");
            subject = subject[0];
        }
        if (subject.ValueKind != JsonValueKind.Object) throw new FormatException("credentialSubject is not an object");

        JsonElement identities = Member(subject, "verifiedIdentities");
        if (identities.ValueKind != JsonValueKind.Array || identities.GetArrayLength() == 0) throw new FormatException("verifiedIdentities is not a non-empty array");
        var verified = new List<VerifiedIdentity>();
        foreach (JsonElement identity in identities.EnumerateArray())
        {
            if (identity.ValueKind != JsonValueKind.Object) throw new FormatException("a verified identity is not an object");
            JsonElement provider = Member(identity, "provider");
            if (provider.ValueKind != JsonValueKind.Object) throw new FormatException("a verified identity's provider is not an object");
            verified.Add(new VerifiedIdentity(
                Required(identity, "type"), Optional(identity, "name"), Optional(identity, "username"), Optional(identity, "address"), Optional(identity, "uri"),
                Required(provider, "name"), Required(provider, "id"), Time(Required(identity, "verifiedAt"), "verifiedAt")));
        }

        JsonElement asset = Member(subject, "c2paAsset");
        if (asset.ValueKind != JsonValueKind.Object) throw new FormatException("c2paAsset is not an object");
        JsonElement references = Member(asset, "referenced_assertions");
        if (references.ValueKind != JsonValueKind.Array) throw new FormatException("c2paAsset.referenced_assertions is not an array");
        var assetReferences = new List<HashedUri>();
        foreach (JsonElement reference in references.EnumerateArray())
        {
            if (reference.ValueKind != JsonValueKind.Object) throw new FormatException("a c2paAsset reference is not an object");
            assetReferences.Add(new HashedUri(Required(reference, "url"), HashOf(Member(reference, "hash")), Optional(reference, "alg")));
        }
        var roles = new List<string>();
        if (asset.TryGetProperty("role", out JsonElement role))
        {
            if (role.ValueKind != JsonValueKind.Array) throw new FormatException("c2paAsset.role is not an array");
            foreach (JsonElement item in role.EnumerateArray()) roles.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new FormatException("a role is not text"));
        }
        string? validFrom = Optional(root, "validFrom"), validUntil = Optional(root, "validUntil");
        return new IcaCredential
        {
            Issuer = issuer,
            ValidFrom = validFrom == null ? null : Time(validFrom, "validFrom"),
            ValidUntil = validUntil == null ? null : Time(validUntil, "validUntil"),
            VerifiedIdentities = verified,
            AssetReferences = assetReferences,
            AssetSigType = Required(asset, "sig_type"),
            AssetRoles = roles,
        };
    }

    /// <summary>
    /// A c2paAsset hash: the text of the base64 hash, written as a JSON string or as an array of its bytes (as
    /// c2pa-rs's serializer writes it); decoded to the hash bytes. Text that is not base64 gives no match.
    /// </summary>
    private static byte[] HashOf(JsonElement hash)
    {
        string text;
        if (hash.ValueKind == JsonValueKind.String) text = hash.GetString()!;
        else if (hash.ValueKind == JsonValueKind.Array)
        {
            if (hash.GetArrayLength() > 1024) throw new FormatException("a c2paAsset hash is implausibly long");
            var bytes = new List<byte>();
            foreach (JsonElement b in hash.EnumerateArray()) bytes.Add(b.TryGetByte(out byte value) ? value : throw new FormatException("a c2paAsset hash holds a non-byte"));
            text = Encoding.UTF8.GetString(bytes.ToArray());
        }
        else throw new FormatException("a c2paAsset hash is neither text nor bytes");
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static JsonElement Member(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) ? value : throw new FormatException($"{name} is missing");

    private static string Required(JsonElement obj, string name)
    {
        JsonElement value = Member(obj, name);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw new FormatException($"{name} is not a non-empty string");
    }

    private static string? Optional(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw new FormatException($"{name} is not a non-empty string");
    }

    private static void NonEmptyStrings(JsonElement obj, string name)
    {
        JsonElement value = Member(obj, name);
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0) throw new FormatException($"{name} is not a non-empty array");
        foreach (JsonElement item in value.EnumerateArray())
            if (item.ValueKind != JsonValueKind.String) throw new FormatException($"{name} holds a non-string");
    }

    /// <summary>An RFC 3339 date-time (VC 2.0 §4.9 dateTimeStamp).</summary>
    private static DateTimeOffset Time(string text, string name) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value) && text.Contains('T', StringComparison.Ordinal)
            ? value
            : throw new FormatException($"{name} '{text}' is not an RFC 3339 date-time");
}
