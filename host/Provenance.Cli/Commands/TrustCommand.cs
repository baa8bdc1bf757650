using System.CommandLine;
using System.IO;

namespace Provenance.Cli.Commands;

/// <summary>`prov trust`: the gallery's trust store of artists' root certificates and their CRLs.</summary>
public sealed class TrustCommand : Command
{
    public TrustCommand()
        : base("trust", "Manage the artists you trust (root certificates) and their revocation lists.")
    {
        var store = new Option<FileInfo>("--trust")
        {
            Description = "Trust store database (SQLite).",
            HelpName = "FILE",
            Recursive = true,
            DefaultValueFactory = _ => new FileInfo(ProvPaths.TrustStore),
        };
        Add(store);
        Add(new TrustAddCommand(store));
        Add(new TrustListCommand(store));
        Add(new TrustRemoveCommand(store));
        Add(new TrustImportCrlCommand(store));
    }
}
