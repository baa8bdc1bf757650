using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Provenance.C2pa;
using Provenance.C2pa.Jumbf;
using Provenance.Consent;
using Provenance.Formats;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Fuzz;

/// <summary>
/// Seeds per target, made at run time from the shared fixtures (never copied into the repo) and from small inputs
/// made here: whole files for the walkers, and the stores, claims, assertions, signatures, time stamps, certificates
/// and XMP packets taken out of those files for the inner parsers.
/// </summary>
public static class Seeds
{
    /// <summary>Largest fixture used as a seed: AFL++ works best on small inputs and trims larger ones slowly.</summary>
    private const long MaxSeedBytes = 256 * 1024;

    public static void Write(FuzzTargets targets, string target, string folder)
    {
        Directory.CreateDirectory(folder);
        int n = 0;
        foreach (byte[] seed in For(targets, target).Where(s => s.Length > 0).DistinctBy(Convert.ToHexString).Take(64))
            File.WriteAllBytes(Path.Combine(folder, $"seed-{n++:D3}"), seed);
        Console.WriteLine($"{target}: {n} seeds in {folder}");
    }

    private static IEnumerable<string> Fixtures()
    {
        string c2pa = Program.FixturesFolder();
        string corpus = Path.Combine(Path.GetDirectoryName(c2pa)!, "c2pa-rs-corpus");
        IEnumerable<string> files = Directory.EnumerateFiles(c2pa);
        if (Directory.Exists(corpus)) files = files.Concat(Directory.EnumerateFiles(corpus));
        return files.Where(f => new FileInfo(f).Length <= MaxSeedBytes).OrderBy(f => f, StringComparer.Ordinal);
    }

    private static IEnumerable<(string Format, byte[] Bytes)> Assets()
    {
        foreach (string file in Fixtures())
        {
            byte[] bytes = File.ReadAllBytes(file);
            IAssetHandler? handler = AssetHandlers.Default.ForStream(new MemoryStream(bytes));
            if (handler != null) yield return (handler.FormatName, bytes);
        }
    }

    private static IEnumerable<byte[]> Stores()
    {
        foreach ((string format, byte[] bytes) in Assets())
        {
            byte[]? store = null;
            try
            {
                store = AssetHandlers.Default.ByName(format)!.ReadManifestStore(new MemoryStream(bytes));
            }
            catch (AssetFormatException)
            {
            }
            if (store != null) yield return store;
        }
    }

    private static IEnumerable<Manifest> Manifests()
    {
        foreach (byte[] store in Stores())
        {
            ManifestStore? parsed = null;
            try
            {
                parsed = ManifestStore.Parse(store);
            }
            catch (JumbfException)
            {
            }
            if (parsed != null) foreach (Manifest m in parsed.Manifests) yield return m;
        }
    }

