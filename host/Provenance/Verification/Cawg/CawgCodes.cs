using System;

namespace Provenance.Verification.Cawg;

/// <summary>
/// Status codes of CAWG identity assertion validation (CAWG identity 1.1 §7 "Validating the identity assertion",
/// §8.1 identity claims aggregation, §8.2 X.509 certificates and COSE signatures; `cawg.x509.*` as CAWG identity
/// 1.3 §8.2.2 names them), spelled as c2pa-rs 0.91.3 reports them.
/// </summary>
public static class CawgCodes
{
    // Identity assertion structure and signer payload (§7).
    public const string WellFormed = "cawg.identity.well-formed";
    public const string CborInvalid = "cawg.identity.cbor.invalid";
    public const string AssertionMismatch = "cawg.identity.assertion.mismatch";
    public const string AssertionDuplicate = "cawg.identity.assertion.duplicate";
    public const string HardBindingMissing = "cawg.identity.hard_binding_missing";
    public const string PadInvalid = "cawg.identity.pad.invalid";
    public const string SigTypeUnknown = "cawg.identity.sig_type.unknown";

    /// <summary>
    /// The C2PA code c2pa-rs gives a manifest whose identity assertion does not decode as one (its reader fails to
    /// load the manifest with `AssertionDecoding`); reported beside <see cref="CborInvalid"/> so the verdict agrees.
    /// </summary>
    public const string AssertionRequiredMissing = "assertion.required.missing";

    // X.509 credentials (§8.2).
    public const string X509SignatureValidated = "cawg.x509.signature.validated";
    public const string X509SignatureMismatch = "cawg.x509.signature.mismatch";
    public const string X509AlgorithmUnsupported = "cawg.x509.algorithm.unsupported";
    public const string X509CredentialTrusted = "cawg.x509.credential.trusted";
    public const string X509CredentialUntrusted = "cawg.x509.credential.untrusted";
    public const string X509CredentialInvalid = "cawg.x509.credential.invalid";
    public const string X509SignatureOutsideValidity = "cawg.x509.signature.outside_validity";

    // Identity claims aggregation (§8.1).
    public const string IcaCredentialValid = "cawg.ica.credential_valid";
    public const string IcaUntrustedIssuer = "cawg.ica.untrusted_issuer";
    public const string IcaInvalidCoseSign1 = "cawg.ica.invalid_cose_sign1";
    public const string IcaInvalidAlg = "cawg.ica.invalid_alg";
    public const string IcaInvalidContentType = "cawg.ica.invalid_content_type";
    public const string IcaInvalidVerifiableCredential = "cawg.ica.invalid_verifiable_credential";
    public const string IcaInvalidIssuer = "cawg.ica.invalid_issuer";
    public const string IcaDidUnavailable = "cawg.ica.did_unavailable";
    public const string IcaInvalidDidDocument = "cawg.ica.invalid_did_document";
    public const string IcaSignatureMismatch = "cawg.ica.signature_mismatch";
    public const string IcaTimeStampValidated = "cawg.ica.time_stamp.validated";
    public const string IcaTimeStampInvalid = "cawg.ica.time_stamp.invalid";
    public const string IcaValidFromMissing = "cawg.ica.valid_from.missing";
    public const string IcaValidFromInvalid = "cawg.ica.valid_from.invalid";
    public const string IcaValidUntilInvalid = "cawg.ica.valid_until.invalid";
    public const string IcaSignerPayloadMismatch = "cawg.ica.signer_payload.mismatch";

    /// <summary>The `sig_type` of an X.509 COSE credential (§8.2).</summary>
    public const string X509SigType = "cawg.x509.cose";
    /// <summary>The `sig_type` of an identity claims aggregation credential (§8.1).</summary>
    public const string IcaSigType = "cawg.identity_claims_aggregation";

    /// <summary>
    /// True for CAWG codes that make the manifest invalid, as c2pa-rs 0.91.3 rates them: a failed identity claims
    /// aggregation credential (`cawg.ica.*` failures) does; the identity's structure codes (`cawg.identity.*`) and
    /// every X.509 credential code (`cawg.x509.*`) are scoped to that identity and leave the manifest valid.
    /// An untrusted aggregator (`cawg.ica.untrusted_issuer`) is informational, like an untrusted X.509 credential.
    /// </summary>
    public static bool IsFailure(string code) =>
        code.StartsWith("cawg.ica.", StringComparison.Ordinal)
        && code is not (IcaCredentialValid or IcaTimeStampValidated or IcaUntrustedIssuer);
}
