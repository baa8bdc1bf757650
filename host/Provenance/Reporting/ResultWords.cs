using System.Collections.Generic;
using System.Text;
using Provenance.Verification;

namespace Provenance.Reporting;

/// <summary>The facts of a verification result said in words, the same in the terminal, the HTML report and the page.</summary>
public static class ResultWords
{
    public static string Verdict(Verdict verdict) => VerificationJson.VerdictName(verdict);

    /// <summary>
    /// Where a file goes in a list that puts failures first: invalid, error, missing, then files that fall short of a
    /// gallery policy, then valid, then trusted.
    /// </summary>
    public static int FailureRank(FileVerification r) => r.Verdict switch
    {
        Verification.Verdict.Invalid => 0,
        Verification.Verdict.Error => 1,
        Verification.Verdict.Missing => 2,
        _ when r.PolicyFailures.Count > 0 => 3,
        Verification.Verdict.Valid => 4,
        _ => 5,
    };

    public static string KeyProtection(string? protection) => protection switch
    {
        KeyProtectionLevels.Attested => "key in an attested secure element",
        KeyProtectionLevels.SecureElement => "key in a secure element (the token's statement, not attested)",
        KeyProtectionLevels.EmulatedSecureElement => "emulated secure element (development, not hardware)",
        KeyProtectionLevels.Software => "software key, not hardware-protected",
        _ => protection ?? "key protection unknown",
    };

    public static string? Token(FileVerification r) => r.Token is not { } t ? null
        : $"{t.Serial}, signature #{t.Counter}, {KeyProtection(t.KeyProtection)}" + (t.Proven ? "; certified by the trusted root" : "") + "; " + CounterBinding(t);

    /// <summary>
    /// Issue 15: whether the token itself checked the counter inside what it signed (protocol 2), or the host only stated
    /// it (protocol 1, the c2patool signer): an unbound counter counts as made after any revocation of its token.
    /// </summary>
    public static string CounterBinding(TokenFacts t) => t.CounterBound
        ? "counter bound by the token (it checked the counter in the claim before signing)"
        : "counter not bound by the token (stated by the signing computer; counts as after any revocation of this token)";

    /// <summary>The token in one short cell (tables, one line per file): serial, counter, and what is weak about them.</summary>
    public static string TokenCell(TokenFacts t) => $"{t.Serial} #{t.Counter}"
        + (t.KeyProtection == KeyProtectionLevels.Software ? " (software key)" : "")
        + (t.CounterBound ? "" : " (counter not token-bound)");

    public static string? SourceType(FileVerification r) => r.SourceType is not { } s ? null : $"{s.Words} ({s.Iptc})";

    /// <summary>A CAWG training-and-mining use in words (`cawg.ai_training` → "AI training").</summary>
    public static string ConsentUse(string use) => use switch
    {
        "cawg.ai_training" or "c2pa.ai_training" => "AI training",
        "cawg.ai_generative_training" or "c2pa.ai_generative_training" => "generative AI training",
        "cawg.data_mining" or "c2pa.data_mining" => "data mining",
        "cawg.ai_inference" or "c2pa.ai_inference" => "AI inference",
        _ => use,
    };

    /// <summary>A consent value in words (`notAllowed` → "not allowed").</summary>
    public static string ConsentValue(string value) => value switch
    {
        "allowed" => "allowed",
        "notAllowed" => "not allowed",
        "constrained" => "allowed with constraints",
        _ => value,
    };

    public static string ConsentEntry(ConsentEntry c) =>
        $"{ConsentUse(c.Use)}: {ConsentValue(c.Value)}" + (c.ConstraintInfo is null ? "" : $" ({c.ConstraintInfo})");

    public static string? Consent(FileVerification r)
    {
        if (r.Consent is null) return null;
        var text = new StringBuilder();
        foreach (ConsentEntry c in r.Consent)
        {
            if (text.Length > 0) text.Append(", ");
            text.Append(ConsentEntry(c));
        }
        return text.ToString();
    }

    public static string? Time(FileVerification r) => r.Time is not { } t ? null
        : VerificationJson.Rfc3339(t.Value) + (t.TimeStamped ? " (proven by an RFC 3161 time stamp)" : " (stated by the signer; no time stamp proves it)");

    /// <summary>Who signed, never calling a claimed name verified.</summary>
    public static string? Signer(FileVerification r) => r.Signer switch
    {
        { Verified: { } v } => $"{v.Name} (verified: {v.TrustStoreName})",
        { Claimed.Count: > 0 } s => $"{s.Claimed[0].Name} (claimed, not verified)",
        _ => null,
    };

    /// <summary>"3 files: 1 trusted, 2 invalid", verdicts in their order.</summary>
    public static string Summary(IReadOnlyList<FileVerification> results)
    {
        int[] counts = Counts(results);
        var text = new StringBuilder().Append(results.Count).Append(results.Count == 1 ? " file" : " files");
        string separator = ": ";
        for (int v = 0; v < counts.Length; v++)
        {
            if (counts[v] == 0) continue;
            text.Append(separator).Append(counts[v]).Append(' ').Append(Verdict((Verification.Verdict)v));
            separator = ", ";
        }
        return text.ToString();
    }

    /// <summary>Files per verdict, indexed by <see cref="Verification.Verdict"/>.</summary>
    public static int[] Counts(IReadOnlyList<FileVerification> results)
    {
        int[] counts = new int[5];
        foreach (FileVerification r in results) counts[(int)r.Verdict]++;
        return counts;
    }

    /// <summary>One saved version of a history in a line: `#3 2026-12-06T09:50:04Z (stated) token SW-1 #4 c2pa.opened, c2pa.drawing, link intact`.</summary>
    public static string Version(ProcessVersion v)
    {
        var line = new System.Text.StringBuilder();
        line.Append('#').Append(v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (v.Time is { } time) line.Append(' ').Append(VerificationJson.Rfc3339(time.Value)).Append(time.TimeStamped ? " (time-stamped)" : " (stated)");
        line.Append(v.TokenSerial is { } serial ? $" token {serial}" + (v.Counter is { } c ? $" #{c}" : "") : " no token");
        if (v.Actions.Count > 0) line.Append(' ').Append(string.Join(", ", v.Actions));
        if (v.LinkIntact is { } intact) line.Append(intact ? ", link intact" : ", LINK BROKEN");
        return line.ToString();
    }
}
