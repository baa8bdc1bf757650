using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov trust add ROOT.pem [--name NAME]`.</summary>
public sealed class TrustAddCommand : Command
{
    public TrustAddCommand(Option<FileInfo> store)
        : base("add", "Trust an artist's root certificate (from `prov identity export`).")
    {
        var file = new Argument<FileInfo>("ROOT") { Description = "The root certificate, PEM or DER." };
        var name = new Option<string>("--name") { Description = "Name to know the artist by (default: the certificate's common name)." };
        Add(file);
        Add(name);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            byte[] certificate = TrustFiles.ReadBounded(parseResult.GetRequiredValue(file), TrustStore.MaxCertificateBytes);
            using TrustStore trust = TrustStore.Open(parseResult.GetRequiredValue(store).FullName);
            TrustedRoot root = trust.Add(certificate, parseResult.GetValue(name));
            output.WriteLine("Trusted '" + root.Name + "' (" + root.Subject + ").");
            output.WriteLine("SHA-256 fingerprint: " + CertificateFingerprint.Display(root.Fingerprint) + "  (compare it with the artist's)");
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}

/// <summary>Reads a user-named file with a size limit, so a wrong path (a video, a disk image) fails with a clear line.</summary>
internal static class TrustFiles
{
    public static byte[] ReadBounded(FileInfo file, int maxBytes)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException(file.FullName + " does not exist.", file.FullName);
        }

        if (file.Length > maxBytes)
        {
            throw new TrustStoreException(file.FullName + " is " + file.Length + " bytes; the limit is " + maxBytes + ".");
        }

        return File.ReadAllBytes(file.FullName);
    }
}
