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

    /// <summary>The gallery trust store (SQLite).</summary>
    public static string TrustStore => Path.Combine(Home, "trust.db");
}
