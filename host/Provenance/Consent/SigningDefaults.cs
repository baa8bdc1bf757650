using System;
using Provenance.C2pa;

namespace Provenance.Consent;

/// <summary>
/// What the artist set once so she need not repeat it on every `prov sign`: the source type her files are (her
/// declaration, written into every manifest) and the RFC 3161 time-stamp authority. Kept beside the consent claims
/// in consent.json (`"defaults"`), set with `prov consent set --source … --tsa …`. A value given on the command line wins.
/// </summary>
public sealed record SigningDefaults
{
    /// <summary>camera, scan or tablet; null until the artist chooses (then `--source` is required).</summary>
    public CaptureSource? Source { get; init; }

    /// <summary>The time-stamp authority asked for a token on every signature; null for none.</summary>
    public Uri? TimeStampAuthority { get; init; }

    /// <summary>The words used on the command line and in consent.json.</summary>
    public static string SourceName(CaptureSource source) => source.ToString().ToLowerInvariant();

    /// <summary>Parses camera, scan or tablet (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static CaptureSource ParseSource(string value, string what) =>
        Enum.TryParse(value, ignoreCase: true, out CaptureSource source) && Enum.IsDefined(source) && !int.TryParse(value, out _)
            ? source
            : throw new ArgumentException($"{what}: '{value}' is not one of camera, scan, tablet");

    /// <summary>An absolute http or https URL, as RFC 3161 over HTTP needs.</summary>
    /// <exception cref="ArgumentException">Anything else, with what was wrong.</exception>
    public static Uri ParseTimeStampAuthority(string value, string what)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"{what}: '{value}' is not an http:// or https:// URL of a time-stamp authority");
        return uri;
    }
}
