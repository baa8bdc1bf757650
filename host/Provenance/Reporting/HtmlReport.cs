using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using Provenance.Verification;

namespace Provenance.Reporting;

/// <summary>
/// The HTML renderer of the verification result (`prov verify --html`): one self-contained file (no external assets,
/// works offline) with a summary per verdict, failures first, a row per file that opens its detail, filters and sorting
/// by a small inline script, and a print style for A4. `prov serve`'s page reuses <see cref="Style"/>,
/// <see cref="Script"/> and <see cref="FileRows"/>, so a dropped file shows the same detail.
/// </summary>
/// <remarks>Every string that comes from a file (its name, names in its manifest, status URLs) is hostile input and goes through <see cref="E"/>.</remarks>
public static class HtmlReport
{
    private static readonly Verdict[] Verdicts = [Verdict.Invalid, Verdict.Error, Verdict.Missing, Verdict.Valid, Verdict.Trusted];

    /// <summary>The whole report for a batch; rows in failures-first order, the JSON keeps the input order.</summary>
    public static string Render(IReadOnlyList<FileVerification> results, DateTimeOffset generated)
    {
        var order = new int[results.Count];
        var ranks = new int[results.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            ranks[i] = ResultWords.FailureRank(results[i]);
        }
        // Stable: within a rank, the input order.
        Array.Sort(order, (a, b) => ranks[a] != ranks[b] ? ranks[a].CompareTo(ranks[b]) : a.CompareTo(b));

        var page = new StringBuilder(4096 + results.Count * 2048);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Content Credentials report</title>\n<style>").Append(Style).Append("</style></head>\n<body>\n<main>\n")
            .Append("<h1>Content Credentials report</h1>\n<p class=\"meta\">").Append(E(ResultWords.Summary(results)))
            .Append(". Checked by prov on ").Append(VerificationJson.Rfc3339(generated)).Append(".</p>\n");
        Cards(page, ResultWords.Counts(results), results.Count);
        page.Append("<table id=\"files\">").Append(Head).Append('\n');
        foreach (int i in order) FileRows(page, results[i], i);
        page.Append("</table>\n<p id=\"none\" hidden>No file has the chosen verdicts.</p>\n</main>\n<script>").Append(Script).Append("</script>\n</body></html>\n");
        return page.ToString();
    }

    /// <summary>The column widths and headings (the sort buttons).</summary>
    public const string Head =
        "<colgroup><col class=\"c-thumb\"><col class=\"c-file\"><col class=\"c-verdict\"><col class=\"c-signer\"><col class=\"c-time\"><col class=\"c-reason\"></colgroup>"
        + "<thead><tr><th scope=\"col\"><span class=\"sr\">thumbnail</span></th>"
        + "<th scope=\"col\"><button type=\"button\" data-sort=\"name\">file</button></th>"
        + "<th scope=\"col\"><button type=\"button\" data-sort=\"rank\" aria-sort=\"ascending\">verdict</button></th>"
        + "<th scope=\"col\"><button type=\"button\" data-sort=\"signer\">signer</button></th>"
        + "<th scope=\"col\"><button type=\"button\" data-sort=\"time\">signed</button></th>"
        + "<th scope=\"col\">why</th></tr></thead>";

    /// <summary>The summary: one coloured card per verdict with its count; a card is also that verdict's filter.</summary>
    public static void Cards(StringBuilder page, int[] counts, int total)
    {
        page.Append("<div class=\"cards\" role=\"group\" aria-label=\"show files by verdict\">");
        foreach (Verdict v in Verdicts)
        {
            string name = ResultWords.Verdict(v);
            page.Append("<button type=\"button\" class=\"card ").Append(name).Append("\" data-verdict=\"").Append(name).Append("\" aria-pressed=\"true\"><span class=\"n\" data-count=\"")
                .Append(name).Append("\">").Append(counts[(int)v].ToString(CultureInfo.InvariantCulture)).Append("</span> ").Append(name).Append("</button>");
        }
        page.Append("<span class=\"total\"><span data-count=\"total\">").Append(total.ToString(CultureInfo.InvariantCulture)).Append("</span> files</span>")
            .Append("<button type=\"button\" class=\"showall\">show all</button></div>\n");
    }

