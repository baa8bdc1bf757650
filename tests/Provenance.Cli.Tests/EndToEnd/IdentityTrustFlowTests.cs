using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 5 as an artist and a gallery run it, each command its own process: identity, enrollment, signing,
/// trust, revocation.
/// </summary>
public sealed class IdentityTrustFlowTests : IDisposable
{
    private static readonly Dictionary<string, string> Password = new() { ["PROV_PASSWORD"] = "correct horse battery staple" };
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private Task<ProvResult> Run(params string[] args) => _prov.RunAsync(args, Password, TimeSpan.FromSeconds(120));

    private async Task<JsonElement> VerifyJson(string file)
    {
        ProvResult result = await Run("verify", file, "--json");
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("files")[0];
    }

    private static IEnumerable<string?> Codes(JsonElement entry) => entry.GetProperty("codes").EnumerateArray().Select(c => c.GetString());

    [Fact]
    public async Task SignedFileIsValidThenTrustedThenRevoked()
    {
        string signed = Path.Combine(_prov.Home, "ada.jpg");
        string root = Path.Combine(_prov.Home, "ada-root.pem");
        string crl = Path.Combine(_prov.Home, "ada.crl");

        Assert.Equal(0, (await Run("identity", "create", "--name", "Ada Artist", "--email", "ada@example.org", "--url", "https://ada.example.org")).ExitCode);
        ProvResult enroll = await Run("identity", "enroll");
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        ProvResult sign = await Run("sign", "--source", "scan", SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--title", "Swirl");
        Assert.True(sign.ExitCode == 0, sign.ToString());

        JsonElement before = await VerifyJson(signed);
        Assert.Equal("valid", before.GetProperty("verdict").GetString());
        // Not yet trusted: the artist's name is only what the manifest claims.
        Assert.Equal(JsonValueKind.Null, before.GetProperty("signer").GetProperty("verified").ValueKind);
        Assert.Contains("Ada Artist", before.GetProperty("signer").GetProperty("claimed").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Contains("signingCredential.untrusted", Codes(before));

        Assert.Equal(0, (await Run("identity", "export", "--out", root)).ExitCode);
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(root));
        Assert.Equal(0, (await Run("trust", "add", root, "--name", "Ada")).ExitCode);
        JsonElement trusted = await VerifyJson(signed);
        Assert.Equal("trusted", trusted.GetProperty("verdict").GetString());
        Assert.Contains("signingCredential.trusted", Codes(trusted));
        // Trusted: the identity is proven, with the trust store's name for the root and its fingerprint.
        JsonElement verified = trusted.GetProperty("signer").GetProperty("verified");
        Assert.Equal("Ada", verified.GetProperty("trustStoreName").GetString());
        Assert.Equal(64, verified.GetProperty("rootFingerprint").GetString()!.Length);
        Assert.True(trusted.GetProperty("token").GetProperty("proven").GetBoolean());

        string serial = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(_prov.Home, "identity", "tokens"), "*.pem").Single());
        Assert.Equal(0, (await Run("identity", "revoke", "--device", serial, "--crl-out", crl)).ExitCode);
        Assert.Equal(0, (await Run("trust", "import-crl", crl)).ExitCode);
        ProvResult revoked = await Run("verify", signed, "--json");
        Assert.Equal(1, revoked.ExitCode);
        JsonElement entry = JsonDocument.Parse(revoked.Stdout).RootElement.GetProperty("files")[0];
        Assert.Equal("invalid", entry.GetProperty("verdict").GetString());
        Assert.Contains("signingCredential.revoked", Codes(entry));
    }

    [Fact]
    public async Task WrongPasswordIsOneLineAndChangesNothing()
    {
        Assert.Equal(0, (await Run("identity", "create", "--name", "Ada Artist", "--email", "ada@example.org", "--url", "https://ada.example.org")).ExitCode);
        string keyFile = Path.Combine(_prov.Home, "identity", "root-key.p8");
        byte[] key = File.ReadAllBytes(keyFile);
        ProvResult wrong = await _prov.RunAsync(["identity", "enroll"], new Dictionary<string, string> { ["PROV_PASSWORD"] = "wrong" }, TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Single(wrong.Stderr.Trim().Split('\n'), line => line.StartsWith("prov:", StringComparison.Ordinal));
        Assert.Contains("password", wrong.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(key, File.ReadAllBytes(keyFile));
        Assert.False(Directory.Exists(Path.Combine(_prov.Home, "identity", "tokens")) && Directory.GetFiles(Path.Combine(_prov.Home, "identity", "tokens")).Length > 0);
    }
}
