using System;
using System.IO;
using System.Threading.Tasks;
using Provenance.Identity;

namespace Provenance.Cli.Tests.Identity;

public sealed class TrustCliTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "prov-cli-trust-tests", Guid.NewGuid().ToString("N"));

    public TrustCliTests() => Directory.CreateDirectory(folder);

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

    private string Trust => Path.Combine(folder, "trust.db");

    [Fact]
    public async Task A_corrupt_trust_store_is_one_line_exit_13_and_left_byte_for_byte()
    {
        File.WriteAllText(Trust, "definitely not sqlite");
        foreach (string[] args in new[] { new[] { "trust", "list" }, ["trust", "remove", "x"], ["trust", "import-crl", Trust] })
        {
            CliRun run = await CliHarness.RunAsync(CliHarness.Services("unused password"), [.. args, "--trust", Trust]);
            Assert.Equal(ExitCodes.DamagedState, run.Code);
            IdentityCliTests.AssertOneLine(run.Error, "left unchanged");
        }

        Assert.Equal("definitely not sqlite", File.ReadAllText(Trust));
    }

    [Fact]
    public async Task A_token_certificate_is_rejected_as_a_root_and_duplicates_are_rejected()
    {
        string dev = Path.Combine(folder, "dev");
        using (UnlockedIdentity identity = DevelopmentIdentity.GetOrCreate(dev))
        {
            await using var token = new FakeToken("TK-5");
            await TokenEnrollment.EnrollAsync(token, identity);
        }

        CliRun leaf = await CliHarness.RunAsync(CliHarness.Services("unused password"), "trust", "add", Path.Combine(dev, "tokens", "TK-5.pem"), "--trust", Trust);
        Assert.Equal(ExitCodes.Rejected, leaf.Code);
        IdentityCliTests.AssertOneLine(leaf.Error, "not a CA certificate");

        string root = Path.Combine(dev, "root.pem");
        Assert.Equal(0, (await CliHarness.RunAsync(CliHarness.Services("unused password"), "trust", "add", root, "--trust", Trust)).Code);
        CliRun again = await CliHarness.RunAsync(CliHarness.Services("unused password"), "trust", "add", root, "--name", "Other", "--trust", Trust);
        Assert.Equal(ExitCodes.Rejected, again.Code);
        IdentityCliTests.AssertOneLine(again.Error, "already trusted");

        CliRun unknown = await CliHarness.RunAsync(CliHarness.Services("unused password"), "trust", "remove", "Nobody", "--trust", Trust);
        Assert.Equal(ExitCodes.NotFound, unknown.Code);

        CliRun missing = await CliHarness.RunAsync(CliHarness.Services("unused password"), "trust", "add", Path.Combine(folder, "absent.pem"), "--trust", Trust);
        Assert.Equal(ExitCodes.NotFound, missing.Code);
    }

    [Fact]
    public async Task A_CRL_from_an_untrusted_root_is_refused()
    {
        string dev = Path.Combine(folder, "dev");
        string crl = Path.Combine(folder, "dev.crl");
        using (UnlockedIdentity identity = DevelopmentIdentity.GetOrCreate(dev))
        {
            File.WriteAllBytes(crl, identity.IssueCrl());
        }

        CliRun run = await CliHarness.RunAsync(CliHarness.Services("unused password"), "trust", "import-crl", crl, "--trust", Trust);
        Assert.Equal(ExitCodes.Rejected, run.Code);
        IdentityCliTests.AssertOneLine(run.Error, "not signed by any trusted root");
    }
}