    /// <summary>One file: its row and its detail, in a `tbody` of their own so sorting and filtering move them together.</summary>
    public static void FileRows(StringBuilder page, FileVerification r, int index)
    {
        string verdict = ResultWords.Verdict(r.Verdict);
        string signer = r.Signer switch { { Verified: { } v } => v.Name, { Claimed.Count: > 0 } s => s.Claimed[0].Name, _ => "" };
        page.Append("<tbody class=\"file ").Append(verdict).Append(r.Passed ? "" : " failed").Append("\" data-verdict=\"").Append(verdict)
            .Append("\" data-rank=\"").Append(ResultWords.FailureRank(r).ToString(CultureInfo.InvariantCulture))
            .Append("\" data-index=\"").Append(index.ToString(CultureInfo.InvariantCulture))
            .Append("\" data-name=\"").Append(E(r.File)).Append("\" data-signer=\"").Append(E(signer))
            .Append("\" data-time=\"").Append(r.Time is { } t ? VerificationJson.Rfc3339(t.Value) : "").Append("\">\n");

        page.Append("<tr class=\"row\" tabindex=\"0\" aria-expanded=\"false\"><td class=\"thumb\">");
        if (r.Thumbnail is { } thumbnail)
            page.Append("<img alt=\"\" src=\"data:").Append(thumbnail.MediaType).Append(";base64,").Append(Convert.ToBase64String(thumbnail.Bytes)).Append("\">");
        page.Append("</td><td class=\"name\">").Append(E(r.File)).Append("</td><td><span class=\"badge ").Append(verdict).Append("\">").Append(verdict).Append("</span>");
        if (r.PolicyFailures.Count > 0) page.Append(" <span class=\"policy\">fails policy</span>");
        page.Append("</td><td>");
        SignerCell(page, r);
        page.Append("</td><td>");
        if (r.Time is { } time)
            page.Append(VerificationJson.Rfc3339(time.Value).Replace("T", " ", StringComparison.Ordinal)).Append("<br><small>").Append(time.TimeStamped ? "time-stamped" : "stated, not proven").Append("</small>");
        page.Append("</td><td>").Append(E(r.Reason)).Append("</td></tr>\n");

        page.Append("<tr class=\"detail\" hidden><td colspan=\"6\">");
        Detail(page, r);
        page.Append("</td></tr>\n</tbody>\n");
    }

    private static void SignerCell(StringBuilder page, FileVerification r)
    {
        switch (r.Signer)
        {
            case { Verified: { } v }:
                page.Append(E(v.Name)).Append("<br><small class=\"proven\">verified: ").Append(E(v.TrustStoreName)).Append("</small>");
                break;
            case { Claimed.Count: > 0 } s:
                page.Append(E(s.Claimed[0].Name)).Append("<br><small class=\"claimed\">claimed, not verified</small>");
                break;
        }
    }

