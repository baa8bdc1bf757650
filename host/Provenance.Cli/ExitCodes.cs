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
    /// <summary>The identity password was wrong.</summary>
    public const int WrongPassword = 10;
    /// <summary>The identity, trusted root or token asked for does not exist.</summary>
    public const int NotFound = 11;
    /// <summary>Refused to overwrite something that already exists (an identity).</summary>
    public const int AlreadyExists = 12;
    /// <summary>A state file (identity folder, trust store) is damaged; it was left unchanged.</summary>
    public const int DamagedState = 13;
    /// <summary>The request was refused: not a CA certificate, duplicate root, CRL not signed by a trusted root, a token the artist revoked.</summary>
    public const int Rejected = 14;
    /// <summary>The token's signature did not verify over the bytes sent with its certified key; no file was written.</summary>
    public const int BadTokenSignature = 15;
}
