using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Provenance.Identity;

namespace Provenance.Tests.Identity;

/// <summary>An independent implementation (the openssl command) accepts our chain and honours our CRL. Needs openssl on PATH.</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Openssl_verifies_the_token_chain_and_sees_the_revocation()
    {
        Assert.True(FindOpenSsl() is not null, "openssl is not on PATH");
        using UnlockedIdentity root = DevelopmentIdentity.GetOrCreate(temp.Combine("dev"));
        await using var token = new SoftwareTestToken("OSSL-1", "secureElement");
        await TokenEnrollment.EnrollAsync(token, root);
        string rootPem = Path.Combine(root.Identity.Directory, "root.pem");
        string leafPem = Path.Combine(root.Identity.Directory, "tokens", "OSSL-1.pem");

        (int okCode, string okText) = RunOpenSsl("verify", "-x509_strict", "-purpose", "smimesign", "-CAfile", rootPem, leafPem);
        Assert.True(okCode == 0, okText);
        Assert.Contains("OK", okText, StringComparison.Ordinal);

        string crlPem = temp.Combine("root.crl.pem");
        File.WriteAllText(crlPem, PemEncoding.WriteString("X509 CRL", root.Revoke("OSSL-1")) + "\n");
        (int revokedCode, string revokedText) = RunOpenSsl("verify", "-crl_check", "-CAfile", rootPem, "-CRLfile", crlPem, leafPem);
        Assert.NotEqual(0, revokedCode);
        Assert.Contains("certificate revoked", revokedText, StringComparison.Ordinal);
    }

    private static string? FindOpenSsl()
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "openssl.exe" : "openssl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static (int Code, string Text) RunOpenSsl(params string[] args)
    {
        var start = new ProcessStartInfo(FindOpenSsl()!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