    /// <summary>Everything the result says about one file.</summary>
    private static void Detail(StringBuilder page, FileVerification r)
    {
        page.Append("<div class=\"facts\"><ul class=\"reasons\">");
        foreach (string reason in r.Reasons) page.Append("<li>").Append(E(reason)).Append("</li>");
        foreach (string note in r.Notes) page.Append("<li class=\"note\">").Append(E(note)).Append("</li>");
        page.Append("</ul><dl>");

        Fact(page, "file", E(r.File) + (r.Format is null ? "" : " <small>(" + E(r.Format) + ")</small>"));
        if (r.Signer is { } signer)
        {
            Fact(page, "verified signer", signer.Verified is { } v
                ? $"{E(v.Name)} <span class=\"proven\">chains to the trusted root {E(v.TrustStoreName)}</span><br><small>root SHA-256 <code>{E(v.RootFingerprint)}</code></small>"
                : "<span class=\"claimed\">none: the signing certificate does not chain to a trusted root</span>");
            foreach (ClaimedName c in signer.Claimed)
                Fact(page, c.Source == "certificate" ? "claimed signer" : "claimed author",
                    $"{E(c.Name)} <span class=\"claimed\">{(c.Source == "certificate" ? "named by the signing certificate" : "stated in the manifest")}, not verified</span>");
        }
        if (r.Token is { } token)
            Fact(page, "token", $"{E(token.Serial)}, signature #{E(token.Counter?.ToString(CultureInfo.InvariantCulture))}<br>{E(ResultWords.KeyProtection(token.KeyProtection))}<br>"
                + $"<span class=\"{(token.CounterBound ? "proven" : "claimed")}\">{E(ResultWords.CounterBinding(token))}</span><br>"
                + (token.Proven ? "<span class=\"proven\">serial certified by the trusted root</span>" : "<span class=\"claimed\">the token's statement, not proven</span>"));
        if (r.SourceType is { } source)
            Fact(page, "source", $"{E(source.Words)} <small>(IPTC <code>{E(source.Iptc)}</code>)</small><br><span class=\"claimed\">declared by the artist, not observed by the token</span>");
        if (r.Consent is { Count: > 0 } consent)
        {
            var list = new StringBuilder("<ul class=\"consent\">");
            foreach (ConsentEntry c in consent)
            {
                list.Append("<li class=\"").Append(c.Value == "notAllowed" ? "no" : c.Value == "allowed" ? "yes" : "maybe").Append("\">")
                    .Append(E(ResultWords.ConsentUse(c.Use))).Append(": <b>").Append(E(ResultWords.ConsentValue(c.Value))).Append("</b>");
                if (c.ConstraintInfo is { } constraint) list.Append(" <small>(").Append(E(constraint)).Append(")</small>");
                list.Append("</li>");
            }
            Fact(page, "consent", list.Append("</ul>").ToString());
        }
        if (r.Time is { } time)
            Fact(page, "signed", VerificationJson.Rfc3339(time.Value) + " " + (time.TimeStamped
                ? "<span class=\"proven\">proven by an RFC 3161 time stamp (existed no later than this)</span>"
                : "<span class=\"claimed\">stated by the signer; no time stamp proves it</span>"));
        if (r.Generator is { } generator) Fact(page, "tool", E(generator));
        foreach (Verification.Cawg.IdentityFacts identity in r.Identities)
            Fact(page, "identity", $"<span class=\"{(identity.Verified ? "proven" : "claimed")}\">{E(identity.Summary)}</span>");
        if (r.History.Count > 0)
        {
            var list = new StringBuilder("<ol class=\"history\">");
            foreach (HistoryEntry h in r.History)
            {
                list.Append("<li>").Append(E(h.Title ?? "untitled")).Append(" <small>(").Append(E(h.Relationship ?? "ingredient"));
                if (h.Format is not null) list.Append(", ").Append(E(h.Format));
                list.Append(h.Manifest is null ? ", no credentials of its own" : ", its manifest " + E(h.Manifest)).Append(")</small></li>");
            }
            Fact(page, "history", list.Append("</ol>").ToString());
        }
        if (r.Process is { } process) Fact(page, "process", Timeline(process));
        if (r.Chain.Count > 0)
        {
            var list = new StringBuilder("<ol class=\"chain\">");
            foreach (string subject in r.Chain) list.Append("<li>").Append(E(subject)).Append("</li>");
            Fact(page, "certificates", list.Append("</ol>").ToString());
        }
        foreach (string failure in r.PolicyFailures) Fact(page, "policy", "<span class=\"bad\">" + E(failure) + "</span>");
        page.Append("</dl></div>");

        if (r.Statuses.Count > 0)
        {
            page.Append("<table class=\"codes\"><thead><tr><th>status code</th><th>what it means</th></tr></thead><tbody>");
            foreach (ValidationStatus status in r.Statuses)
            {
                page.Append("<tr").Append(status.IsFailure ? " class=\"bad\"" : "").Append("><td><code>").Append(E(status.Code)).Append("</code></td><td>").Append(E(status.Explanation));
                if (status.Url is { } url) page.Append("<br><small class=\"url\">").Append(E(url)).Append("</small>");
                page.Append("</td></tr>");
            }
            page.Append("</tbody></table>");
        }
    }

