using System;
using System.Globalization;
using System.Linq;
using Provenance.C2pa;
using Provenance.Reporting;

namespace Provenance.Verification;

/// <summary>
/// What a soft-binding registry holds for an image that carries no credentials of its own (issue 17): the nearest
/// registered work by ISCC Image-Code and that work's manifest store, verified in full against this copy. Its hard
/// binding cannot match a stripped or re-encoded copy, and the copy is never called signed: the credentials are the
/// original's.
/// </summary>
/// <param name="Registry">The registry asked (its base URL, or a database for a local search).</param>
/// <param name="Code">This file's ISCC Image-Code (`ISCC:EEA…`).</param>
/// <param name="ManifestId">The matching manifest, or null when the registry holds no matching image.</param>
/// <param name="Distance">Differing bits of the 64, for a match.</param>
/// <param name="SimilarityScore">0 to 100 (the resolution API's similarityScore), for a match.</param>
/// <param name="Credentials">The recovered manifest store verified against this copy, for a match.</param>
public sealed record RecoveredCredentials(string Registry, string Code, string? ManifestId, int? Distance, int? SimilarityScore, FileVerification? Credentials)
{
    /// <summary>True when the registry held credentials for a matching image.</summary>
    public bool Found => ManifestId is not null && Credentials is not null;

    /// <summary>Whether the recovered manifest's hard binding (`c2pa.hash.data`) matches this copy's bytes; false for any re-encoded or stripped copy.</summary>
    public bool HardBindingMatches => Credentials is { } c && !c.Statuses.Any(s => s.Code is ValidationCodes.AssertionDataHashMismatch);

    /// <summary>Whether the recovered manifest's claim signature verified.</summary>
    public bool SignatureVerified => Credentials is { } c && c.Statuses.Any(s => s.Code == ValidationCodes.ClaimSignatureValidated);

    /// <summary>Whether the recovered manifest's signer chains to a root in the trust store.</summary>
    public bool SignerTrusted => Credentials is { } c && c.Statuses.Any(s => s.Code == ValidationCodes.SigningCredentialTrusted);

    /// <summary>The one sentence every view leads with.</summary>
    public string Sentence()
    {
        if (!Found || Credentials is not { } c) return $"No credentials in the file, and the registry {Registry} holds none for a matching image.";
        string similarity = ((SimilarityScore ?? 0) / 100.0).ToString("0.00", CultureInfo.InvariantCulture);
        string who = c.Signer switch
        {
            { Verified: { } v } => v.Name,
            { Claimed.Count: > 0 } s => s.Claimed[0].Name,
            _ => "an unknown signer",
        };
        string signature = !SignatureVerified ? "whose signature did NOT verify"
            : SignerTrusted ? "whose signature verified and whose certificate chains to a trusted root"
            : "whose signature verified but whose signer is not in the trust store";
        string consent = ResultWords.Consent(c) is { } words ? $" with consent {words}" : " with no consent statement";
        string binding = HardBindingMatches
            ? "its hard binding matches this file"
            : "its hard binding does not match this copy, which is not the signed file";
        return $"No credentials in the file; the registry holds credentials for a matching image (similarity {similarity}, distance {Distance} bits) signed by {who} ({signature}){consent}; {binding}.";
    }
}
