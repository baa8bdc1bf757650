using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Provenance.Trust;

namespace Provenance.Cli.Commands;

/// <summary>`prov trust add ROOT.pem [--name NAME]`.</summary>
public sealed class TrustAddCommand : Command
{
    public TrustAddCommand(Option<FileInfo> store)
        : base("add", "Trust an artist's root certificate (from `prov identity export`), or every root of a PEM bundle such as the C2PA trust list.")
    {
        var file = new Argument<FileInfo>("ROOT") { Description = "The root certificate, PEM or DER; or a PEM bundle (each CA in it is kept as a root of its own)." };
        var name = new Option<string>("--name") { Description = "Name to know the artist by (default: the certificate's common name); for a bundle, the list's name (default: the file's name)." };
        Add(file);
        Add(name);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            FileInfo source = parseResult.GetRequiredValue(file);
            byte[] certificate = TrustFiles.ReadBounded(source, TrustStore.MaxCertificateBytes);
            using TrustStore trust = TrustStore.Open(parseResult.GetRequiredValue(store).FullName);
            if (TrustFiles.PemBundle(certificate) is { Count: > 1 } bundle)
                return Task.FromResult(AddBundle(output, trust, bundle, parseResult.GetValue(name) ?? Path.GetFileNameWithoutExtension(source.Name), source.FullName));
            TrustedRoot root = trust.Add(certificate, parseResult.GetValue(name));
            output.WriteLine("Trusted '" + root.Name + "' (" + root.Subject + ").");
            output.WriteLine("SHA-256 fingerprint: " + CertificateFingerprint.Display(root.Fingerprint) + "  (compare it with the artist's)");
            return Task.FromResult(ExitCodes.Success);
        }));
    }

    /// <summary>
    /// A PEM bundle such as the C2PA trust list (../shared/trust/c2pa/C2PA-TRUST-LIST.pem): each CA certificate in it is
    /// kept as a root of its own, named "LIST: CN", so `prov trust list` shows it and `prov trust remove` drops it alone.
    /// One that cannot be trusted (not a CA, expired, already trusted) is skipped with its reason; the rest are kept.
    /// To trust a list for one run without keeping it, `prov verify --trust-list FILE` (or PROV_TRUST_LIST) reads it.
    /// </summary>
    private static int AddBundle(TextWriter output, TrustStore trust, X509Certificate2Collection bundle, string listName, string path)
    {
        int added = 0, already = 0;
        var skipped = new List<string>();
        foreach (X509Certificate2 certificate in bundle)
        {
            string cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } simple ? simple : certificate.Subject;
            string name = listName + ": " + cn;
            try
            {
                TrustedRoot root;
                try
                {
                    root = trust.Add(certificate.RawData, name);
                }
                catch (TrustStoreException e) when (e.Message.Contains("under the name", StringComparison.Ordinal))
                {
                    // Two roots of one issuer with the same common name (a renewal): the fingerprint tells them apart.
                    root = trust.Add(certificate.RawData, name + " [" + CertificateFingerprint.Sha256(certificate)[..8] + "]");
                }
                output.WriteLine("Trusted '" + root.Name + "'  SHA-256 " + CertificateFingerprint.Display(root.Fingerprint));
                added++;
            }
            catch (TrustStoreException e) when (e.Message.StartsWith("This root is already trusted", StringComparison.Ordinal))
            {
                already++;
            }
            catch (TrustStoreException e)
            {
                skipped.Add(cn + ": " + e.Message);
            }
        }
        foreach (string reason in skipped) output.WriteLine("skipped " + reason);
        output.WriteLine($"{added} of {bundle.Count} certificates in {path} are now trusted, each as a root of its own (named '{listName}: …'; `prov trust remove NAME` drops one)."
            + (already > 0 ? $" {already} were trusted already." : "") + (skipped.Count > 0 ? $" {skipped.Count} skipped." : ""));
        return added + already > 0 || skipped.Count == 0 ? ExitCodes.Success : ExitCodes.Rejected;
    }
}

/// <summary>Reads a user-named file with a size limit, so a wrong path (a video, a disk image) fails with a clear line.</summary>
internal static class TrustFiles
{
    /// <summary>The certificates of a PEM file holding several (a bundle such as a trust list); null for DER, or for PEM that is not certificates.</summary>
    public static X509Certificate2Collection? PemBundle(byte[] data)
    {
        if (data.Length == 0 || data[0] == 0x30) return null;
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPem(text);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        return bundle;
    }

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
