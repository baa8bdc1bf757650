using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.Cli.Tests.Emulator;

namespace Provenance.Cli.Tests.Concurrency;

/// <summary>Stores under concurrency (issue 18): several prov processes creating and writing one store at once all succeed.</summary>
public sealed class StoreConcurrencyTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    // The race is timing-dependent: before the fix about half the rounds lost some adds ("no such table: roots",
    // "table roots already exists"); three rounds make a regression very likely to show.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EightConcurrentTrustAddsOnANewStoreAllSucceedAndAllAreListed(int round)
    {
        const int processes = 8;
        string store = Path.Combine(_prov.Home, "new-trust-" + round + ".db");
        var roots = new List<string>();
        for (int i = 0; i < processes; i++)
        {
            string pem = Path.Combine(_prov.Home, "root-" + i + ".pem");
            File.WriteAllText(pem, MakeRootPem("Artist " + i));
            roots.Add(pem);
        }

        var children = roots.Select(pem => ChildProcess.StartProv(_prov.Home, null, ["trust", "add", pem, "--trust", store])).ToList();
        try
        {
            foreach (ChildProcess child in children) child.CloseInput();
            int[] exits = await Task.WhenAll(children.Select(c => c.WaitForExitAsync(TimeSpan.FromSeconds(120))));
            for (int i = 0; i < processes; i++)
            {
                Assert.True(exits[i] == 0, "trust add " + i + " exited " + exits[i] + ": " + children[i].Stderr);
            }
        }
        finally
        {
            foreach (ChildProcess child in children) child.Dispose();
        }

        ProvResult list = await _prov.RunAsync("trust", "list", "--json", "--trust", store);
        Assert.True(list.ExitCode == 0, list.ToString());
        string[] names = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("roots").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, processes).Select(i => "Artist " + i).ToArray(), names);
    }

    private static string MakeRootPem(string name)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5));
        return PemEncoding.WriteString("CERTIFICATE", root.RawData) + "\n";
    }
}
