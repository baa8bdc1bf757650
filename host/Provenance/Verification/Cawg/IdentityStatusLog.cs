using System.Collections.Generic;
using Provenance.C2pa;

namespace Provenance.Verification.Cawg;

/// <summary>The statuses one identity assertion's validation produced, each about that assertion's URI.</summary>
public sealed class IdentityStatusLog(string url)
{
    public string Url { get; } = url;
    public List<ValidationStatus> Statuses { get; } = [];

    public void Add(string code, string explanation) => Statuses.Add(new ValidationStatus(code, Url, explanation));

    public bool Has(string code) => Statuses.Exists(s => s.Code == code);

    /// <summary>True when a status that fails the identity (a CAWG failure, or any non-success code of its credential) is logged.</summary>
    public bool AnyFailure => Statuses.Exists(s => IsProblem(s.Code));

    /// <summary>True for a code that fails the manifest or means the identity is not verified.</summary>
    public static bool IsProblem(string code) => ValidationCodes.IsFailure(code) || IdentityFailureCodes.Contains(code);

    /// <summary>Codes that do not fail the manifest (c2pa-rs scopes them to the identity) but do mean the identity is not verified.</summary>
    internal static readonly HashSet<string> IdentityFailureCodes =
    [
        CawgCodes.CborInvalid, CawgCodes.AssertionMismatch, CawgCodes.AssertionDuplicate, CawgCodes.HardBindingMissing,
        CawgCodes.PadInvalid, CawgCodes.SigTypeUnknown, CawgCodes.X509SignatureMismatch, CawgCodes.X509AlgorithmUnsupported,
        CawgCodes.X509CredentialInvalid, CawgCodes.X509SignatureOutsideValidity,
    ];
}
