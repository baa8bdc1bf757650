using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Provenance.Verification;

namespace Provenance.Reporting;

/// <summary>
/// The batch as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line
/// break), for a spreadsheet: `prov serve`'s "CSV" export. One row per file, the same facts as the JSON's top fields.
/// </summary>
public static class CsvReport
{
    /// <summary>The header row's columns, in order (names as in the JSON).</summary>
    public const string Header = "file,verdict,reason,signer,verified,serial,counter,counterBound,keyProtection,sourceType,time,timeStamped,codes";

    public static string Render(IReadOnlyList<FileVerification> results)
    {
        var csv = new StringBuilder(Header.Length + 2 + results.Count * 200).Append(Header).Append("\r\n");
        foreach (FileVerification r in results) csv.Append(Row(r)).Append("\r\n");
        return csv.ToString();
    }

    /// <summary>One file's row, without its line end.</summary>
    public static string Row(FileVerification r)
    {
        var row = new StringBuilder(256);
        Field(row, r.File).Append(',');
        Field(row, ResultWords.Verdict(r.Verdict)).Append(',');
        Field(row, r.Reason).Append(',');
        Field(row, ResultWords.Signer(r)).Append(',');
        Field(row, r.Signer?.Verified is null ? "false" : "true").Append(',');
        Field(row, r.Token?.Serial).Append(',');
        Field(row, r.Token?.Counter?.ToString(CultureInfo.InvariantCulture)).Append(',');
        Field(row, r.Token is null ? null : r.Token.CounterBound ? "true" : "false").Append(',');
        Field(row, r.Token?.KeyProtection).Append(',');
        Field(row, r.SourceType?.Iptc).Append(',');
        Field(row, r.Time is { } t ? VerificationJson.Rfc3339(t.Value) : null).Append(',');
        Field(row, r.Time is null ? null : r.Time.TimeStamped ? "true" : "false").Append(',');
        Field(row, string.Join(' ', r.Codes));
        return row.ToString();
    }

    private static StringBuilder Field(StringBuilder row, string? text)
    {
        if (string.IsNullOrEmpty(text)) return row;
        // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) starts with an apostrophe instead (OWASP
        // "CSV injection"): a file name is the uploader's choice.
        bool formula = text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        bool quote = formula || text.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote) return row.Append(text);
        row.Append('"');
        if (formula) row.Append('\'');
        foreach (char c in text) row.Append(c == '"' ? "\"\"" : c.ToString());
        return row.Append('"');
    }
}
