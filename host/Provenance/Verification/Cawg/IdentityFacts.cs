using System;
using System.Collections.Generic;
using System.Linq;

namespace Provenance.Verification.Cawg;

/// <summary>
/// One identity an aggregator verified (CAWG identity 1.1 §8.1 `verifiedIdentities`): a social account, a web site,
/// a document check, an affiliation or a wallet, with the provider that did the check.
/// </summary>
/// <param name="Type">`cawg.social_media`, `cawg.document_verification`, `cawg.web_site`, `cawg.affiliation`, `cawg.crypto_wallet`, ...</param>
/// <param name="Name">The name the provider verified, when it states one.</param>
/// <param name="Username">The account name, when there is one.</param>
/// <param name="Address">A wallet address, when there is one.</param>
/// <param name="Uri">The account's or site's address, when there is one.</param>
/// <param name="ProviderName">Who verified it (e.g. "Instagram").</param>
/// <param name="ProviderId">The provider's URI.</param>
/// <param name="VerifiedAt">When the provider verified it, as the aggregator states.</param>
public sealed record VerifiedIdentity(string Type, string? Name, string? Username, string? Address, string? Uri, string ProviderName, string ProviderId, DateTimeOffset VerifiedAt)
{
    /// <summary>In words: "Instagram @name", "Example ID Verifier: First Last".</summary>
    public string Words
    {
        get
        {
            string who = Username != null ? "@" + Username.TrimStart('@') : Name ?? Address ?? Uri ?? "";
            if (Username != null && Name != null) who += $" ({Name})";
            string what = Type switch
            {
                "cawg.document_verification" => "document check",
                "cawg.affiliation" => "affiliation",
                "cawg.web_site" => "web site",
                "cawg.crypto_wallet" => "wallet",
                "cawg.social_media" => "",
                _ => Type,
            };
            string provider = what.Length > 0 ? $"{ProviderName} ({what})" : ProviderName;
            return who.Length > 0 ? $"{provider} {who}" : provider;
        }
    }
}

/// <summary>
/// A `cawg.identity` assertion as validation judged it (CAWG identity 1.1 §7): its credential type, whether it
/// verified, who stands behind it and, for an identity claims aggregation, the identities the aggregator verified.
/// </summary>
public sealed record IdentityFacts
{
    /// <summary>The assertion's label (`cawg.identity`, `cawg.identity__1`).</summary>
    public required string Label { get; init; }
    /// <summary>The `sig_type`: `cawg.x509.cose`, `cawg.identity_claims_aggregation`, or an unknown type as written.</summary>
    public required string CredentialType { get; init; }
    /// <summary>True when the credential's signature verified and every check of the identity passed (trust aside).</summary>
    public required bool Verified { get; init; }
    /// <summary>The X.509 subject or the aggregator's DID, when it could be read.</summary>
    public string? Issuer { get; init; }
    /// <summary>True when the X.509 credential chains to a trusted root; aggregators are not in any trust list yet.</summary>
    public bool IssuerTrusted { get; init; }
    /// <summary>The signer payload's roles (`cawg.creator`, ...).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>The identities an aggregator verified (empty for X.509 credentials).</summary>
    public IReadOnlyList<VerifiedIdentity> VerifiedIdentities { get; init; } = [];
    /// <summary>Every status code this identity's validation produced.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>The credential type in words.</summary>
    public string CredentialWords => CredentialType switch
    {
        CawgCodes.X509SigType => "X.509 certificate",
        CawgCodes.IcaSigType => "identity claims aggregation",
        _ => $"unknown credential type {CredentialType}",
    };

    /// <summary>One line: "Instagram @name, verified by the aggregator did:web:…" or "X.509 certificate of CN=…".</summary>
    public string Summary
    {
        get
        {
            string status = !Verified ? "NOT verified" + (Codes.FirstOrDefault(IdentityStatusLog.IsProblem) is { } problem ? ": " + problem : "")
                : IssuerTrusted ? "verified, trusted"
                : CredentialType == CawgCodes.IcaSigType ? "verified; the aggregator is in no trust list" : "verified; the certificate is not in the trust store";
            if (CredentialType == CawgCodes.IcaSigType)
            {
                string names = VerifiedIdentities.Count == 0 ? "identity claims aggregation" : string.Join("; ", ConvertAll(VerifiedIdentities));
                return Issuer != null ? $"{names}, verified by the aggregator {Shorten(Issuer)} ({status})" : $"{names} ({status})";
            }
            return Issuer != null ? $"{CredentialWords} of {Issuer} ({status})" : $"{CredentialWords} ({status})";
        }
    }

    /// <summary>A did:jwk carries its whole key; a line shows its start and end.</summary>
    private static string Shorten(string issuer) => issuer.Length <= 64 ? issuer : issuer[..40] + "…" + issuer[^8..];

    private static List<string> ConvertAll(IReadOnlyList<VerifiedIdentity> identities)
    {
        var words = new List<string>(identities.Count);
        foreach (VerifiedIdentity identity in identities) words.Add(identity.Words);
        return words;
    }
}
