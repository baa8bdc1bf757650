using System;
using System.IO;

namespace Provenance;

/// <summary>Where prov keeps its state: $PROV_HOME, else the user's data folder (~/.local/share/prov on Linux).</summary>
public static class ProvPaths
{
    public const string HomeVariable = "PROV_HOME";

    public static string Home
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable(HomeVariable);
            string path = !string.IsNullOrWhiteSpace(overridden)
                ? overridden
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "prov");
            // Owner-only (0700) when prov creates it: it holds key files (an existing folder keeps the mode its owner chose).
            Provenance.IO.KeyFiles.CreatePrivateFolder(path);
            return path;
        }
    }

    /// <summary>State of the embedded software token (used when no hardware token is attached).</summary>
    public static string EmbeddedTokenState => Path.Combine(Home, "embedded-token");

    /// <summary>The artist identity (root certificate and encrypted key).</summary>
    public static string Identity => Path.Combine(Home, "identity");

    /// <summary>Environment variable naming the trust store every command uses when --trust is not given.</summary>
    public const string TrustStoreVariable = "PROV_TRUST_DB";

    /// <summary>Environment variable naming a PEM trust list `prov verify` and `prov serve` also trust when --trust-list is not given.</summary>
    public const string TrustListVariable = "PROV_TRUST_LIST";

    /// <summary>The gallery trust store (SQLite): $PROV_TRUST_DB, else trust.db in the prov home folder.</summary>
    public static string TrustStore => Environment.GetEnvironmentVariable(TrustStoreVariable) is { Length: > 0 } overridden ? overridden : Path.Combine(Home, "trust.db");

    /// <summary>$PROV_TRUST_LIST when set: a PEM bundle (e.g. the C2PA trust list) trusted in addition to the store.</summary>
    public static string? TrustList => Environment.GetEnvironmentVariable(TrustListVariable) is { Length: > 0 } list ? list : null;
}
