using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Provenance.Device;
using Provenance.Identity;

namespace Provenance.Cli.Commands;

/// <summary>`prov identity enroll [--device DEV]`: the token proves it holds its key, and the identity certifies it.</summary>
public sealed class IdentityEnrollCommand : Command
{
    public IdentityEnrollCommand(Option<DirectoryInfo> folder, CommandServices services)
        : base("enroll", "Certify a token's signing key under your identity (the token's button must be pressed).")
    {
        var device = new Option<string>("--device") { Description = "Serial port, tcp://host:port of an emulator, or token serial (default: the only token attached).", HelpName = "DEV" };
        Add(device);
        var makerRoot = DeviceAttestCommand.MakerRootOption();
        Add(makerRoot);
        var cawgIdentity = new Option<bool>("--cawg-identity")
        {
            Description = "Also issue your identity certificate for this token's key, so every file it signs carries a CAWG identity assertion naming you "
                + "(signed in the same button press; each file then uses two signature counter values).",
        };
        Add(cawgIdentity);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, async (output, ct) =>
        {
            ArtistIdentity identity = ArtistIdentity.Load(parseResult.GetRequiredValue(folder).FullName);
            string password = identity.IsDevelopment ? string.Empty : services.Passwords.GetPassword("Password of " + identity.Name + "'s identity key", confirm: false);
            using UnlockedIdentity unlocked = identity.Unlock(password);

            IToken token = await services.ResolveToken(parseResult.GetValue(device), ct).ConfigureAwait(false);
            await using (token.ConfigureAwait(false))
            {
                output.WriteLine("Enrolling the token at " + token.Endpoint + " under " + identity.Name + ".");
                List<X509Certificate2> makerRoots = MakerRoots.Load(parseResult.GetValue(makerRoot) ?? [], MakerRoots.DefaultFolder);
                X509Certificate2 certificate = await TokenEnrollment.EnrollAsync(token, unlocked, parseResult.GetValue(cawgIdentity), new TerminalPresencePrompt(output), makerRoots, ct).ConfigureAwait(false);
                string serial = TokenCertificateProfile.TokenSerialOf(certificate) ?? "?";
                string protection = TokenCertificateProfile.KeyProtectionOf(certificate) switch
                {
                    TokenCertificateProfile.Attested => "attested secure element (the chip's certificate verified to its maker's root)",
                    TokenCertificateProfile.SecureElement => "secure element, not attested (the token's statement)",
                    _ => "software key (development, not hardware-protected)",
                };
                output.WriteLine("Enrolled token " + serial + ": " + protection + ", certificate " + certificate.SerialNumber
                    + ", valid until " + certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".");
                output.WriteLine("Saved " + Path.Combine(identity.Directory, ArtistIdentity.TokensFolder, serial + ".pem"));
                if (identity.FindIdentityCertificate(serial) is { } named && parseResult.GetValue(cawgIdentity))
                    output.WriteLine("Saved " + Path.Combine(identity.Directory, ArtistIdentity.TokensFolder, serial + ArtistIdentity.IdentityCertificateSuffix)
                        + ": your identity certificate (" + named.GetNameInfo(X509NameType.SimpleName, false) + ") for the CAWG identity assertion in every file this token signs.");
            }

            return ExitCodes.Success;
        }));
    }
}
