using System.Collections.Generic;

namespace Provenance.Verification;

/// <summary>
/// A gallery's policy on top of the verdict: `--require-trusted` (the signer chains to a root in the trust store) and
/// `--require-hardware-key` (the key is proven hardware-protected: attested, DESIGN.md "Key protection, proven or claimed").
/// The verdict stays what validation found; a file that falls short of a policy fails, and its reason names the policy.
/// </summary>
public sealed record VerificationPolicy(bool RequireTrusted, bool RequireHardwareKey)
{
    public FileVerification Apply(FileVerification result)
    {
        if (result.Verdict is not (Verdict.Trusted or Verdict.Valid)) return result;
        var failures = new List<string>();
        if (RequireTrusted && result.Verdict != Verdict.Trusted)
            failures.Add("Fails --require-trusted: the signer does not chain to a root in the trust store.");
        if (RequireHardwareKey && result.Token?.KeyProtection != KeyProtectionLevels.Attested)
        {
            string why = result.Token?.KeyProtection switch
            {
                null => "no token states how its key is protected",
                KeyProtectionLevels.Software => "the key is a software key",
                KeyProtectionLevels.EmulatedSecureElement => "the key is in an emulated secure element",
                KeyProtectionLevels.SecureElement => "the token states a secure element, but no attestation proves it",
                { } other => $"the key protection ({other}) is not proven",
            };
            failures.Add($"Fails --require-hardware-key: {why}.");
        }
        return failures.Count == 0 ? result : result.WithPolicyFailures(failures);
    }
}
