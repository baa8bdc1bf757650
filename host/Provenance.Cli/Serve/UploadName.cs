using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace Provenance.Cli.Serve;

/// <summary>
/// The name a browser gives an upload (`/verify?name=`), made safe to show back: only the last path segment, never
/// a control character, never longer than a file name can be. The name is only shown; the upload is stored under
/// <see cref="OnDisk"/>, so nothing the client sends becomes part of a path on this computer.
/// </summary>
public static partial class UploadName
{
    /// <summary>Longest name accepted, in UTF-8 bytes: the limit of ext4, APFS and NTFS file names.</summary>
    public const int MaxBytes = 255;

    /// <summary>Shown for an upload without a usable name.</summary>
    public const string Unnamed = "upload";

    /// <summary>
    /// The name to show for <paramref name="requested"/>, or false with a one-line <paramref name="problem"/>
    /// (which does not repeat the name) when it is refused.
    /// </summary>
    public static bool TryClean(string? requested, out string name, out string problem)
    {
        name = Unnamed;
        problem = "";
        if (string.IsNullOrEmpty(requested)) return true;
        foreach (char c in requested)
        {
            // NUL, newlines, escape sequences (Cc) and the bidirectional overrides that make "gpj.exe" read "exe.jpg" (Cf).
            if (char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                problem = "the file name contains control characters";
                return false;
            }
        }
        string last = requested[(requested.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        if (Encoding.UTF8.GetByteCount(last) > MaxBytes)
        {
            problem = $"the file name is longer than {MaxBytes} bytes";
            return false;
        }
        if (last is not ("" or "." or "..")) name = last;
        return true;
    }

    /// <summary>
    /// The file name an upload is stored under in its private folder: fixed, keeping only a plain extension, which the
    /// verifier uses to find a sidecar's media type.
    /// </summary>
    public static string OnDisk(string name)
    {
        string extension = Path.GetExtension(name);
        return PlainExtension().IsMatch(extension) ? "upload" + extension : "upload";
    }

    [GeneratedRegex("^\\.[A-Za-z0-9]{1,10}$")]
    private static partial Regex PlainExtension();
}
