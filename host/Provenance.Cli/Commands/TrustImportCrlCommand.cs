using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov trust import-crl FILE`.</summary>
public sealed class TrustImportCrlCommand : Command
{
    public TrustImportCrlCommand(Option<FileInfo> store)
        : base("import-crl", "Import an artist's revocation list (from `prov identity revoke`); it must be signed by a trusted root.")
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The CRL, DER or PEM." };
        Add(file);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            byte[] crl = TrustFiles.ReadBounded(parseResult.GetRequiredValue(file), TrustStore.MaxCrlBytes);
            using TrustStore trust = TrustStore.Open(parseResult.GetRequiredValue(store).FullName);
            CrlImportResult result = trust.ImportCrl(crl);
            output.WriteLine(result.Stored
                ? "Imported CRL number " + result.Number + " of '" + result.IssuerName + "': " + result.RevokedCount + " revoked certificate(s)."
                : "Kept the stored CRL number " + result.PreviousNumber + " of '" + result.IssuerName + "'; this one (number " + result.Number + ") is not newer.");
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
