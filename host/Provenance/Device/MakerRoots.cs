using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Provenance.Device;

/// <summary>
/// The chip makers' root certificates the user trusts for attestation (e.g. Microchip's "Crypto Authentication Root CA 002",
/// downloaded from Microchip and checked by its fingerprint): the files named with --maker-root, plus every .pem, .crt
/// and .cer in the prov home's maker-roots folder. None are built in: nobody's chip is attested until the user says whose
/// root to trust.
/// </summary>
public static class MakerRoots
{
    /// <summary>Folder under the prov home whose certificates are maker roots.</summary>
    public const string FolderName = "maker-roots";

    /// <summary>Largest certificate file read.</summary>
    public const long MaxFileLength = 64 * 1024;

    /// <summary>The prov home's maker-roots folder.</summary>
    public static string DefaultFolder => Path.Combine(ProvPaths.Home, FolderName);

    /// <summary>Loads <paramref name="files"/> and the certificates in <paramref name="folder"/> (when it exists).</summary>
    /// <exception cref="InvalidDataException">A file is too long or holds no certificate; the message names it.</exception>
    public static List<X509Certificate2> Load(IEnumerable<string> files, string? folder)
    {
        ArgumentNullException.ThrowIfNull(files);
        var paths = new List<string>(files);
        if (folder != null && Directory.Exists(folder))
        {
            foreach (string path in Directory.EnumerateFiles(folder))
            {
                string extension = Path.GetExtension(path).ToLowerInvariant();
                if (extension is ".pem" or ".crt" or ".cer") paths.Add(path);
            }
        }
        var roots = new List<X509Certificate2>();
        foreach (string path in paths)
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new InvalidDataException("maker root " + path + " does not exist");
            if (info.Length > MaxFileLength) throw new InvalidDataException("maker root " + path + " is over " + MaxFileLength + " bytes");
            byte[] bytes = File.ReadAllBytes(path);
            try
            {
                roots.Add(bytes.Length > 0 && bytes[0] == 0x30
                    ? X509CertificateLoader.LoadCertificate(bytes)
                    : X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes)));
            }
            catch (CryptographicException e)
            {
                throw new InvalidDataException("maker root " + path + " is not a certificate: " + e.Message, e);
            }
        }
        return roots;
    }
}
