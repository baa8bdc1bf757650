namespace Provenance.C2pa;

/// <summary>C2PA 2.2 §15 validation status codes, as the spec spells them.</summary>
public static class ValidationCodes
{
    // Success
    public const string ClaimSignatureValidated = "claimSignature.validated";
    public const string ClaimSignatureInsideValidity = "claimSignature.insideValidity";
    public const string SigningCredentialTrusted = "signingCredential.trusted";
    public const string TimeStampValidated = "timeStamp.validated";
    public const string TimeStampTrusted = "timeStamp.trusted";
    public const string AssertionHashedUriMatch = "assertion.hashedURI.match";
    public const string AssertionDataHashMatch = "assertion.dataHash.match";
    public const string IngredientManifestValidated = "ingredient.manifest.validated";
    public const string IngredientClaimSignatureValidated = "ingredient.claimSignature.validated";

    // Informational
    public const string SigningCredentialUntrusted = "signingCredential.untrusted";
    public const string TimeStampUntrusted = "timeStamp.untrusted";
    public const string SigningCredentialOcspSkipped = "signingCredential.ocsp.skipped";

    // Failure
    public const string ClaimMissing = "claim.missing";
    public const string ClaimMultiple = "claim.multiple";
    public const string ClaimMalformed = "claim.malformed";
    public const string ClaimCborInvalid = "claim.cbor.invalid";
    public const string ClaimSignatureMissing = "claimSignature.missing";
    public const string ClaimSignatureMismatch = "claimSignature.mismatch";
    public const string ClaimSignatureOutsideValidity = "claimSignature.outsideValidity";
    public const string ManifestMultipleParents = "manifest.multipleParents";
    public const string ManifestInaccessible = "manifest.inaccessible";
    public const string SigningCredentialInvalid = "signingCredential.invalid";
    public const string SigningCredentialRevoked = "signingCredential.revoked";
    public const string SigningCredentialExpired = "signingCredential.expired";
    public const string AlgorithmUnsupported = "algorithm.unsupported";
    public const string TimeStampMismatch = "timeStamp.mismatch";
    public const string TimeStampMalformed = "timeStamp.malformed";
    public const string TimeStampOutsideValidity = "timeStamp.outsideValidity";
    public const string AssertionMissing = "assertion.missing";
    public const string AssertionUndeclared = "assertion.undeclared";
    public const string AssertionOutsideManifest = "assertion.outsideManifest";
    public const string AssertionHashedUriMismatch = "assertion.hashedURI.mismatch";
    public const string AssertionDataHashMismatch = "assertion.dataHash.mismatch";
    public const string AssertionDataHashMalformed = "assertion.dataHash.malformed";
    public const string AssertionCborInvalid = "assertion.cbor.invalid";
    public const string HardBindingsMissing = "claim.hardBindings.missing";
    public const string HardBindingsMultiple = "assertion.multipleHardBindings";
    public const string IngredientManifestMissing = "ingredient.manifest.missing";
    public const string IngredientManifestMismatch = "ingredient.manifest.mismatch";
    public const string IngredientClaimSignatureMismatch = "ingredient.claimSignature.mismatch";
    public const string GeneralError = "general.error";

    /// <summary>
    /// True for codes that make a manifest invalid. `signingCredential.untrusted` and `timeStamp.untrusted`
    /// are reported but only decide between trusted and valid; a malformed or mismatched time stamp is
    /// informational: the time stamp is ignored and the signature judged without it (C2PA 2.2 §15.8, §15.2.2.2).
    /// </summary>
    public static bool IsFailure(string code) => code switch
    {
        ClaimSignatureValidated or ClaimSignatureInsideValidity or SigningCredentialTrusted or TimeStampValidated
            or TimeStampTrusted or AssertionHashedUriMatch or AssertionDataHashMatch or IngredientManifestValidated
            or IngredientClaimSignatureValidated or SigningCredentialUntrusted or TimeStampUntrusted
            or SigningCredentialOcspSkipped or TimeStampMalformed or TimeStampMismatch => false,
        // CAWG identity assertion codes: rated as c2pa-rs rates them (Verification/Cawg/CawgCodes.cs).
        _ when code.StartsWith("cawg.", System.StringComparison.Ordinal) => Verification.Cawg.CawgCodes.IsFailure(code),
        _ => true,
    };
}