    /// <summary>
    /// A history as a tree (issue 16): the file at the top, each saved version below the one it was made from, with its
    /// thumbnail where its manifest carries one, its time (time-stamped or stated), token, counter, actions and whether
    /// its link to the version before is intact.
    /// </summary>
    private static string Timeline(ProcessFacts process)
    {
        var tree = new StringBuilder();
        tree.Append("<p class=\"").Append(process.LinksIntact && process.CountersIncreasing ? "proven" : "bad").Append("\">").Append(E(process.Summary)).Append("</p>");
        if (process.ImportedStart is { } imported) tree.Append("<p class=\"claimed\">").Append(E(imported)).Append("</p>");
        tree.Append("<p><small>").Append(E(ProcessFacts.Limit)).Append("</small></p><ol class=\"process\" reversed>");
        for (int i = process.Versions.Count - 1; i >= 0; i--)
        {
            ProcessVersion v = process.Versions[i];
            tree.Append("<li class=\"version").Append(v.LinkIntact == false ? " broken" : "").Append("\">");
            if (v.Thumbnail is { } thumbnail)
                tree.Append("<img alt=\"version ").Append(v.Number.ToString(CultureInfo.InvariantCulture)).Append("\" src=\"data:").Append(thumbnail.MediaType).Append(";base64,")
                    .Append(Convert.ToBase64String(thumbnail.Bytes)).Append("\">");
            else tree.Append("<span class=\"nothumb\" aria-hidden=\"true\"></span>");
            tree.Append("<span><b>#").Append(v.Number.ToString(CultureInfo.InvariantCulture)).Append("</b> ");
            if (v.Time is { } time)
                tree.Append(VerificationJson.Rfc3339(time.Value)).Append(time.TimeStamped ? " <span class=\"proven\">time-stamped</span>" : " <span class=\"claimed\">stated</span>");
            tree.Append("<br><small>").Append(v.TokenSerial is { } serial ? "token " + E(serial) + (v.Counter is { } c ? ", signature #" + c.ToString(CultureInfo.InvariantCulture) : "") : "no token")
                .Append(" · ").Append(E(string.Join(", ", v.Actions)));
            if (v.SourceType is { } iptc) tree.Append(" · ").Append(E(Verification.VerificationModel.SourceTypeWords(iptc)));
            tree.Append("</small>");
            if (v.LinkIntact is { } intact)
                tree.Append("<br><small class=\"").Append(intact ? "proven\">made from #" : "bad\">LINK BROKEN to #").Append((v.Number - 1).ToString(CultureInfo.InvariantCulture)).Append("</small>");
            tree.Append("</span></li>");
        }
        return tree.Append("</ol>").ToString();
    }

    private static void Fact(StringBuilder page, string label, string html) =>
        page.Append("<dt>").Append(label).Append("</dt><dd>").Append(html).Append("</dd>");

