using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Provenance.C2pa;
using Provenance.Identity;

namespace Provenance.Verification;

/// <summary>
/// Builds a history's timeline (issue 16) from what validation checked: the active manifest, then, following each
/// version's one `parentOf` ingredient (<see cref="ValidationReport.Links"/>), the ingredient manifests the validator
/// validated. Nothing here reads the store.
/// </summary>
public static class ProcessTimeline
{
    /// <summary>The timeline, or null when the file is not a history (its manifest has no `parentOf` ingredient it could follow).</summary>
    public static ProcessFacts? Build(ValidationReport report)
    {
        if (!report.SignatureVerified || report.Active is null || report.Claim is null) return null;
        var byFrom = new Dictionary<string, List<IngredientLink>>(StringComparer.Ordinal);
        foreach (IngredientLink link in report.Links)
        {
            if (link.Relationship != "parentOf") continue;
            if (!byFrom.TryGetValue(link.From, out List<IngredientLink>? list)) byFrom[link.From] = list = [];
            // The same link may be reported through two paths; one is enough.
            if (!list.Exists(l => l.AssertionLabel == link.AssertionLabel)) list.Add(link);
        }

        // Newest first while walking; each step one parent (C2PA 2.2 §18.15.2: at most one parentOf ingredient).
        var steps = new List<(VersionSource Version, IngredientLink? LinkToParent)>();
        var current = new VersionSource(report.Active.Label, report.Claim, report.Signer, report.TimeStamp, report.Assertions);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool complete = true;
        while (true)
        {
            if (!seen.Add(current.Label)) { complete = false; break; }
            IngredientLink? parent = byFrom.TryGetValue(current.Label, out List<IngredientLink>? parents) && parents.Count == 1 ? parents[0] : null;
            if (parents is { Count: > 1 }) complete = false;
            steps.Add((current, parent));
            if (parent is null) break;
            if (parent.Validated is not { } validated)
            {
                complete = false;
                break;
            }
            current = new VersionSource(validated.Label, validated.Claim, validated.SignatureVerified ? validated.Signer : null, validated.TimeStamp,
                validated.SignatureVerified ? validated.Assertions : []);
        }
        if (steps.Count < 2) return null;

        var versions = new List<ProcessVersion>(steps.Count);
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            (VersionSource v, IngredientLink? link) = steps[i];
            (string? serial, long? counter, bool bound) = TokenOf(v);
            versions.Add(new ProcessVersion(steps.Count - i, v.Label, ActionsOf(v.Assertions), TimeOf(v), serial, counter, bound,
                SourceTypeOf(v.Assertions), VerificationModel.ThumbnailIn(v.Assertions), null));
        }
        // Version i's link is its parentOf ingredient, to version i-1: intact when both hashes match and that manifest's signature verified.
        for (int i = 1; i < versions.Count; i++)
        {
            IngredientLink? link = steps[steps.Count - 1 - i].LinkToParent;
            bool intact = link is not null && link.ManifestMatches && link.ClaimSignatureMatches == true && link.Validated is { SignatureVerified: true };
            versions[i] = versions[i] with { LinkIntact = intact };
        }
        return Summarise(versions, complete);
    }

    private static ProcessFacts Summarise(List<ProcessVersion> versions, bool complete)
    {
        var tokens = new List<string>();
        var lastCounter = new Dictionary<string, long>(StringComparer.Ordinal);
        bool increasing = true;
        long skipped = 0;
        foreach (ProcessVersion v in versions)
        {
            if (v.TokenSerial is not { } serial) continue;
            if (!tokens.Contains(serial)) tokens.Add(serial);
            if (v.Counter is not { } counter) { increasing = false; continue; }
            if (lastCounter.TryGetValue(serial, out long before))
            {
                if (counter <= before) increasing = false;
                else skipped += counter - before - 1;
            }
            lastCounter[serial] = counter;
        }
        bool linksIntact = true;
        for (int i = 1; i < versions.Count; i++) linksIntact &= versions[i].LinkIntact == true;
        ProcessVersion first = versions[0];
        bool created = first.Actions.Count > 0 && first.Actions[0] == "c2pa.created" && first.TokenSerial is not null;
        string? imported = created ? null
            : "the history starts from an image not created by a token"
              + (first.SourceType is { } iptc ? $" ({VerificationModel.SourceTypeWords(iptc)})" : first.Actions.Count > 0 ? $" (its first action is {first.Actions[0]})" : "");

        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"History of {versions.Count} saved versions");
        if (versions[0].Time is { } from && versions[^1].Time is { } to)
            text.Append(CultureInfo.InvariantCulture, $", {Describe(from)} to {Describe(to)}");
        text.Append(tokens.Count switch
        {
            0 => ", signed by no token",
            1 => $", signed by token {tokens[0]}",
            _ => $", signed by tokens {string.Join(", ", tokens)}",
        });
        text.Append(increasing ? "; counters strictly increasing" : "; counters NOT strictly increasing");
        if (skipped > 0) text.Append(CultureInfo.InvariantCulture, $" ({skipped} skipped: other works signed in between)");
        text.Append(linksIntact ? "; every link intact" : "; a link is broken");
        if (!complete) text.Append("; the chain could not be followed to its start");
        if (imported != null) text.Append("; ").Append(imported);
        text.Append('.');
        return new ProcessFacts(versions, tokens, increasing, skipped, linksIntact, created, imported, complete, text.ToString());
    }

    private static string Describe(TimeFacts time) =>
        time.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + (time.TimeStamped ? " (time-stamped)" : " (stated)");

    private sealed record VersionSource(string Label, Claim Claim, X509Certificate2? Signer, DateTimeOffset? TimeStamp, IReadOnlyList<VerifiedAssertion> Assertions);

    private static VerifiedAssertion? Find(IReadOnlyList<VerifiedAssertion> assertions, params string[] baseLabels)
    {
        foreach (VerifiedAssertion a in assertions)
            foreach (string label in baseLabels)
                if (a.BaseLabel == label) return a;
        return null;
    }

    private static List<string> ActionsOf(IReadOnlyList<VerifiedAssertion> assertions)
    {
        var names = new List<string>();
        if (Find(assertions, AssertionLabels.ActionsV2, AssertionLabels.Actions) is not { } actions) return names;
        try
        {
            CborNode? list = CborNode.Decode(actions.Data)["actions"];
            if (list is { IsArray: true })
                foreach (CborNode action in list.Items)
                    if (action.TextOf("action") is { } name) names.Add(name);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        return names;
    }

    private static string? SourceTypeOf(IReadOnlyList<VerifiedAssertion> assertions)
    {
        if (Find(assertions, AssertionLabels.ActionsV2, AssertionLabels.Actions) is not { } actions) return null;
        try
        {
            CborNode? list = CborNode.Decode(actions.Data)["actions"];
            if (list is { IsArray: true })
                foreach (CborNode action in list.Items)
                    if (action.TextOf("digitalSourceType") is { } iptc) return iptc;
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        return null;
    }

    private static TimeFacts? TimeOf(VersionSource v)
    {
        if (v.TimeStamp is { } stamped) return new TimeFacts(stamped.ToUniversalTime(), true);
        if (Find(v.Assertions, AssertionLabels.ActionsV2, AssertionLabels.Actions) is not { } actions) return null;
        try
        {
            CborNode? list = CborNode.Decode(actions.Data)["actions"];
            if (list is { IsArray: true })
                foreach (CborNode action in list.Items)
                    if (action.TextOf("when") is { } when && DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
                        return new TimeFacts(value.ToUniversalTime(), false);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
        }
        return null;
    }

    /// <summary>Serial and counter: the token's own binding in the claim when its certificate names that token, else the token assertion.</summary>
    private static (string? Serial, long? Counter, bool Bound) TokenOf(VersionSource v)
    {
        if (v.Signer is null) return (null, null, false);
        ClaimTokenBinding? binding = v.Claim.TokenBinding;
        if (binding != null && string.Equals(TokenCertificateProfile.TokenSerialOf(v.Signer), binding.Serial, StringComparison.Ordinal))
            return (binding.Serial, binding.Counter, true);
        if (Find(v.Assertions, AssertionLabels.Token) is not { } token) return (null, null, false);
        try
        {
            CborNode node = CborNode.Decode(token.Data);
            return (node.TextOf("serial"), node["counter"]?.Integer, false);
        }
        catch (Exception e) when (ManifestValidator.IsMalformed(e))
        {
            return (null, null, false);
        }
    }
}
