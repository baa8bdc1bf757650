using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Provenance.IO;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov identity revoke --device SERIAL --crl-out FILE`: revokes a lost token and writes the CRL to give to galleries.</summary>
public sealed class IdentityRevokeCommand : Command
{
    public IdentityRevokeCommand(Option<DirectoryInfo> folder, CommandServices services)
        : base("revoke", "Revoke a lost or retired token: writes a CRL signed by your root for galleries (`prov trust import-crl`).")
    {
        var serial = new Option<string>("--device") { Description = "Serial of the token to revoke (see `prov identity show`).", HelpName = "SERIAL", Required = true };
        var crlOut = new Option<FileInfo>("--crl-out") { Description = "Where to write the CRL (DER; PEM when the name ends in .pem).", HelpName = "FILE", Required = true };
        Add(serial);
        Add(crlOut);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            ArtistIdentity identity = ArtistIdentity.Load(parseResult.GetRequiredValue(folder).FullName);
            string tokenSerial = parseResult.GetRequiredValue(serial);
            string password = identity.IsDevelopment ? string.Empty : services.Passwords.GetPassword("Password of " + identity.Name + "'s identity key", confirm: false);
            using UnlockedIdentity unlocked = identity.Unlock(password);
            byte[] crl = unlocked.Revoke(tokenSerial);

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
            output.WriteLine("Revoked token " + tokenSerial + ". CRL number " + list.Number + " (" + list.RevokedCount + " certificate(s) revoked) written to " + target.FullName + ".");
            output.WriteLine("Give it to galleries: `prov trust import-crl " + target.Name + "`.");
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
