using System;
using System.Linq;
using Provenance.Reporting;
using Provenance.Verification;

namespace Provenance.Tests.Reporting;

/// <summary>`prov serve`'s CSV export: one row per file, RFC 4180 quoting, and no formula a spreadsheet would run.</summary>
public class CsvReportTests
{
    [Fact]
    public void OneRowPerFileQuotedWhereNeededAndFormulasDisarmed()
    {
        FileVerification plain = HtmlReportTests.Result("scan.jpg", Verdict.Trusted, verified: "Ada");
        FileVerification hostile = HtmlReportTests.Result("=HYPERLINK(\"http://x\",\"a, b\")\nline.png", Verdict.Invalid);
        string csv = CsvReport.Render([plain, hostile]);
        string[] lines = csv.Split("\r\n");
        Assert.Equal(CsvReport.Header, lines[0]);
        Assert.StartsWith("scan.jpg,trusted,", lines[1], StringComparison.Ordinal);
        // The name is one quoted cell, its quotes doubled, its line break kept inside the quotes, led by an apostrophe.
        Assert.StartsWith("\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\nline.png\",invalid,", csv[(csv.IndexOf("\r\n", lines[0].Length + 2, StringComparison.Ordinal) + 2)..], StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        Assert.Equal(13, CsvReport.Header.Split(',').Length);
    }

    [Fact]
    public void TheJsonSummaryCountsEveryFileWhateverIsListed()
    {
        FileVerification good = HtmlReportTests.Result("a.jpg", Verdict.Trusted);
        FileVerification bad = HtmlReportTests.Result("b.jpg", Verdict.Invalid);
        var onlyFailures = System.Text.Json.JsonDocument.Parse(VerificationJson.Render([good, bad], [bad])).RootElement;
        Assert.Equal(1, onlyFailures.GetProperty("summary").GetProperty("trusted").GetInt32());
        Assert.Equal("b.jpg", Assert.Single(onlyFailures.GetProperty("files").EnumerateArray()).GetProperty("file").GetString());
        var summary = System.Text.Json.JsonDocument.Parse(VerificationJson.Render([good, bad], listed: null)).RootElement;
        Assert.False(summary.TryGetProperty("files", out _));
        Assert.Equal("version", summary.EnumerateObject().First().Name);
    }
}
