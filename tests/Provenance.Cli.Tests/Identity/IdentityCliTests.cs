using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Identity;

public sealed class IdentityCliTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "prov-cli-identity-tests", Guid.NewGuid().ToString("N"));

    public IdentityCliTests() => Directory.CreateDirectory(folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Identity => Path.Combine(folder, "identity");

    private string Trust => Path.Combine(folder, "trust.db");

    [Theory]
    [InlineData("identity create --name Ada --email ada@example.org --url https://ada.example.org")]
    [InlineData("identity show --json --identity /tmp/x")]
    [InlineData("identity enroll --device tcp://127.0.0.1:7000")]
    [InlineData("identity export --out root.pem")]
    [InlineData("identity revoke --device TK-1 --crl-out revoked.crl")]
    [InlineData("identity revoke --device TK-1 --from-counter 4 --crl-out revoked.crl")]
    [InlineData("trust add root.pem --name Ada --trust other.db")]
    [InlineData("trust list --json")]
    [InlineData("trust remove Ada")]
    [InlineData("trust import-crl revoked.crl")]
    public void Valid_command_lines_parse_against_the_real_root_command(string line)
    {
        Assert.Empty(Program.CreateRootCommand().Parse(line).Errors);
    }

    [Theory]
    [InlineData("identity create --email ada@example.org")]
    [InlineData("identity revoke --device TK-1")]
    [InlineData("identity revoke --crl-out x.crl")]
    [InlineData("identity revoke --device TK-1 --from-counter 0 --crl-out x.crl")]
    [InlineData("trust add")]
    [InlineData("trust remove a b")]
    [InlineData("trust list --colour")]
    public void Incomplete_command_lines_are_parse_errors(string line)
    {
        Assert.NotEmpty(Program.CreateRootCommand().Parse(line).Errors);
    }

    [Fact]
    public async Task Create_enroll_export_trust_revoke_import_crl_and_remove_end_to_end_without_leaking_the_key()
    {
        await using var token = new FakeToken("TK-100");
        var services = CliHarness.Services(Password, token);
        var runs = new List<CliRun>();

        async Task<CliRun> Run(params string[] args)
        {
            CliRun run = await CliHarness.RunAsync(services, args);
            runs.Add(run);
            Assert.True(run.Code == 0, string.Join(' ', args) + " exited " + run.Code + ": " + run.Error);
            return run;
        }

        await Run("identity", "create", "--name", "Ada Lovelace", "--email", "ada@example.org", "--url", "https://ada.example.org", "--identity", Identity);
        CliRun enroll = await Run("identity", "enroll", "--identity", Identity);
        Assert.Contains("Press the button", enroll.Output, StringComparison.Ordinal);
        Assert.Contains("Enrolled token TK-100: secure element", enroll.Output, StringComparison.Ordinal);
        Assert.True(token.Disposed);

        using JsonDocument shown = JsonDocument.Parse((await Run("identity", "show", "--json", "--identity", Identity)).Output);
        Assert.Equal(1, shown.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("version", shown.RootElement.EnumerateObject().First().Name);
        Assert.Equal("Ada Lovelace", shown.RootElement.GetProperty("name").GetString());
        string fingerprint = shown.RootElement.GetProperty("fingerprint").GetString()!;
        JsonElement enrolled = Assert.Single(shown.RootElement.GetProperty("tokens").EnumerateArray());
        Assert.Equal("TK-100", enrolled.GetProperty("serial").GetString());
        Assert.False(enrolled.GetProperty("revoked").GetBoolean());

        string rootPem = Path.Combine(folder, "ada-root.pem");
        CliRun export = await Run("identity", "export", "--out", rootPem, "--identity", Identity);
        string displayFingerprint = string.Join(':', Enumerable.Range(0, 32).Select(i => fingerprint.Substring(i * 2, 2).ToUpperInvariant()));
        Assert.Contains(displayFingerprint, export.Output, StringComparison.Ordinal);
        Assert.Equal(fingerprint, Convert.ToHexString(SHA256.HashData(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(rootPem)).RawData)).ToLowerInvariant());

        await Run("trust", "add", rootPem, "--name", "Ada", "--trust", Trust);

        string crl = Path.Combine(folder, "ada.crl");
        CliRun revoke = await Run("identity", "revoke", "--device", "TK-100", "--crl-out", crl, "--identity", Identity);
        Assert.Contains("CRL number 1", revoke.Output, StringComparison.Ordinal);
        await Run("trust", "import-crl", crl, "--trust", Trust);

        using JsonDocument listed = JsonDocument.Parse((await Run("trust", "list", "--json", "--trust", Trust)).Output);
        JsonElement root = Assert.Single(listed.RootElement.GetProperty("roots").EnumerateArray());
        Assert.Equal(fingerprint, root.GetProperty("fingerprint").GetString());
        Assert.Equal("1", root.GetProperty("crlNumber").GetString());

        CliRun shownAfterRevoke = await Run("identity", "show", "--identity", Identity);
        Assert.Contains("REVOKED", shownAfterRevoke.Output, StringComparison.Ordinal);

        await Run("trust", "remove", displayFingerprint, "--trust", Trust);
        Assert.Contains("No trusted roots", (await Run("trust", "list", "--trust", Trust)).Output, StringComparison.Ordinal);

        // No output and no public file carries the root's private key.
        using var key = ECDsa.Create();
        key.ImportFromEncryptedPem(File.ReadAllText(Path.Combine(Identity, "root-key.p8")), Password);
        byte[] scalar = key.ExportParameters(true).D!;
        var published = runs.SelectMany(r => new[] { r.Output, r.Error }).Select(Encoding.UTF8.GetBytes)
            .Concat(Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "root-key.p8").Select(File.ReadAllBytes));
        foreach (byte[] content in published)
        {
            string text = Encoding.Latin1.GetString(content);
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
            Assert.True(content.AsSpan().IndexOf(scalar) < 0);
            Assert.DoesNotContain(Convert.ToHexString(scalar), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(scalar), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Enroll_certifies_the_real_embedded_software_token_as_development_key()
    {
        Assert.Equal(0, (await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "create", "--name", "Ada", "--identity", Identity)).Code);
        string state = Path.Combine(folder, "embedded-token");
        Provenance.Device.TokenClient embedded = Provenance.Device.EmbeddedToken.Open(state);
        CliRun run = await CliHarness.RunAsync(CliHarness.Services(Password, embedded), "identity", "enroll", "--identity", Identity);
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("software key (development, not hardware-protected)", run.Output, StringComparison.Ordinal);

        // The command closed the token; open it again to read the key it now has.
        await using Provenance.Device.TokenClient reopened = Provenance.Device.EmbeddedToken.Open(state);
        string serial = (await reopened.GetInfoAsync()).Serial;
        var leaf = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Identity, "tokens", serial + ".pem")));
        Assert.True(Provenance.Identity.TokenCertificateProfile.CertifiesKey(leaf, await reopened.GetPublicKeyAsync()));
        Assert.Equal("software", Provenance.Identity.TokenCertificateProfile.KeyProtectionOf(leaf));
    }

    [Fact]
    public async Task A_wrong_password_is_one_line_with_its_exit_code_and_changes_nothing()
    {
        Assert.Equal(0, (await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "create", "--name", "Ada", "--identity", Identity)).Code);
        Dictionary<string, byte[]> before = Snapshot(Identity);

        await using var token = new FakeToken("TK-1");
        CliRun run = await CliHarness.RunAsync(CliHarness.Services("not the password", token), "identity", "enroll", "--identity", Identity);
        Assert.Equal(ExitCodes.WrongPassword, run.Code);
        AssertOneLine(run.Error, "Wrong password");

        run = await CliHarness.RunAsync(CliHarness.Services("not the password"), "identity", "revoke", "--device", "TK-1", "--crl-out", Path.Combine(folder, "x.crl"), "--identity", Identity);
        Assert.Equal(ExitCodes.WrongPassword, run.Code);
        Assert.False(File.Exists(Path.Combine(folder, "x.crl")));
        Assert.Equal(before, Snapshot(Identity));
    }

    [Fact]
    public async Task Create_twice_refuses_and_keeps_the_first_identity()
    {
        Assert.Equal(0, (await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "create", "--name", "Ada", "--identity", Identity)).Code);
        Dictionary<string, byte[]> before = Snapshot(Identity);
        var passwords = new FixedPassword(Password);

        CliRun run = await CliHarness.RunAsync(new Provenance.Cli.Commands.CommandServices { Passwords = passwords, KeyDerivationIterations = Provenance.Identity.ArtistIdentity.MinKeyDerivationIterations }, "identity", "create", "--name", "Mallory", "--identity", Identity);
        Assert.Equal(ExitCodes.AlreadyExists, run.Code);
        AssertOneLine(run.Error, "already exists");
        Assert.Equal(0, passwords.Asked);
        Assert.Equal(before, Snapshot(Identity));
    }

    [Fact]
    public async Task Commands_on_a_missing_identity_say_so_in_one_line()
    {
        foreach (string[] args in new[] { new[] { "identity", "show" }, ["identity", "export"], ["identity", "enroll"] })
        {
            CliRun run = await CliHarness.RunAsync(CliHarness.Services(Password), [.. args, "--identity", Identity]);
            Assert.Equal(ExitCodes.NotFound, run.Code);
            AssertOneLine(run.Error, "prov identity create");
            Assert.Equal("", run.Output);
        }
    }

    [Fact]
    public async Task A_token_that_cannot_prove_possession_is_refused_with_the_device_exit_code()
    {
        Assert.Equal(0, (await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "create", "--name", "Ada", "--identity", Identity)).Code);
        await using var forger = new FakeToken("TK-666", forge: true);
        CliRun run = await CliHarness.RunAsync(CliHarness.Services(Password, forger), "identity", "enroll", "--identity", Identity);
        Assert.Equal(ExitCodes.DeviceError, run.Code);
        AssertOneLine(run.Error, "did not prove possession");
        Assert.False(Directory.Exists(Path.Combine(Identity, "tokens")));
    }

    [Fact]
    public async Task Export_to_standard_output_prints_only_the_PEM_there()
    {
        await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "create", "--name", "Ada", "--identity", Identity);
        CliRun run = await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "export", "--identity", Identity);
        Assert.Equal(0, run.Code);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("-----END CERTIFICATE-----\n", run.Output, StringComparison.Ordinal);
        Assert.StartsWith("SHA-256 fingerprint: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unusable_input_to_create_is_a_usage_error_and_writes_nothing()
    {
        CliRun run = await CliHarness.RunAsync(CliHarness.Services(Password), "identity", "create", "--name", "Ada", "--email", "nope", "--identity", Identity);
        Assert.Equal(ExitCodes.Usage, run.Code);
        AssertOneLine(run.Error, "not an email address");
        Assert.False(File.Exists(Path.Combine(Identity, "root.pem")));
    }

    internal static void AssertOneLine(string error, string expected)
    {
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("prov: ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
}
