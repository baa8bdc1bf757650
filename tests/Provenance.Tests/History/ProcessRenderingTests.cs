using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Reporting;
using Provenance.Tests.TestSupport;
using Provenance.Verification;

namespace Provenance.Tests.History;

/// <summary>Issue 16 and the gallery issue: the history's timeline in the JSON and in the HTML report's tree.</summary>
public sealed class ProcessRenderingTests
{
    private static readonly byte[] Jpeg = TestAssets.SmallJpeg();

    /// <summary>A verified history of three versions, with a thumbnail on the second as a manifest that carries one would give.</summary>
    private static async Task<FileVerification> HistoryAsync(bool breakLast = false)
    {
        using var pki = new TestPki();
        var chain = await HistoryChain.SignChainAsync(pki.Signer(), 3);
        FileVerification result = HistoryChain.Verify(chain[^1]);
        ProcessFacts process = result.Process!;
        var versions = process.Versions.ToList();
        // Signed images carry claim thumbnails; version 1 stands for one signed without (a format with no pixels we decode).
        Assert.All(versions, v => Assert.NotNull(v.Thumbnail));
        versions[0] = versions[0] with { Thumbnail = null };
        versions[1] = versions[1] with { Thumbnail = new ThumbnailFacts("image/jpeg", Jpeg) };
        if (breakLast) versions[2] = versions[2] with { LinkIntact = false };
        return result.WithNote("n") is var copy && copy.Process is not null
            ? new FileVerification { File = result.File, Verdict = result.Verdict, Reason = result.Reason, Reasons = result.Reasons, Process = process with { Versions = versions } }
            : throw new InvalidOperationException("a copy lost the timeline");
    }

    [Fact]
    public async Task TheJsonCarriesTheTimelineOldestFirst()
    {
        FileVerification result = await HistoryAsync();
        JsonElement file = JsonDocument.Parse(VerificationJson.RenderOne(result)).RootElement;
        Assert.Equal("version", file.EnumerateObject().First().Name);
        JsonElement process = file.GetProperty("process");
        Assert.Equal(3, process.GetProperty("versions").GetInt32());
        Assert.Equal(ProcessFacts.Limit, process.GetProperty("limit").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", process.GetProperty("first").GetProperty("value").GetString()!);
        JsonElement[] timeline = [.. process.GetProperty("timeline").EnumerateArray()];
        Assert.Equal([1, 2, 3], timeline.Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(JsonValueKind.Null, timeline[0].GetProperty("linkIntact").ValueKind);
        Assert.True(timeline[2].GetProperty("linkIntact").GetBoolean());
        Assert.Equal(Jpeg, timeline[1].GetProperty("thumbnail").GetProperty("data").GetBytesFromBase64());
        Assert.Equal(JsonValueKind.Null, timeline[0].GetProperty("thumbnail").ValueKind);
    }

    [Fact]
    public async Task TheReportShowsTheHistoryAsATreeWithTheThumbnailsTheManifestsHave()
    {
        string html = HtmlReport.Render([await HistoryAsync()], DateTimeOffset.UnixEpoch);
        int tree = html.IndexOf("<ol class=\"process\"", StringComparison.Ordinal);
        Assert.True(tree > 0, "no history tree");
        string part = html[tree..html.IndexOf("</ol>", tree, StringComparison.Ordinal)];
        // Newest at the top, each version below the one made from it.
        Assert.True(part.IndexOf("<b>#3</b>", StringComparison.Ordinal) < part.IndexOf("<b>#1</b>", StringComparison.Ordinal));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(part, "<img alt=\"version 2\" src=\"data:image/jpeg;base64,"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(part, "<img alt=\"version 3\" src=\"data:image/jpeg;base64,"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(part, "class=\"nothumb\""));
        Assert.Contains("made from #2", part, StringComparison.Ordinal);
        Assert.Contains(HtmlReport.E(ProcessFacts.Limit), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenLinkIsMarkedInTheTree()
    {
        string html = HtmlReport.Render([await HistoryAsync(breakLast: true)], DateTimeOffset.UnixEpoch);
        Assert.Contains("LINK BROKEN to #2", html, StringComparison.Ordinal);
        Assert.Contains("class=\"version broken\"", html, StringComparison.Ordinal);
    }
}
