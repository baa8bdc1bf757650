using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Provenance.Cli.Commands;

/// <summary>
/// `--include`/`--exclude` file-name patterns: `*` any run of characters, `?` one character, case-insensitive (the
/// artist's "*.PSD" and "*.psd" are the same files). No includes means every name; an exclude always wins.
/// </summary>
internal sealed class NameFilter
{
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;

    public NameFilter(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        _include = include.Select(ToRegex).ToArray();
        _exclude = exclude.Select(ToRegex).ToArray();
    }

    public bool Matches(string name) =>
        (_include.Length == 0 || _include.Any(r => r.IsMatch(name))) && !_exclude.Any(r => r.IsMatch(name));

    private static Regex ToRegex(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
