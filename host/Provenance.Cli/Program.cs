using System.CommandLine;
using System.Threading.Tasks;
using Provenance.Cli.Commands;

namespace Provenance.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();

    /// <summary>The whole command tree; tests parse against it.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("prov: sign artwork with a ProvenanceDevice token and verify Content Credentials.");
        root.Add(new IdentityCommand());
        root.Add(new TrustCommand());
        return root;
    }
}
