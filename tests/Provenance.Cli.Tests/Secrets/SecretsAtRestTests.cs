using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using Provenance.IO;

namespace Provenance.Cli.Tests.Secrets;

/// <summary>
/// Secrets at rest (issue 18): the prov home and key folders are 0700 and key files 0600; a key file other users can
/// read is refused with the chmod that fixes it; the embedded token's key is encrypted with PROV_TOKEN_PASSPHRASE when
/// it is set (an unencrypted key written by an earlier prov is migrated in place); no command prints a private key or
/// a password.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretsAtRestTests : IDisposable
{
    private const string Password = "identity password 7f3a";
    private const string Passphrase = "token passphrase 91c2";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "prov-secrets-test-" + Guid.NewGuid().ToString("N"));
    private readonly ProvRunner _prov;

    public SecretsAtRestTests()
    {
        Directory.CreateDirectory(_root);
        // PROV_HOME names a folder that does not exist yet, so prov creates it (ProvRunner would create its own).
        _prov = new ProvRunner(Path.Combine(_root, "runner"));
        Home = Path.Combine(_root, "home", "prov");
    }

    private string Home { get; }

    private string TokenKey => Path.Combine(Home, "embedded-token", "records", "softkey.rec");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private Task<ProvResult> RunAsync(string? passphrase, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["PROV_HOME"] = Home, ["PROV_PASSWORD"] = Password };
        if (passphrase is not null) environment["PROV_TOKEN_PASSPHRASE"] = passphrase;
        return _prov.RunAsync(args, environment, TimeSpan.FromSeconds(90));
    }

    private static UnixFileMode ModeOf(string path) => File.GetUnixFileMode(path) & (UnixFileMode)0x1FF;

    [UnixFact]
    public async Task HomeAndKeyFoldersAre0700AndKeyFiles0600()
    {
        ProvResult info = await RunAsync(null, "device", "info");
        Assert.True(info.ExitCode == 0, info.ToString());
        ProvResult sign = await RunAsync(null, "sign", "--source", "scan", EndToEnd.SignVerifyTests.SamplePath("artwork.jpg"), "--out", Path.Combine(_root, "signed.jpg"));
        Assert.True(sign.ExitCode == 0, sign.ToString());
        ProvResult create = await RunAsync(null, "identity", "create", "--name", "Ada Example");
        Assert.True(create.ExitCode == 0, create.ToString());

        const UnixFileMode folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(folder, ModeOf(Home));
        Assert.Equal(folder, ModeOf(Path.Combine(Home, "embedded-token")));
        Assert.Equal(folder, ModeOf(Path.Combine(Home, "embedded-token", "records")));
        Assert.Equal(file, ModeOf(TokenKey));
        Assert.Equal(folder, ModeOf(Path.Combine(Home, "identity")));
        Assert.Equal(file, ModeOf(Path.Combine(Home, "identity", "root-key.p8")));
        Assert.Equal(folder, ModeOf(Path.Combine(Home, "development-identity")));
        Assert.Equal(file, ModeOf(Path.Combine(Home, "development-identity", "root-key.development-unencrypted.pem")));
        Assert.Contains("only its file permissions", info.Stdout, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task AKeyFileOthersCanReadIsRefusedWithTheChmodThatFixesIt()
    {
        Assert.Equal(0, (await RunAsync(null, "device", "info")).ExitCode);
        Assert.Equal(0, (await RunAsync(null, "identity", "create", "--name", "Ada Example")).ExitCode);
        File.SetUnixFileMode(TokenKey, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ProvResult refused = await RunAsync(null, "device", "info");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal("prov: permissions 0644 for " + TokenKey + " are too open: it holds a private key that other users can read; it was not used. Fix with: chmod 600 " + TokenKey,
            refused.Stderr.Split('\n').Single(l => l.StartsWith("prov:", StringComparison.Ordinal)));
        Assert.DoesNotContain("public key", refused.Stdout, StringComparison.Ordinal);

        File.SetUnixFileMode(TokenKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string identityKey = Path.Combine(Home, "identity", "root-key.p8");
        File.SetUnixFileMode(identityKey, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        ProvResult enroll = await RunAsync(null, "identity", "enroll");
        Assert.NotEqual(0, enroll.ExitCode);
        Assert.Contains("permissions 0640 for " + identityKey + " are too open", enroll.Stderr, StringComparison.Ordinal);
        Assert.Contains("chmod 600 " + identityKey, enroll.Stderr, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task TheEmulatorRefusesAKeyOthersCanRead()
    {
        string state = Path.Combine(Home, "emulator-state");
        Directory.CreateDirectory(state);
        string key = Path.Combine(state, "softkey.rec");
        File.WriteAllBytes(key, new byte[65]);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        // Refused before it starts serving (so it exits on its own instead of waiting for connections).
        ProvResult refused = await RunAsync(null, "emulator", "--state", state, "--tcp", "0");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("permissions 0604 for " + key + " are too open", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("chmod 600 " + key, refused.Stderr, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task WithAPassphraseTheTokenKeyIsEncryptedAndNeedsIt()
    {
        ProvResult info = await RunAsync(Passphrase, "device", "info", "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Equal("passphrase", JsonDocument.Parse(info.Stdout).RootElement.GetProperty("keyAtRest").GetString());
        byte[] stored = File.ReadAllBytes(TokenKey);
        Assert.True(PassphraseSeal.IsSealed(stored));
        byte[] record = PassphraseSeal.Open(stored, Passphrase, "softkey");
        AssertPublicKeyIs(record, JsonDocument.Parse(info.Stdout).RootElement.GetProperty("publicKey").GetString()!);

        ProvResult without = await RunAsync(null, "device", "info");
        Assert.Equal(ExitCodes.DeviceError, without.ExitCode);
        Assert.Contains("is encrypted; set PROV_TOKEN_PASSPHRASE", without.Stderr, StringComparison.Ordinal);

        ProvResult wrong = await RunAsync("not the passphrase", "device", "info");
        Assert.Equal(ExitCodes.DeviceError, wrong.ExitCode);
        Assert.Contains("wrong PROV_TOKEN_PASSPHRASE", wrong.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not the passphrase", wrong.Stderr + wrong.Stdout, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task AnUnencryptedKeyWrittenByAnEarlierProvStillLoadsAndIsEncryptedInPlaceWhenAPassphraseIsGiven()
    {
        // Fixtures/stores/embedded-token-v1: the embedded token as prov wrote it before issue 18 (key file 0644).
        string tokenFolder = Path.Combine(Home, "embedded-token");
        CopyFolder(StoreFixture("embedded-token-v1"), tokenFolder);
        byte[] original = File.ReadAllBytes(TokenKey);
        File.SetUnixFileMode(TokenKey, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ProvResult refused = await RunAsync(null, "device", "info", "--json");
        Assert.Contains("chmod 600 " + TokenKey, refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(TokenKey));

        File.SetUnixFileMode(TokenKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ProvResult plain = await RunAsync(null, "device", "info", "--json");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        JsonElement info = JsonDocument.Parse(plain.Stdout).RootElement;
        Assert.Equal("SW-194F3758", info.GetProperty("serial").GetString());
        Assert.Equal("fileModeOnly", info.GetProperty("keyAtRest").GetString());
        string publicKey = info.GetProperty("publicKey").GetString()!;
        AssertPublicKeyIs(original, publicKey);

        ProvResult migrated = await RunAsync(Passphrase, "device", "info", "--json");
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        Assert.Equal(publicKey, JsonDocument.Parse(migrated.Stdout).RootElement.GetProperty("publicKey").GetString());
        Assert.Equal("passphrase", JsonDocument.Parse(migrated.Stdout).RootElement.GetProperty("keyAtRest").GetString());
        byte[] stored = File.ReadAllBytes(TokenKey);
        Assert.True(PassphraseSeal.IsSealed(stored));
        Assert.Equal(original, PassphraseSeal.Open(stored, Passphrase, "softkey"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(TokenKey));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(TokenKey)!, ".*"));
    }

    [UnixFact]
    public async Task AKeyRecordTempCopyLeftByAKilledProvIsRemoved()
    {
        Assert.Equal(0, (await RunAsync(null, "device", "info")).ExitCode);
        string leftover = Path.Combine(Path.GetDirectoryName(TokenKey)!, ".softkey.rec.prov-tmp-" + UnixTools.DeadPid() + "-0123456789ab");
        File.Copy(TokenKey, leftover);

        ProvResult info = await RunAsync(null, "device", "info");

        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.False(File.Exists(leftover));
    }

    [UnixFact]
    public async Task NoCommandPrintsAPrivateKeyOrAPassword()
    {
        string signed = Path.Combine(_root, "signed.jpg");
        string rootPem = Path.Combine(_root, "root.pem");
        var runs = new List<ProvResult>
        {
            await RunAsync(Passphrase, "identity", "create", "--name", "Ada Example"),
            await RunAsync(Passphrase, "device", "init"),
            await RunAsync(Passphrase, "device", "info"),
            await RunAsync(Passphrase, "device", "info", "--json"),
            await RunAsync(Passphrase, "device", "attest"),
            await RunAsync(Passphrase, "identity", "enroll"),
            await RunAsync(Passphrase, "identity", "show"),
            await RunAsync(Passphrase, "identity", "show", "--json"),
            await RunAsync(Passphrase, "identity", "export", "--out", rootPem),
            await RunAsync(Passphrase, "trust", "add", rootPem),
            await RunAsync(Passphrase, "sign", "--source", "scan", EndToEnd.SignVerifyTests.SamplePath("artwork.jpg"), "--out", signed, "--json"),
            await RunAsync(Passphrase, "sign", "--source", "scan", EndToEnd.SignVerifyTests.SamplePath("artwork.png"), "--out", Path.Combine(_root, "signed.png")),
            await RunAsync(Passphrase, "verify", signed, "--json"),
            await RunAsync(Passphrase, "verify", signed),
            await RunAsync(Passphrase, "device", "log", "--json"),
            await RunAsync(null, "device", "info"),
            await RunAsync("a wrong passphrase", "device", "info"),
        };
        Assert.True(runs[10].ExitCode == 0, runs[10].ToString());
        Assert.Contains("\"trusted\"", runs[12].Stdout, StringComparison.Ordinal);

        byte[] stored = File.ReadAllBytes(TokenKey);
        byte[] tokenScalar = (PassphraseSeal.IsSealed(stored) ? PassphraseSeal.Open(stored, Passphrase, "softkey") : stored).AsSpan(1, 32).ToArray();
        using var rootKey = ECDsa.Create();
        rootKey.ImportFromEncryptedPem(File.ReadAllText(Path.Combine(Home, "identity", "root-key.p8")), Password);
        byte[] rootScalar = rootKey.ExportParameters(includePrivateParameters: true).D!;

        foreach (ProvResult run in runs)
        {
            string printed = run.Stdout + "\n" + run.Stderr;
            foreach (byte[] scalar in new[] { tokenScalar, rootScalar })
            {
                Assert.DoesNotContain(Convert.ToHexString(scalar), printed, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Convert.ToBase64String(scalar), printed, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("PRIVATE KEY", printed, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(Passphrase, printed, StringComparison.Ordinal);
            Assert.DoesNotContain("a wrong passphrase", printed, StringComparison.Ordinal);
        }
    }

    /// <summary>The key record (version, scalar, check) belongs to the public key prov printed.</summary>
    private static void AssertPublicKeyIs(byte[] record, string publicKeyHex)
    {
        Assert.Equal(65, record.Length);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = record.AsSpan(1, 32).ToArray() });
        ECParameters derived = key.ExportParameters(includePrivateParameters: false);
        Assert.Equal("04" + Convert.ToHexStringLower(derived.Q.X!) + Convert.ToHexStringLower(derived.Q.Y!), publicKeyHex);
    }

    private static string StoreFixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Provenance.Tests", "Fixtures", "stores", name);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Provenance.Tests/Fixtures/stores/" + name + " not found above " + AppContext.BaseDirectory);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
