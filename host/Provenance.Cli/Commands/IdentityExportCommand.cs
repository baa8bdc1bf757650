using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Provenance.IO;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov identity export [--out FILE]`: the root certificate (public) that galleries add with `prov trust add`.</summary>
public sealed class IdentityExportCommand : Command
{
    public IdentityExportCommand(Option<DirectoryInfo> folder)
        : base("export", "Export your root certificate (PEM) for galleries, and print its SHA-256 fingerprint.")
    {
        var file = new Option<FileInfo>("--out") { Description = "Write the PEM here instead of standard output.", HelpName = "FILE" };
        Add(file);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            ArtistIdentity identity = ArtistIdentity.Load(parseResult.GetRequiredValue(folder).FullName);
            string fingerprint = "SHA-256 fingerprint: " + CertificateFingerprint.Display(identity.Fingerprint);
            FileInfo? target = parseResult.GetValue(file);
            if (target is null)
            {
                // PEM alone on stdout so it can be piped; the fingerprint goes to stderr.
                output.Write(identity.RootPem);
                parseResult.InvocationConfiguration.Error.WriteLine(fingerprint);
            }
            else
            {
                AtomicFile.WriteText(target.FullName, identity.RootPem, overwrite: true);
                output.WriteLine("Wrote the root certificate of " + identity.Name + " to " + target.FullName + ".");
                output.WriteLine(fingerprint);
            }

            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
