using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
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
        int code;
        string message;
        try
        {
            return await body(output, cancellationToken).ConfigureAwait(false);
        }
        catch (WrongPasswordException e) { (code, message) = (ExitCodes.WrongPassword, e.Message); }
        catch (IdentityNotFoundException e) { (code, message) = (ExitCodes.NotFound, e.Message); }
        catch (TrustedRootNotFoundException e) { (code, message) = (ExitCodes.NotFound, e.Message); }
        catch (IdentityExistsException e) { (code, message) = (ExitCodes.AlreadyExists, e.Message); }
        catch (FileExistsException e) { (code, message) = (ExitCodes.AlreadyExists, e.Message); }
        catch (IdentityDamagedException e) { (code, message) = (ExitCodes.DamagedState, e.Message); }
        catch (TrustStoreCorruptException e) { (code, message) = (ExitCodes.DamagedState, e.Message); }
        catch (TrustStoreException e) { (code, message) = (ExitCodes.Rejected, e.Message); }
        catch (EnrollmentException e) { (code, message) = (ExitCodes.DeviceError, e.Message); }
        catch (TokenUnavailableException e) { (code, message) = (ExitCodes.DeviceError, e.Message); }
        catch (TokenErrorException e) { (code, message) = (ExitCodes.DeviceError, e.Message); }
        catch (MalformedTokenReplyException e) { (code, message) = (ExitCodes.DeviceError, e.Message); }
        catch (PasswordUnavailableException e) { (code, message) = (ExitCodes.Usage, e.Message); }
        catch (ArgumentException e) { (code, message) = (ExitCodes.Usage, FirstSentence(e.Message)); }
        catch (FileNotFoundException e) { (code, message) = (ExitCodes.NotFound, e.Message); }
        catch (DirectoryNotFoundException e) { (code, message) = (ExitCodes.NotFound, e.Message); }
        catch (UnauthorizedAccessException e) { (code, message) = (ExitCodes.Failed, e.Message); }
        catch (IOException e) { (code, message) = (ExitCodes.Failed, e.Message); }

        await error.WriteLineAsync("prov: " + OneLine(message)).ConfigureAwait(false);
        return code;
    }

    /// <summary>ArgumentException appends " (Parameter 'x')"; the sentence before it is what a person needs.</summary>
    private static string FirstSentence(string message)
    {
        int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter > 0 ? message[..parameter] : message;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
