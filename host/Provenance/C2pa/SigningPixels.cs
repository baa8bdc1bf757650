using System;
using System.IO;
using Provenance.C2pa.Jumbf;
using Provenance.Fingerprint;
using Provenance.Formats;

namespace Provenance.C2pa;

/// <summary>
/// The pixel work of a signature (the claim thumbnail and the ISCC soft binding) from the one read that hashes the
/// file (DESIGN.md "Performance model", issue 14):
/// - an input of at most <see cref="InMemoryLimit"/> bytes is read once, front to back, into memory; the decoder and
///   then the handler's hashing copy read those bytes, not the file;
/// - a larger uncompressed TIFF scan is sampled strip by strip as the hashing copy reads it
///   (<see cref="TiffStripSampler"/>); its two assertions are placed at fixed sizes before the copy (the thumbnail padded
///   to <see cref="Thumbnail.MaxBytes"/> with JPEG comment segments, the code's text has one length) and filled in after;
/// - any other large file is signed without them (decoding it would need a second read or unbounded memory).
/// </summary>
public sealed class SigningPixels
{
    /// <summary>Inputs up to this size are held in memory for the one read.</summary>
    public const long DefaultInMemoryLimit = 128L * 1024 * 1024;

    private static readonly System.Threading.AsyncLocal<long?> LimitOverride = new();

    /// <summary>The in-memory limit in force (<see cref="DefaultInMemoryLimit"/> unless a test lowered it).</summary>
    public static long InMemoryLimit => LimitOverride.Value ?? DefaultInMemoryLimit;

    /// <summary>
    /// Lowers the in-memory limit in this async flow until disposed (tests: to take the streaming path with a file of
    /// a few megabytes instead of hundreds).
    /// </summary>
    public static IDisposable UseInMemoryLimit(long bytes)
    {
        long? previous = LimitOverride.Value;
        LimitOverride.Value = bytes;
        return new Restore(previous);
    }

    private sealed class Restore(long? previous) : IDisposable
    {
        public void Dispose() => LimitOverride.Value = previous;
    }

    private TiffStripSampler? _sampler;
    private int _thumbnailIndex = -1;
    private int _codeIndex = -1;

    private SigningPixels() { }

    public IsccImageCode? Code { get; private set; }

    public byte[]? Thumbnail { get; private set; }

    /// <summary>True when the pixels are sampled during the copy and the assertions are filled in after it.</summary>
    public bool Streaming => _sampler != null;

    /// <summary>
    /// Reads <paramref name="input"/> for the signature and returns the stream the signer reads from instead: the
    /// bytes in memory, the input with the strip sampler watching, or the input as it was.
    /// </summary>
    /// <param name="version">A saved version of a history (smaller thumbnail: <see cref="Fingerprint.Thumbnail.VersionMaxSide"/>).</param>
    internal static Stream Prepare(Stream input, out SigningPixels pixels, bool version = false)
    {
        pixels = new SigningPixels();
        if (!input.CanSeek) return input;
        long length = input.Length;
        if (length <= InMemoryLimit)
        {
            var bytes = new byte[length];
            input.Position = 0;
            input.ReadExactly(bytes);
            DecodedImage? decoded = ImageDecoder.TryDecode(bytes);
            if (decoded != null)
            {
                // Two independent passes over the pixels: on a second core when there is one.
                var thumbnail = System.Threading.Tasks.Task.Run(() => version
                    ? Fingerprint.Thumbnail.FromImage(decoded, Fingerprint.Thumbnail.VersionMaxBytes, Fingerprint.Thumbnail.VersionMaxSide)
                    : Fingerprint.Thumbnail.FromImage(decoded));
                pixels.Code = decoded.Code();
                pixels.Thumbnail = thumbnail.GetAwaiter().GetResult();
            }
            return new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);
        }
        input.Position = 0;
        if (TiffStripSampler.TryCreate(input) is { } sampler)
        {
            pixels._sampler = sampler;
            return new ObservedStream(input, sampler.Observe);
        }
        return input;
    }

    /// <summary>Adds the thumbnail and soft-binding assertions (placeholders of their final size when streaming).</summary>
    internal void AddAssertions(System.Collections.Generic.List<JumbfSuperBox> boxes)
    {
        if (_sampler != null)
        {
            _thumbnailIndex = boxes.Count;
            boxes.Add(Assertions.EmbeddedFile(AssertionLabels.ThumbnailJpeg, Fingerprint.Thumbnail.MediaType, new byte[Fingerprint.Thumbnail.MaxBytes]));
            _codeIndex = boxes.Count;
            boxes.Add(Assertions.SoftBinding(IsccImageCode.Algorithm, new IsccImageCode(0).ToString()));
            return;
        }
        if (Thumbnail != null) boxes.Add(Assertions.EmbeddedFile(AssertionLabels.ThumbnailJpeg, Fingerprint.Thumbnail.MediaType, Thumbnail));
        if (Code is { } code) boxes.Add(Assertions.SoftBinding(IsccImageCode.Algorithm, code.ToString()));
    }

    /// <summary>After the copy: the sampled pixels replace the placeholders, at the same sizes.</summary>
    internal void CompleteAssertions(System.Collections.Generic.List<JumbfSuperBox> boxes)
    {
        if (_sampler == null) return;
        DecodedImage sample = _sampler.Sample();
        Code = sample.Code();
        // A comment segment takes at least 4 bytes: the JPEG is kept 4 short of the slot so padding always fits.
        Thumbnail = Fingerprint.Thumbnail.PadTo(Fingerprint.Thumbnail.FromImage(sample, Fingerprint.Thumbnail.MaxBytes - 4), Fingerprint.Thumbnail.MaxBytes);
        boxes[_thumbnailIndex] = Assertions.EmbeddedFile(AssertionLabels.ThumbnailJpeg, Fingerprint.Thumbnail.MediaType, Thumbnail);
        boxes[_codeIndex] = Assertions.SoftBinding(IsccImageCode.Algorithm, Code.Value.ToString());
    }
}
