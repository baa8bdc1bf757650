using System;
using System.Formats.Cbor;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;

namespace Provenance.Fingerprint;

/// <summary>Reads the ISCC Image-Code from a manifest's `c2pa.soft-binding` assertion (C2PA 2.2 §18.10).</summary>
public static class SoftBindingReader
{
    // A soft-binding assertion is a few hundred bytes; anything far larger is not one we wrote or need to read.
    private const int MaxAssertionBytes = 64 * 1024;

    /// <summary>The first `io.iscc.v0` block value that parses as a 64-bit Image-Code, or null.</summary>
    public static IsccImageCode? IsccCode(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.AssertionStore == null) return null;
        foreach (JumbfBox child in manifest.AssertionStore.Children)
        {
            if (child is not JumbfSuperBox box || box.Label is not { } label) continue;
            if (label != AssertionLabels.SoftBinding && !label.StartsWith(AssertionLabels.SoftBinding + "__", StringComparison.Ordinal)) continue;
            if (box.FirstContent()?.Data is not { Length: <= MaxAssertionBytes } data) continue;
            try
            {
                if (Read(data) is { } code) return code;
            }
            catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException)
            {
                // A malformed soft binding is skipped, as if absent.
            }
        }
        return null;
    }

    private static IsccImageCode? Read(byte[] cbor)
    {
        var reader = new CborReader(cbor, CborConformanceMode.Lax);
        string? alg = null;
        IsccImageCode? found = null;
        int? entries = reader.ReadStartMap();
        for (int i = 0; entries == null ? reader.PeekState() != CborReaderState.EndMap : i < entries; i++)
        {
            string key = reader.ReadTextString();
            if (key == "alg" && reader.PeekState() == CborReaderState.TextString) alg = reader.ReadTextString();
            else if (key == "blocks" && reader.PeekState() == CborReaderState.StartArray) found = FirstBlockCode(reader);
            else reader.SkipValue();
        }
        return alg == IsccImageCode.Algorithm ? found : null;
    }

    private static IsccImageCode? FirstBlockCode(CborReader reader)
    {
        IsccImageCode? found = null;
        int? blocks = reader.ReadStartArray();
        for (int b = 0; blocks == null ? reader.PeekState() != CborReaderState.EndArray : b < blocks; b++)
        {
            if (reader.PeekState() != CborReaderState.StartMap) { reader.SkipValue(); continue; }
            int? fields = reader.ReadStartMap();
            for (int f = 0; fields == null ? reader.PeekState() != CborReaderState.EndMap : f < fields; f++)
            {
                string key = reader.ReadTextString();
                if (key != "value" || reader.PeekState() != CborReaderState.TextString)
                {
                    reader.SkipValue();
                    continue;
                }
                string value = reader.ReadTextString();
                if (found == null && IsccImageCode.TryParse(value, out IsccImageCode code)) found = code;
            }
            reader.ReadEndMap();
        }
        reader.ReadEndArray();
        return found;
    }
}
