using System;
using System.CommandLine;
using System.Threading.Tasks;
using Provenance.Cli.Commands;
using Provenance.Verification;

namespace Provenance.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        RootCommand root = CreateRootCommand();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !IsHelpRequest(args))
        {
            foreach (var error in parse.Errors) await Console.Error.WriteLineAsync($"prov: {error.Message}");
            await Console.Error.WriteLineAsync("Run 'prov --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("prov: cancelled");
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            // Domain errors are caught once, here, and printed as one line (STYLE.md #11).
            (int code, string message) = CommandErrors.Map(ex);
            await Console.Error.WriteLineAsync($"prov: {CommandErrors.OneLine(message)}");
            if (Environment.GetEnvironmentVariable("PROV_DEBUG") == "1") await Console.Error.WriteLineAsync(ex.ToString());
            return code;
        }
    }

    /// <summary>The whole command tree; tests parse against it.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("prov: sign artwork with a ProvenanceDevice token and verify Content Credentials.");
        root.Add(new SignCommand());
        root.Add(new WatchCommand());
        root.Add(new HistoryCommand());
        root.Add(new VerifyCommand(Verifier.VerifyFile, TrustLoader.Load));
        root.Add(new ServeCommand(Verifier.VerifyFile, TrustLoader.Load));
        root.Add(new ConsentCommand());
        root.Add(new BenchCommand());
        root.Add(new FingerprintCommand());
        root.Add(new RegistryCommand());
        root.Add(new IdentityCommand());
        root.Add(new TrustCommand());
        root.Add(new DeviceCommand());
        root.Add(new EmulatorCommand());
        root.Add(new C2patoolSignerCommand());
        return root;
    }

    private static bool IsHelpRequest(string[] args) => Array.Exists(args, a => a is "-h" or "--help" or "-?");
}