    private static IEnumerable<byte[]> For(FuzzTargets targets, string target)
    {
        switch (target)
        {
            case "jpeg" or "png" or "tiff" or "webp":
                foreach ((string format, byte[] bytes) in Assets()) if (format == target) yield return bytes;
                foreach (byte[] small in Small(target)) yield return small;
                break;
            case "jumbf":
                yield return targets.TemplateStore;
                foreach (byte[] store in Stores()) yield return store;
                break;
            case "claim":
                foreach (Manifest m in Manifests()) if (m.ClaimBytes is { } claim) yield return claim;
                break;
            case "assertion":
                foreach (Manifest m in Manifests().Take(8))
                {
                    int i = 0;
                    foreach (JumbfSuperBox box in m.AssertionStore?.Children.OfType<JumbfSuperBox>() ?? [])
                        if (box.FirstContent() is { } content) yield return [(byte)i++, .. content.Data];
                }
                break;
            case "cose":
                foreach (Manifest m in Manifests()) if (m.SignatureBytes is { } cose) yield return cose;
                break;
            case "tsa":
                foreach (Manifest m in Manifests())
                {
                    ParsedCoseSign1? cose = null;
                    try
                    {
                        if (m.SignatureBytes != null) cose = ParsedCoseSign1.Parse(m.SignatureBytes);
                    }
                    catch (Exception e) when (e is FormatException or System.Formats.Cbor.CborContentException or InvalidOperationException)
                    {
                    }
                    if (cose?.TimeStampToken is { } token) yield return token;
                }
                break;
            case "x509":
                yield return targets.FuzzLeaf.RawData;
                foreach (Manifest m in Manifests())
                {
                    ParsedCoseSign1? cose = null;
                    try
                    {
                        if (m.SignatureBytes != null) cose = ParsedCoseSign1.Parse(m.SignatureBytes);
                    }
                    catch (Exception e) when (e is FormatException or System.Formats.Cbor.CborContentException or InvalidOperationException)
                    {
                    }
                    foreach (byte[] der in cose?.CertificateChain ?? []) yield return der;
                }
                break;
            case "crl":
                yield return targets.FuzzCrl;
                break;
            case "xmp":
                yield return Encoding.UTF8.GetBytes(ConsentXmp.Build(ConsentClaims.AllNotAllowed(), null, "Ada", "Seed"));
                foreach ((string format, byte[] bytes) in Assets())
                {
                    string? xmp = null;
                    try
                    {
                        xmp = AssetHandlers.Default.ByName(format)!.ReadXmp(new MemoryStream(bytes));
                    }
                    catch (AssetFormatException)
                    {
                    }
                    if (xmp != null) yield return Encoding.UTF8.GetBytes(xmp);
                }
                break;
            case "frame":
                yield return new Frame(1, 0, 1, []).Encode();
                yield return new Frame(2, Frame.FlagMore, 2, new byte[Frame.MaxPayload]).Encode().Concat(new Frame(2, 0, 3, new byte[17]).Encode()).ToArray();
                yield return [0, 0, .. new Frame(0x81, 0, 9, Encoding.ASCII.GetBytes("hello token")).Encode()];
                break;
            case "serve":
                yield return [.. "scan.png\n"u8, .. Small("png").First()];
                foreach ((string format, byte[] bytes) in Assets())
                    if (bytes.Length < 16 * 1024) yield return [.. Encoding.UTF8.GetBytes("../" + format + "\u00e9.x\n"), .. bytes];
                break;
            default:
                throw new ArgumentException($"unknown fuzz target '{target}'", nameof(target));
        }
    }

    /// <summary>Small unsigned images made with SkiaSharp (TIFF: a minimal one-strip file written by hand).</summary>
    private static IEnumerable<byte[]> Small(string format)
    {
        if (format == "tiff")
        {
            // Little-endian TIFF, 2×2 8-bit grey, one strip: header, IFD of 6 entries, 4 pixel bytes.
            var tiff = new MemoryStream();
            var w = new BinaryWriter(tiff);
            w.Write("II"u8); w.Write((ushort)42); w.Write(8u);
            w.Write((ushort)6);
            void Entry(ushort tag, ushort type, uint count, uint value) { w.Write(tag); w.Write(type); w.Write(count); w.Write(value); }
            Entry(256, 3, 1, 2); Entry(257, 3, 1, 2); Entry(258, 3, 1, 8); Entry(262, 3, 1, 1);
            Entry(273, 4, 1, 8 + 2 + 6 * 12 + 4); Entry(279, 4, 1, 4);
            w.Write(0u);
            w.Write(new byte[] { 0, 80, 160, 255 });
            yield return tiff.ToArray();
            yield break;
        }
        SkiaSharp.SKEncodedImageFormat skia = format switch
        {
            "jpeg" => SkiaSharp.SKEncodedImageFormat.Jpeg,
            "png" => SkiaSharp.SKEncodedImageFormat.Png,
            _ => SkiaSharp.SKEncodedImageFormat.Webp,
        };
        using var bitmap = new SkiaSharp.SKBitmap(8, 6);
        bitmap.Erase(new SkiaSharp.SKColor(200, 40, 90));
        using SkiaSharp.SKData data = bitmap.Encode(skia, 80);
        yield return data.ToArray();
    }
}
