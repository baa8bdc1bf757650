using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using Provenance.Trust;
using Provenance.Verification;

namespace Provenance.Cli.Commands;

/// <summary>What `prov verify` trusts: the trust store (if there is one) plus an optional PEM bundle such as the C2PA trust list.</summary>
internal static class TrustLoader
{
    public static TrustSettings Load(string? trustStorePath, string? trustListPem)
    {
        // PROV_TRUST_DB and PROV_TRUST_LIST stand in for the options (README, "For galleries"); a named store that is
        // missing is an error either way, so a typo never verifies against nothing.
        trustStorePath ??= Environment.GetEnvironmentVariable(ProvPaths.TrustStoreVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        trustListPem ??= ProvPaths.TrustList;
        string path = trustStorePath ?? ProvPaths.TrustStore;
        var anchors = new List<X509Certificate2>();
        var crls = new List<byte[]>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            using TrustStore store = TrustStore.Open(path);
            TrustSettings stored = store.ToTrustSettings();
            anchors.AddRange(stored.Anchors);
            crls.AddRange(stored.Crls);
            foreach (var (fingerprint, name) in stored.AnchorNames) names[fingerprint] = name;
        }
        else if (trustStorePath is not null)
        {
            throw new FileNotFoundException($"trust store {trustStorePath} does not exist");
        }
        if (trustListPem is not null)
        {
            if (!File.Exists(trustListPem)) throw new FileNotFoundException($"trust list {trustListPem} does not exist");
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(trustListPem);
            if (bundle.Count == 0) throw new InvalidDataException($"{trustListPem} holds no PEM certificates");
            foreach (X509Certificate2 root in bundle)
            {
                anchors.Add(root);
                names.TryAdd(CertificateFingerprint.Sha256(root), $"{Path.GetFileName(trustListPem)}: {root.GetNameInfo(X509NameType.SimpleName, false)}");
            }
        }
        return anchors.Count == 0 && crls.Count == 0 ? TrustSettings.None : new TrustSettings { Anchors = anchors, Crls = crls, AnchorNames = names };
    }
}
