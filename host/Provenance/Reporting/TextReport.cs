using System.Collections.Generic;
using System.IO;
using System.Text;
using Provenance.Verification;

namespace Provenance.Reporting;

/// <summary>
/// The plain-text renderer for output that is not a terminal (a pipe or a file): one line per file, tab-separated,
/// never wrapped, so `grep`, `cut -f` and `sort` work on it and 300 files make 301 lines (a header, then the rows).
/// </summary>
public static class TextReport
{
    /// <summary>The header line's columns, in order.</summary>
    public const string Header = "file\tverdict\tsigner\ttoken\treason";

    public static void Write(TextWriter output, IReadOnlyList<FileVerification> results)
    {
        var line = new StringBuilder(256);
        output.Write(Header);
        output.Write('\n');
        foreach (FileVerification r in results)
        {
            line.Clear();
            Field(line, r.File).Append('\t').Append(ResultWords.Verdict(r.Verdict)).Append('\t');
            Field(line, ResultWords.Signer(r)).Append('\t');
            Field(line, r.Token is { } t ? ResultWords.TokenCell(t) : null).Append('\t');
            Field(line, r.Reason).Append('\n');
            output.Write(line);
        }
    }

    /// <summary>
    /// A field as one cell: tabs, line breaks and other control characters (a file name may hold any of them, and
    /// escape sequences would drive the reader's terminal) become U+FFFD, so every file is exactly one line.
    /// </summary>
    public static StringBuilder Field(StringBuilder line, string? text)
    {
        if (text is null) return line;
        foreach (char c in text) line.Append(char.IsControl(c) ? '\uFFFD' : c);
        return line;
    }

    /// <summary>Text with its control characters made visible (U+FFFD), for one line in a terminal.</summary>
    public static string Clean(string? text) => text is null ? "" : Field(new StringBuilder(text.Length), text).ToString();
}
