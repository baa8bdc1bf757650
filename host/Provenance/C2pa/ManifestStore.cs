using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using Provenance.C2pa.Jumbf;
using Provenance.Formats;

namespace Provenance.C2pa;

/// <summary>One manifest of a store: its box, claim, signature and assertions (C2PA 2.2 §11.1).</summary>
public sealed class Manifest
{
    internal Manifest(JumbfSuperBox box)
    {
        Box = box;
        Label = box.Label ?? throw new JumbfException("/c2pa/?", 0, "manifest box has no label");
        var claims = new List<JumbfSuperBox>();
        foreach (JumbfBox child in box.Children)
        {
            if (child is not JumbfSuperBox super) continue;
            if (super.IsType(JumbfTypes.Claim)) claims.Add(super);
            else if (super.IsType(JumbfTypes.ClaimSignature)) SignatureBox ??= super;
            else if (super.IsType(JumbfTypes.AssertionStore)) AssertionStore ??= super;
        }
        ClaimBoxCount = claims.Count;
        ClaimBox = claims.Count > 0 ? claims[0] : null;
    }

    public string Label { get; }
    public JumbfSuperBox Box { get; }
    public JumbfSuperBox? ClaimBox { get; }
    public int ClaimBoxCount { get; }
    public JumbfSuperBox? SignatureBox { get; }
    public JumbfSuperBox? AssertionStore { get; }
    public bool IsUpdate => Box.IsType(JumbfTypes.UpdateManifest);

    /// <summary>The claim's CBOR bytes (the detached COSE payload).</summary>
    public byte[]? ClaimBytes => ClaimBox?.FirstContent()?.Data;

    /// <summary>The COSE_Sign1 bytes.</summary>
    public byte[]? SignatureBytes => SignatureBox?.FirstContent()?.Data;

    /// <summary>The assertion box with this label, or null.</summary>
    public JumbfSuperBox? Assertion(string label) => AssertionStore?.Child(label);
}

/// <summary>A parsed C2PA manifest store (the `c2pa` superbox).</summary>
public sealed class ManifestStore
{
    private ManifestStore(JumbfSuperBox root, List<Manifest> manifests)
    {
        Root = root;
        Manifests = manifests;
    }

    public JumbfSuperBox Root { get; }
    public IReadOnlyList<Manifest> Manifests { get; }

    /// <summary>The active manifest: the last one in the store (C2PA 2.2 §11.1.4.1).</summary>
    public Manifest? Active => Manifests.Count > 0 ? Manifests[^1] : null;

    public Manifest? Find(string label)
    {
        foreach (Manifest manifest in Manifests) if (manifest.Label == label) return manifest;
        return null;
    }

    /// <summary>Parses a store; throws <see cref="JumbfException"/> when it is not a well-formed C2PA store.</summary>
    public static ManifestStore Parse(byte[] store)
    {
        JumbfSuperBox root = JumbfReader.ReadSuperBox(store);
        if (!root.IsType(JumbfTypes.ManifestStore)) throw new JumbfException("/" + (root.Label ?? "jumb"), 0, "outermost box is not a C2PA manifest store");
        var manifests = new List<Manifest>();
        foreach (JumbfBox child in root.Children)
            if (child is JumbfSuperBox super && (super.IsType(JumbfTypes.Manifest) || super.IsType(JumbfTypes.UpdateManifest)))
                manifests.Add(new Manifest(super));
        return new ManifestStore(root, manifests);
    }

    /// <summary>SHA-256 (or the named alg) over a superbox's payload as stored: what hashed URIs cover.</summary>
    public static byte[] BoxHash(JumbfSuperBox box, string alg)
    {
        byte[] payload = box.RawPayload?.ToArray() ?? JumbfWriter.WritePayload(box);
        return DataHasher.HashBytes(payload, alg);
    }
}

/// <summary>Hashes assets with exclusions (C2PA 2.2 §18.5 `c2pa.hash.data`), streaming.</summary>
public static class DataHasher
{
    public static HashAlgorithmName AlgorithmFor(string alg) => alg switch
    {
        "sha256" => HashAlgorithmName.SHA256,
        "sha384" => HashAlgorithmName.SHA384,
        "sha512" => HashAlgorithmName.SHA512,
        _ => throw new NotSupportedException($"hash algorithm '{alg}' is not supported"),
    };

    public static byte[] HashBytes(byte[] data, string alg)
    {
        using var hash = IncrementalHash.CreateHash(AlgorithmFor(alg));
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    /// <summary>Hashes <paramref name="asset"/> from its start, skipping the excluded ranges; memory stays flat.</summary>
    public static byte[] Hash(Stream asset, IReadOnlyList<HashRange> exclusions, string alg)
    {
        using var hash = IncrementalHash.CreateHash(AlgorithmFor(alg));
        var sorted = new List<HashRange>(exclusions);
        sorted.Sort((a, b) => a.Start.CompareTo(b.Start));
        asset.Position = 0;
        byte[] buffer = new byte[1 << 16];
        long position = 0;
        int next = 0;
        while (true)
        {
            while (next < sorted.Count && sorted[next].End <= position) next++;
            long limit = long.MaxValue;
            if (next < sorted.Count)
            {
                if (sorted[next].Start <= position)
                {
                    long skipTo = sorted[next].End;
                    asset.Position = Math.Min(skipTo, asset.Length);
                    position = skipTo;
                    if (position >= asset.Length) break;
                    continue;
                }
                limit = sorted[next].Start - position;
            }
            int read = asset.Read(buffer, 0, (int)Math.Min(buffer.Length, limit));
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            position += read;
        }
        return hash.GetHashAndReset();
    }
}
