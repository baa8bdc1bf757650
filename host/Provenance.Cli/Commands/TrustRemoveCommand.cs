using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov trust remove NAME|FINGERPRINT`.</summary>
public sealed class TrustRemoveCommand : Command
{
    public TrustRemoveCommand(Option<FileInfo> store)
        : base("remove", "Stop trusting an artist's root (and drop its CRL).")
    {
        var key = new Argument<string>("NAME|FINGERPRINT") { Description = "The name shown by `prov trust list`, or the SHA-256 fingerprint." };
        Add(key);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            using TrustStore trust = TrustStore.Open(parseResult.GetRequiredValue(store).FullName);
            TrustedRoot removed = trust.Remove(parseResult.GetRequiredValue(key));
            output.WriteLine("No longer trusting '" + removed.Name + "' (" + CertificateFingerprint.Display(removed.Fingerprint) + ").");
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
