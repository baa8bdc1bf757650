using System;
using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Provenance.Cli.Commands;

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
            await Console.Error.WriteLineAsync($"prov: {OneLine(ex.Message)}");
            if (Environment.GetEnvironmentVariable("PROV_DEBUG") == "1") await Console.Error.WriteLineAsync(ex.ToString());
            return ErrorExitCodes.For(ex);
        }
    }

    /// <summary>The whole command tree; tests parse against it.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("prov: sign artwork with a ProvenanceDevice token and verify Content Credentials.");
        root.Add(new DeviceCommand());
        root.Add(new EmulatorCommand());
        return root;
    }

    private static bool IsHelpRequest(string[] args) => Array.Exists(args, a => a is "-h" or "--help" or "-?");

    internal static string OneLine(string message) =>
        message.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Trim();
}

/// <summary>Maps exceptions that reach the edge to exit codes.</summary>
internal static class ErrorExitCodes
{
    public static int For(Exception ex) => ex switch
    {
        ArgumentException => ExitCodes.Usage,
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException => ExitCodes.Failed,
        _ when ex.GetType().Namespace == "Provenance.Device" => ExitCodes.DeviceError,
        _ => ExitCodes.Failed,
    };
}