    /// <summary>HTML-escapes text from a file: `&lt; &gt; &amp; &quot; &#39;`, safe in text and in quoted attributes.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>The report's style: fits 1280 px with long names wrapping, verdict colours, and an A4 print layout.</summary>
    public const string Style = """
        :root{--trusted:#1b7f3b;--trusted-bg:#e3f6e8;--valid:#1f5fa8;--valid-bg:#e4eefb;--invalid:#b3261e;--invalid-bg:#fde7e5;--error:#6b2c91;--error-bg:#f1e6f8;--missing:#8a5a00;--missing-bg:#fff3d6;--line:#d9dde3;--muted:#5b6470}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
        main{max-width:1240px;margin:0 auto;padding:20px}
        h1{font-size:1.5em;margin:0 0 .2em}
        .meta{color:var(--muted);margin:0 0 1em}
        .cards{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:14px}
        .card{font:inherit;cursor:pointer;border:2px solid transparent;border-radius:10px;padding:10px 16px;min-width:120px;text-align:left;color:#fff}
        .card .n{display:block;font-size:1.8em;font-weight:700;line-height:1.1}
        .card[aria-pressed=false]{opacity:.35}
        .card:focus-visible,.row:focus-visible,th button:focus-visible{outline:3px solid #111;outline-offset:2px}
        .card.trusted{background:var(--trusted)}.card.valid{background:var(--valid)}.card.invalid{background:var(--invalid)}.card.error{background:var(--error)}.card.missing{background:var(--missing)}
        .total{color:var(--muted);margin-left:6px}
        .showall{font:inherit;background:none;border:1px solid var(--line);border-radius:6px;padding:6px 10px;cursor:pointer}
        table#files{width:100%;table-layout:fixed;border-collapse:collapse;background:#fff;border:1px solid var(--line)}
        .c-thumb{width:76px}.c-file{width:24%}.c-verdict{width:104px}.c-signer{width:19%}.c-time{width:13%}
        th{text-align:left;font-weight:600;background:#eef0f3;border-bottom:1px solid var(--line);padding:6px 8px}
        th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
        th button[aria-sort=ascending]::after{content:" \25B2"}th button[aria-sort=descending]::after{content:" \25BC"}
        td{padding:6px 8px;vertical-align:top;overflow-wrap:anywhere;word-break:normal}
        tbody.file{border-top:1px solid var(--line)}
        .row{cursor:pointer}.row:hover{background:#f3f6fb}
        tbody.failed .row{background:#fffafa}
        tbody.file.invalid .row td:first-child,tbody.file.error .row td:first-child{box-shadow:inset 4px 0 var(--invalid)}
        tbody.file.error .row td:first-child{box-shadow:inset 4px 0 var(--error)}
        tbody.file.missing .row td:first-child{box-shadow:inset 4px 0 var(--missing)}
        .thumb img{display:block;max-width:60px;max-height:60px;border-radius:4px;border:1px solid var(--line)}
        .name{font-weight:600}
        .badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:.85em;font-weight:600}
        .badge.trusted{background:var(--trusted-bg);color:var(--trusted)}.badge.valid{background:var(--valid-bg);color:var(--valid)}
        .badge.invalid{background:var(--invalid-bg);color:var(--invalid)}.badge.error{background:var(--error-bg);color:var(--error)}.badge.missing{background:var(--missing-bg);color:var(--missing)}
        .policy{font-size:.8em;color:var(--invalid)}
        small{color:var(--muted)}
        .proven{color:var(--trusted)}.claimed{color:var(--missing)}.bad{color:var(--invalid)}
        .detail>td{background:#fbfcfd;padding:12px 16px 16px;border-top:1px dashed var(--line)}
        .facts dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 16px;margin:8px 0}
        .facts dt{color:var(--muted)}.facts dd{margin:0}
        .reasons{margin:0;padding-left:1.2em}.reasons .note{color:var(--muted)}
        .consent,.history,.chain{margin:0;padding-left:1.2em}
        ol.process{list-style:none;margin:4px 0;padding:0 0 0 10px;border-left:2px solid var(--line);max-height:420px;overflow-y:auto}
        ol.process li{display:flex;gap:8px;align-items:flex-start;margin:0 0 6px;position:relative}
        ol.process li::before{content:"";position:absolute;left:-15px;top:14px;width:8px;height:8px;border-radius:50%;background:var(--trusted)}
        ol.process li.broken::before{background:var(--invalid)}
        ol.process img,ol.process .nothumb{flex:none;width:40px;height:40px;object-fit:cover;border-radius:3px;border:1px solid var(--line);background:#eef0f3}.consent .no b{color:var(--invalid)}.consent .yes b{color:var(--trusted)}
        table.codes{width:100%;table-layout:fixed;border-collapse:collapse;margin-top:8px;font-size:.9em}
        table.codes th:first-child{width:32%}
        table.codes td{border-top:1px solid var(--line)}table.codes tr.bad td{background:var(--invalid-bg)}
        code{font:.9em ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
        .url{font-size:.8em}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        @media print{
          @page{size:A4;margin:12mm}
          body{background:#fff;font-size:10pt}
          main{max-width:none;padding:0}
          .showall,th button::after{display:none}
          .card{color:#000;border:1px solid #999;padding:4px 10px;min-width:0}
          .card[aria-pressed=false]{opacity:1}
          *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
          .card.trusted,.card.valid,.card.invalid,.card.error,.card.missing{background:#fff}
          .c-thumb{width:50px}.thumb img{max-width:40px;max-height:40px}
          tbody.file{break-inside:avoid}
          .row:hover{background:none}
          thead{display:table-header-group}
          ol.process{max-height:none;overflow:visible}
        }
        """;

