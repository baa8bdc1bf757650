using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Provenance.IO;
using Provenance.Device;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>Runs a command body and turns domain errors into one line on stderr and a named exit code, in one place.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken, Func<TextWriter, CancellationToken, Task<int>> body)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        try
        {
            return await body(output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            (int code, string message) = Map(e);
            await error.WriteLineAsync("prov: " + OneLine(message)).ConfigureAwait(false);
            return code;
        }
    }

    /// <summary>The one mapping from an exception that reached the edge to an exit code and a one-line message.</summary>
    public static (int Code, string Message) Map(Exception exception) => exception switch
    {
        WrongPasswordException e => (ExitCodes.WrongPassword, e.Message),
        IdentityNotFoundException e => (ExitCodes.NotFound, e.Message),
        TrustedRootNotFoundException e => (ExitCodes.NotFound, e.Message),
        IdentityExistsException e => (ExitCodes.AlreadyExists, e.Message),
        FileExistsException e => (ExitCodes.AlreadyExists, e.Message),
        Provenance.Artwork.OutputExistsException e => (ExitCodes.AlreadyExists, e.Message),
        Provenance.Artwork.TokenRevokedException e => (ExitCodes.Rejected, e.Message),
        IdentityDamagedException e => (ExitCodes.DamagedState, e.Message),
        TrustStoreCorruptException e => (ExitCodes.DamagedState, e.Message),
        TrustStoreException e => (ExitCodes.Rejected, e.Message),
        EnrollmentException e => (ExitCodes.DeviceError, e.Message),
        TokenSignatureMismatchException e => (ExitCodes.BadTokenSignature, e.Message),
        TokenUnavailableException e => (ExitCodes.DeviceError, e.Message),
        TokenErrorException e => (ExitCodes.DeviceError, e.Message),
        MalformedTokenReplyException e => (ExitCodes.DeviceError, e.Message),
        PasswordUnavailableException e => (ExitCodes.Usage, e.Message),
        ArgumentException e => (ExitCodes.Usage, FirstSentence(e.Message)),
        FileNotFoundException e => (ExitCodes.NotFound, e.Message),
        DirectoryNotFoundException e => (ExitCodes.NotFound, e.Message),
        _ => (ExitCodes.Failed, exception.Message),
    };

    /// <summary>ArgumentException appends " (Parameter 'x')"; the sentence before it is what a person needs.</summary>
    private static string FirstSentence(string message)
    {
        int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter > 0 ? message[..parameter] : message;
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
