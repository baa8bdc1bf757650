namespace Provenance.Cli;

/// <summary>Process exit codes (DESIGN.md "CLI shape").</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for succeeded (verify: every file valid or trusted).</summary>
    public const int Success = 0;
    /// <summary>The work ran but something failed (verify: some file invalid, missing or error).</summary>
    public const int Failed = 1;
    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
    /// <summary>The token could not be reached or refused the request.</summary>
    public const int DeviceError = 3;
}
