using System.Collections.Generic;
using System.Text.Json;

namespace Provenance.Verification.Cawg;

/// <summary>Writes the `identities` array of the verification JSON (DESIGN.md "The verification result").</summary>
public static class IdentityJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<IdentityFacts> identities)
    {
        json.WriteStartArray("identities");
        foreach (IdentityFacts identity in identities)
        {
            json.WriteStartObject();
            json.WriteString("label", identity.Label);
            json.WriteString("credentialType", identity.CredentialType);
            json.WriteBoolean("verified", identity.Verified);
            json.WriteString("issuer", identity.Issuer);
            json.WriteBoolean("issuerTrusted", identity.IssuerTrusted);
            json.WriteStartArray("roles");
            foreach (string role in identity.Roles) json.WriteStringValue(role);
            json.WriteEndArray();
            json.WriteStartArray("verifiedIdentities");
            foreach (VerifiedIdentity verified in identity.VerifiedIdentities)
            {
                json.WriteStartObject();
                json.WriteString("type", verified.Type);
                if (verified.Name != null) json.WriteString("name", verified.Name);
                if (verified.Username != null) json.WriteString("username", verified.Username);
                if (verified.Address != null) json.WriteString("address", verified.Address);
                if (verified.Uri != null) json.WriteString("uri", verified.Uri);
                json.WriteStartObject("provider");
                json.WriteString("id", verified.ProviderId);
                json.WriteString("name", verified.ProviderName);
                json.WriteEndObject();
                json.WriteString("verifiedAt", Reporting.VerificationJson.Rfc3339(verified.VerifiedAt));
                json.WriteString("words", verified.Words);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("summary", identity.Summary);
            json.WriteStartArray("codes");
            foreach (string code in identity.Codes) json.WriteStringValue(code);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
