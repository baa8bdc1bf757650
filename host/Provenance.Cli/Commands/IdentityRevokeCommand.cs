using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Provenance.IO;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov identity revoke --device SERIAL [--from-counter N] --crl-out FILE`: revokes a lost token (from signature N on,
/// keeping earlier token-bound signatures good) and writes the CRL to give to galleries.
/// </summary>
public sealed class IdentityRevokeCommand : Command
{
    public IdentityRevokeCommand(Option<DirectoryInfo> folder, CommandServices services)
        : base("revoke", "Revoke a lost or retired token: writes a CRL signed by your root for galleries (`prov trust import-crl`).")
    {
        var serial = new Option<string>("--device") { Description = "Serial of the token to revoke (see `prov identity show`).", HelpName = "SERIAL", Required = true };
        var crlOut = new Option<FileInfo>("--crl-out") { Description = "Where to write the CRL (DER; PEM when the name ends in .pem).", HelpName = "FILE", Required = true };
        var fromCounter = new Option<long?>("--from-counter")
        {
            Description = "Revoke only signatures with this counter or later (the first signature the token may have made without you); earlier ones, whose counter the token bound, stay good.",
            HelpName = "N",
        };
        fromCounter.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 1) result.AddError("--from-counter must be 1 or more (counters start at 1).");
        });
        Add(serial);
        Add(fromCounter);
        Add(crlOut);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            ArtistIdentity identity = ArtistIdentity.Load(parseResult.GetRequiredValue(folder).FullName);
            string tokenSerial = parseResult.GetRequiredValue(serial);
            string password = identity.IsDevelopment ? string.Empty : services.Passwords.GetPassword("Password of " + identity.Name + "'s identity key", confirm: false);
            using UnlockedIdentity unlocked = identity.Unlock(password);
            long? from = parseResult.GetValue(fromCounter);
            byte[] crl = unlocked.Revoke(tokenSerial, from);

            FileInfo target = parseResult.GetRequiredValue(crlOut);
            bool pem = target.Extension.Equals(".pem", StringComparison.OrdinalIgnoreCase);
            if (pem)
            {
                AtomicFile.WriteText(target.FullName, PemEncoding.WriteString("X509 CRL", crl) + "\n", overwrite: true);
            }
            else
            {
                AtomicFile.Write(target.FullName, crl, overwrite: true);
            }

            RevocationList list = RevocationList.Parse(crl);
            string scope = from is { } n ? " from signature " + n + " on (signatures before it, with a token-bound counter, stay good)" : "";
            output.WriteLine("Revoked token " + tokenSerial + scope + ". CRL number " + list.Number + " (" + list.RevokedCount + " certificate(s) revoked) written to " + target.FullName + ".");
            output.WriteLine("Give it to galleries: `prov trust import-crl " + target.Name + "`.");
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
