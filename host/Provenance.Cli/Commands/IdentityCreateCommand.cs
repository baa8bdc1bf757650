using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Provenance.Identity;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov identity create --name --email --url`: makes the root key (password-protected) and certificate.</summary>
public sealed class IdentityCreateCommand : Command
{
    public IdentityCreateCommand(Option<DirectoryInfo> folder, CommandServices services)
        : base("create", "Create your artist identity: a root key protected by a password, and its CA certificate.")
    {
        var name = new Option<string>("--name") { Description = "Your name as it should appear in Content Credentials.", Required = true };
        var email = new Option<string>("--email") { Description = "Contact email recorded in the certificate." };
        var url = new Option<string>("--url") { Description = "Your web address recorded in the certificate." };
        Add(name);
        Add(email);
        Add(url);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            string directory = parseResult.GetRequiredValue(folder).FullName;
            if (ArtistIdentity.Exists(directory))
            {
                throw new IdentityExistsException("An identity already exists in " + directory + "; refusing to overwrite it.");
            }

            string password = services.Passwords.GetPassword("New password for your identity key", confirm: true);
            ArtistIdentity identity = ArtistIdentity.Create(parseResult.GetRequiredValue(name), parseResult.GetValue(email), parseResult.GetValue(url), password, directory, services.KeyDerivationIterations);
            output.WriteLine("Created the identity of " + identity.Name + " in " + identity.Directory + ".");
            output.WriteLine("Root SHA-256 fingerprint: " + CertificateFingerprint.Display(identity.Fingerprint));
            output.WriteLine("Keep the password safe: without it you cannot enroll or revoke tokens. Next: `prov identity enroll`.");
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