    /// <summary>Filtering by verdict (the cards), sorting (the column headings) and opening a file's detail; no server.</summary>
    public const string Script = """
        (() => {
          const table = document.getElementById('files');
          if (!table) return;
          const shown = new Set(['trusted', 'valid', 'invalid', 'missing', 'error']);
          const cards = [...document.querySelectorAll('.card[data-verdict]')];
          function filter() {
            let visible = 0;
            for (const body of table.tBodies) { const show = shown.has(body.dataset.verdict); body.hidden = !show; if (show) visible++; }
            for (const card of cards) card.setAttribute('aria-pressed', String(shown.has(card.dataset.verdict)));
            const none = document.getElementById('none'); if (none) none.hidden = visible > 0 || table.tBodies.length === 0;
          }
          for (const card of cards) card.addEventListener('click', () => {
            const v = card.dataset.verdict;
            // The first click on a card shows only that verdict; later clicks add or remove verdicts.
            if (shown.size === 5) { shown.clear(); shown.add(v); } else if (shown.has(v)) shown.delete(v); else shown.add(v);
            if (shown.size === 0) for (const c of cards) shown.add(c.dataset.verdict);
            filter();
          });
          const all = document.querySelector('.showall');
          if (all) all.addEventListener('click', () => { for (const c of cards) shown.add(c.dataset.verdict); filter(); });
          const keys = { rank: b => [Number(b.dataset.rank), Number(b.dataset.index)], name: b => [b.dataset.name.toLowerCase()],
            signer: b => [b.dataset.signer.toLowerCase() || '\uffff'], time: b => [b.dataset.time || '9999'] };
          function compare(a, b) { for (let i = 0; i < a.length; i++) { if (a[i] < b[i]) return -1; if (a[i] > b[i]) return 1; } return 0; }
          for (const button of table.querySelectorAll('th button[data-sort]')) button.addEventListener('click', () => {
            const descending = button.getAttribute('aria-sort') === 'ascending';
            for (const b of table.querySelectorAll('th button')) b.removeAttribute('aria-sort');
            button.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
            const key = keys[button.dataset.sort];
            const bodies = [...table.tBodies].map(b => [key(b).concat(Number(b.dataset.index)), b]);
            bodies.sort((x, y) => (descending ? -1 : 1) * compare(x[0], y[0]));
            for (const [, b] of bodies) table.appendChild(b);
          });
          function toggle(row) {
            const detail = row.nextElementSibling; const open = detail.hidden;
            detail.hidden = !open; row.setAttribute('aria-expanded', String(open));
          }
          table.addEventListener('click', e => { const row = e.target.closest('tr.row'); if (row && !e.target.closest('a,button')) toggle(row); });
          table.addEventListener('keydown', e => { const row = e.target.closest('tr.row'); if (row && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); toggle(row); } });
          window.provReport = { filter, shown };
        })();
        """;
}
