using System.CommandLine;
using System.IO;

namespace Provenance.Cli.Commands;

/// <summary>`prov identity`: the artist's root certificate and the tokens it certifies.</summary>
public sealed class IdentityCommand : Command
{
    public IdentityCommand(CommandServices? services = null)
        : base("identity", "Create and manage your artist identity (root certificate), enroll and revoke tokens.")
    {
        services ??= CommandServices.Default;
        var folder = new Option<DirectoryInfo>("--identity")
        {
            Description = "Identity folder.",
            HelpName = "DIR",
            Recursive = true,
            DefaultValueFactory = _ => new DirectoryInfo(ProvPaths.Identity),
        };
        Add(folder);
        Add(new IdentityCreateCommand(folder, services));
        Add(new IdentityShowCommand(folder));
        Add(new IdentityEnrollCommand(folder, services));
        Add(new IdentityExportCommand(folder));
        Add(new IdentityRevokeCommand(folder, services));
        Add(new IdentityHistoryCommand());
    }
}
