using System;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Formats;

/// <summary>Chooses the asset handler for a file by sniffing its first bytes.</summary>
public sealed class AssetHandlers
{
    /// <summary>How many leading bytes <see cref="IAssetHandler.CanRead"/> gets.</summary>
    public const int SniffLength = 32;

    private readonly List<IAssetHandler> _handlers = [];

    /// <summary>
    /// The handlers this library ships (embedded formats; the sidecar handler is chosen explicitly, not sniffed).
    /// PDF, BMFF (HEIC/HEIF/AVIF/MP4), GIF and JPEG XL are read only (<see cref="IAssetHandler.CanWrite"/> false):
    /// their credentials are verified, and signing them writes a sidecar. DNG is a TIFF and is read by the TIFF handler.
    /// </summary>
    public static AssetHandlers Default { get; } = new AssetHandlers()
        .Add(new JpegHandler()).Add(new PngHandler()).Add(new TiffHandler()).Add(new WebpHandler())
        .Add(new PdfHandler()).Add(new BmffHandler()).Add(new GifHandler()).Add(new JpegXlHandler());

    public IReadOnlyList<IAssetHandler> All => _handlers;

    /// <summary>Adds a handler (later handlers are asked after earlier ones).</summary>
    public AssetHandlers Add(IAssetHandler handler)
    {
        lock (_handlers)
        {
            foreach (IAssetHandler existing in _handlers)
                if (existing.FormatName == handler.FormatName) return this;
            _handlers.Add(handler);
        }
        return this;
    }

    /// <summary>The handler for a format name ("jpeg", "png", ...), or null.</summary>
    public IAssetHandler? ByName(string formatName)
    {
        lock (_handlers)
        {
            foreach (IAssetHandler handler in _handlers)
                if (string.Equals(handler.FormatName, formatName, StringComparison.OrdinalIgnoreCase)) return handler;
        }
        return null;
    }

    /// <summary>The handler whose format these first bytes identify, or null.</summary>
    public IAssetHandler? ForHeader(ReadOnlySpan<byte> header)
    {
        lock (_handlers)
        {
            foreach (IAssetHandler handler in _handlers)
                if (handler.CanRead(header)) return handler;
        }
        return null;
    }

    /// <summary>Sniffs the start of <paramref name="asset"/> (then rewinds it) and returns its handler, or null.</summary>
    public IAssetHandler? ForStream(Stream asset)
    {
        byte[] header = new byte[SniffLength];
        asset.Position = 0;
        int total = 0;
        while (total < header.Length)
        {
            int read = asset.Read(header, total, header.Length - total);
            if (read == 0) break;
            total += read;
        }
        asset.Position = 0;
        return ForHeader(header.AsSpan(0, total));
    }
}
