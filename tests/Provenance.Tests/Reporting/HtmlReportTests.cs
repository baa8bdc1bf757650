using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Provenance.Reporting;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.Reporting;

/// <summary>The HTML report, the piped text and the model fields they show, from results built in memory.</summary>
public class HtmlReportTests
{
    private static readonly DateTimeOffset Generated = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    internal static FileVerification Result(string file, Verdict verdict, string? claimed = null, string? verified = null) => new()
    {
        File = file,
        Verdict = verdict,
        Reason = $"Because {verdict}.",
        Signer = claimed is null && verified is null ? null
            : new SignerFacts(verified is null ? null : new VerifiedSigner(verified, "Gallery roots", new string('a', 64)), claimed is null ? [] : [new ClaimedName(claimed, "creativeWork")]),
        Statuses = [new ValidationStatus("claimSignature.validated", "self#jumbf=/c2pa/x/c2pa.signature", "the claim signature is valid")],
        Time = new TimeFacts(Generated, TimeStamped: false),
    };

    [Fact]
    public void EveryStringFromAFileIsEscaped()
    {
        FileVerification hostile = Result("<script>alert('name')</script>.png", Verdict.Valid, claimed: "<script>alert(\"claimed\")</script>");
        hostile = new FileVerification
        {
            File = hostile.File, Verdict = hostile.Verdict, Reason = "<b>reason</b>", Signer = hostile.Signer,
            Consent = [new ConsentEntry("cawg.ai_training", "constrained", "<i onmouseover=x>only</i>")],
            Statuses = [new ValidationStatus("<code>", "\"><script>url</script>", "<explanation>")],
            History = [new HistoryEntry("<title>", "parentOf", "<m>", "image/jpeg")],
            Chain = ["CN=<script>chain</script>"],
        };
        string html = HtmlReport.Render([hostile], Generated);

        Assert.Single(Regex.Matches(html, "<script", RegexOptions.IgnoreCase)); // the report's own script only
        Assert.DoesNotContain("<b>reason", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i onmouseover", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<title>", html[html.IndexOf("</head>", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;.png", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&quot;claimed&quot;)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDetailSaysWhetherTheTokenBoundItsCounter()
    {
        // Issue 15: an unbound counter counts as made after any revocation of its token; the gallery must see which.
        FileVerification Signed(string file, bool bound) => new()
        {
            File = file, Verdict = Verdict.Trusted, Reason = "Because.",
            Token = new TokenFacts("PD-0042", 17, KeyProtectionLevels.SecureElement, Proven: true, CounterBound: bound),
        };
        string html = HtmlReport.Render([Signed("bound.jpg", true), Signed("unbound.jpg", false)], Generated);
        Assert.Contains("<span class=\"proven\">counter bound by the token", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"claimed\">counter not bound by the token", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AClaimedNameIsNeverShownAsVerified()
    {
        string claimedOnly = HtmlReport.Render([Result("a.jpg", Verdict.Valid, claimed: "Famous Artist")], Generated);
        Assert.Contains("Famous Artist<br><small class=\"claimed\">claimed, not verified</small>", claimedOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"proven\">verified", claimedOnly, StringComparison.Ordinal);
        Assert.Contains("none: the signing certificate does not chain to a trusted root", claimedOnly, StringComparison.Ordinal);

        string verified = HtmlReport.Render([Result("b.jpg", Verdict.Trusted, verified: "Real Artist")], Generated);
        Assert.Contains("Real Artist<br><small class=\"proven\">verified: Gallery roots</small>", verified, StringComparison.Ordinal);
    }

    [Fact]
    public void FailuresComeFirstInTheReportWhileTheJsonKeepsTheInputOrder()
    {
        FileVerification[] results =
        [
            Result("1-trusted.jpg", Verdict.Trusted), Result("2-valid.jpg", Verdict.Valid), Result("3-missing.jpg", Verdict.Missing),
            Result("4-invalid.jpg", Verdict.Invalid), Result("5-error.jpg", Verdict.Error),
            Result("6-valid-but-not-trusted.jpg", Verdict.Valid).WithPolicyFailures(["The signer is not in the trust store (--require-trusted)."]),
        ];
        string html = HtmlReport.Render(results, Generated);
        string[] rows = [.. Regex.Matches(html, "<tbody class=\"file [^\"]*\" data-verdict=\"[a-z]+\"[^>]*data-name=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];
        Assert.Equal(["4-invalid.jpg", "5-error.jpg", "3-missing.jpg", "6-valid-but-not-trusted.jpg", "2-valid.jpg", "1-trusted.jpg"], rows);

        using JsonDocument json = JsonDocument.Parse(VerificationJson.Render(results));
        Assert.Equal("1-trusted.jpg", json.RootElement.GetProperty("files")[0].GetProperty("file").GetString());
        Assert.Contains("<span class=\"n\" data-count=\"invalid\">1</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void PipedTextIsOneLinePerFileWhateverTheNames()
    {
        var results = Enumerable.Range(0, 299).Select(i => Result($"file {i}\twith a tab\nand a newline\u001b[31m.jpg", Verdict.Valid, claimed: "Name\nOn two lines")).ToList();
        var output = new StringWriter();
        TextReport.Write(output, results);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(300, lines.Length);
        Assert.Equal(TextReport.Header, lines[0]);
        Assert.All(lines, l => Assert.Equal(4, l.Count(c => c == '\t')));
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    /// <summary>c2pa-rs's CA.jpg: a thumbnail, an ingredient (its parent A.jpg) and a two-certificate chain, all from verified assertions.</summary>
    [Fact]
    public void ThumbnailHistoryAndChainComeFromTheVerifiedManifest()
    {
        FileVerification ca = Verifier.VerifyFile(TestAssets.Fixture("CA.jpg"), TrustSettings.None);
        Assert.NotNull(ca.Thumbnail);
        Assert.Equal("image/jpeg", ca.Thumbnail.MediaType);
        Assert.Equal(0xFF, ca.Thumbnail.Bytes[0]);
        Assert.Equal(0xD8, ca.Thumbnail.Bytes[1]);
        HistoryEntry parent = Assert.Single(ca.History);
        Assert.Equal("A.jpg", parent.Title);
        Assert.Equal("parentOf", parent.Relationship);
        Assert.Equal(2, ca.Chain.Count);
        Assert.StartsWith("CN=C2PA Signer", ca.Chain[0], StringComparison.Ordinal);

        string html = HtmlReport.Render([ca], Generated);
        Assert.Contains("<img alt=\"\" src=\"data:image/jpeg;base64," + Convert.ToBase64String(ca.Thumbnail.Bytes) + "\">", html, StringComparison.Ordinal);
        Assert.Contains("A.jpg <small>(parentOf", html, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(VerificationJson.RenderOne(ca));
        JsonElement thumbnail = json.RootElement.GetProperty("thumbnail");
        Assert.Equal("image/jpeg", thumbnail.GetProperty("mediaType").GetString());
        Assert.Equal(ca.Thumbnail.Bytes, thumbnail.GetProperty("data").GetBytesFromBase64());
        Assert.Equal("A.jpg", json.RootElement.GetProperty("history")[0].GetProperty("title").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("chain").GetArrayLength());
    }

    [Fact]
    public void AFileWithoutCredentialsHasNoThumbnailOrHistory()
    {
        FileVerification missing = Verifier.VerifyFile(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "artwork.png"), TrustSettings.None);
        Assert.Equal(Verdict.Missing, missing.Verdict);
        Assert.Null(missing.Thumbnail);
        Assert.Empty(missing.History);
        Assert.Empty(missing.Chain);
        Assert.DoesNotContain("<img", HtmlReport.Render([missing], Generated), StringComparison.Ordinal);
    }
}
