using System;
using System.Collections.Generic;
using Provenance.Consent;
using Provenance.Formats;

namespace Provenance.C2pa;

/// <summary>How the work came to be: decides the IPTC digital source type of the `c2pa.created` action.</summary>
public enum CaptureSource
{
    /// <summary>A camera capture: `digitalCapture`.</summary>
    Camera,
    /// <summary>A scan of a physical work: `print` ("digitised from a print" in the IPTC vocabulary).</summary>
    Scan,
    /// <summary>A drawing made on a tablet: `digitalCreation`.</summary>
    Tablet,
}

/// <summary>IPTC digital source type URIs (cv.iptc.org/newscodes/digitalsourcetype).</summary>
public static class DigitalSourceTypes
{
    public const string Prefix = "http://cv.iptc.org/newscodes/digitalsourcetype/";
    public const string DigitalCapture = Prefix + "digitalCapture";
    public const string Print = Prefix + "print";
    public const string DigitalCreation = Prefix + "digitalCreation";

    public static string For(CaptureSource source) => source switch
    {
        CaptureSource.Camera => DigitalCapture,
        CaptureSource.Scan => Print,
        CaptureSource.Tablet => DigitalCreation,
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };
}

/// <summary>Where the token keeps its key, as written in the token assertion.</summary>
public enum TokenKeyProtection
{
    /// <summary>In an ATECC608B secure element: `secureElement`.</summary>
    SecureElement,
    /// <summary>A development-mode software key: `software`.</summary>
    Software,
    /// <summary>The emulator's ATECC608B model, for development: `emulatedSecureElement`, never hardware.</summary>
    EmulatedSecureElement,
}

/// <summary>What to put in the manifest of one signed file.</summary>
public sealed class SigningRequest
{
    /// <summary>The claim generator name written in `claim_generator_info`.</summary>
    public const string GeneratorName = "prov";

    /// <summary>The claim generator version written in `claim_generator_info`.</summary>
    public const string GeneratorVersion = "0.1";

    public string? Title { get; init; }
    public string? ArtistName { get; init; }
    public CaptureSource Source { get; init; } = CaptureSource.Scan;
    public ConsentClaims Consent { get; init; } = ConsentClaims.AllNotAllowed();
    public string? TokenSerial { get; init; }
    public long? TokenCounter { get; init; }
    /// <summary>
    /// Write <see cref="TokenSerial"/> and <see cref="TokenCounter"/> into the claim's `claim_generator_info` too, where a
    /// protocol 2 token checks them before it signs (firmware/PROTOCOL.md, "Counter binding").
    /// </summary>
    public bool BindTokenCounter { get; init; }
    public TokenKeyProtection KeyProtection { get; init; } = TokenKeyProtection.SecureElement;
    /// <summary>An XMP packet to embed (replacing the asset's), passed through to the asset handler.</summary>
    public string? Xmp { get; init; }
    /// <summary>An RFC 3161 time-stamp authority; when set the signature gets a `sigTst2` time stamp.</summary>
    public Uri? TimeStampAuthority { get; init; }

    /// <summary>
    /// The previous version's complete manifest store, kept by the history (History/HistoryStore): it becomes the one
    /// `parentOf` ingredient instead of a store the input carries (a drawing app rewrites the file without ours).
    /// </summary>
    public byte[]? ParentStore { get; init; }

    /// <summary>A saved version of a history (issue 16): its thumbnail is kept small, since every version travels in the final file.</summary>
    public bool HistoryVersion { get; init; }

    /// <summary>The action that follows `c2pa.opened` when there is a parent (a saved version of a drawing: `c2pa.drawing`).</summary>
    public string? EditAction { get; init; }

    /// <summary>The time the actions state (`when`); the signer's statement, proven only by a time stamp. Null: not stated.</summary>
    public DateTimeOffset? When { get; init; }
}

/// <summary>What signing produced.</summary>
public sealed record SignResult(
    string ManifestLabel,
    int StoreLength,
    IReadOnlyList<HashRange> Exclusions,
    byte[] DataHash,
    bool TimeStamped,
    bool HasParentIngredient)
{
    /// <summary>True when the data hash was computed while the output was written (one pass), not by reading it back.</summary>
    public bool HashedWhileWriting { get; init; }

    /// <summary>Why a time stamp was asked for and not added (authority unreachable, refused, unusable answer); null otherwise.</summary>
    public string? TimeStampProblem { get; init; }

    /// <summary>The RFC 3161 time stamp's genTime when one was added (for the artist's signing record); null otherwise.</summary>
    public DateTimeOffset? TimeStampTime { get; init; }

    /// <summary>The complete manifest store as written (what the history keeps of this version).</summary>
    public byte[]? Store { get; init; }
}
