using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Device;
using Provenance.Identity;
using Provenance.Verification;
using Provenance.Tests.TestSupport;
using Xunit.Abstractions;

namespace Provenance.Tests.Interop;

/// <summary>
/// Files we sign are read by c2pa-rs (its WebAssembly build, @contentauth/c2pa-wasm) and by c2pa-ts, run by node from tests/interop.
/// Needs tests/interop/node_modules (installed on first run); without npm the tests say so and pass, except under CI=true.
/// </summary>
public class InteropTests(ITestOutputHelper output)
{
    [Fact]
    public async Task C2paRsSaysOurJpegIsValidAndTrustedWithOurRoot()
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki("Interop Artist");
        using TempFolder folder = TestAssets.NewFolder();
        string signedPath = folder.File("signed.jpg");
        string rootPath = folder.File("root.pem");
        const string xmp = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
            + "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\""
            + " plus:DataMining=\"http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED\"/></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(), Signing.Request(xmp: xmp));
        File.WriteAllBytes(signedPath, signed);
        File.WriteAllText(rootPath, pki.Root.ExportCertificatePem());

        JsonElement untrusted = RunReader(interop, signedPath, null);
        Assert.True(untrusted.GetProperty("state").GetString() == "Valid", untrusted.ToString());
        Assert.Contains("signingCredential.untrusted", untrusted.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));

        JsonElement trusted = RunReader(interop, signedPath, rootPath);
        Assert.True(trusted.GetProperty("state").GetString() == "Trusted", trusted.ToString());
    }

    /// <summary>
    /// The product path, not a test PKI: an artist identity, the embedded software token enrolled under it with
    /// proof of possession, and ArtworkSigner writing each embedded format from the repository's samples.
    /// </summary>
    [Theory]
    [InlineData("artwork.jpg")]
    [InlineData("artwork.png")]
    [InlineData("artwork.tif")]
    [InlineData("artwork.webp")]
    public async Task C2paRsTrustsWhatProvSignsWithAnEnrolledTokenInEveryFormat(string sample)
    {
        if (!TryInterop(out string interop)) return;
        using TempFolder folder = TestAssets.NewFolder();
        string identityFolder = folder.File("identity");
        ArtistIdentity identity = ArtistIdentity.Create("Interop Artist", "artist@example.org", "https://artist.example.org", "interop-password", identityFolder, ArtistIdentity.MinKeyDerivationIterations);
        string rootPath = folder.File("root.pem");
        File.WriteAllText(rootPath, identity.RootPem);
        await using (TokenClient token = EmbeddedToken.Open(folder.File("token")))
        {
            using (UnlockedIdentity unlocked = identity.Unlock("interop-password"))
                await TokenEnrollment.EnrollAsync(token, unlocked);
            string signedPath = folder.File("signed-" + sample);
            await ArtworkSigner.SignFileAsync(Path.Combine(interop, "..", "..", "samples", sample), signedPath, token,
                new ArtworkSignOptions { IdentityDirectory = identityFolder, Source = CaptureSource.Tablet }, null);

            Assert.Equal(Verdict.Valid, Verifier.VerifyFile(signedPath, TrustSettings.None).Verdict);
            JsonElement untrusted = RunReader(interop, signedPath, null);
            Assert.True(untrusted.GetProperty("state").GetString() == "Valid", untrusted.ToString());
            Assert.Contains("signingCredential.untrusted", untrusted.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
            JsonElement trusted = RunReader(interop, signedPath, rootPath);
            Assert.True(trusted.GetProperty("state").GetString() == "Trusted", trusted.ToString());
        }
    }

    /// <summary>
    /// Issue 12 "Thumbnails": c2pa-rs lists the claim thumbnail of every format we sign, extracts the very bytes our
    /// verifier shows, and still calls the file Valid. "tif-streamed" is the TIFF sampled as its strips stream past
    /// (the path of a large scan: a thumbnail padded to its reserved slot).
    /// </summary>
    [Theory]
    [InlineData("artwork.jpg")]
    [InlineData("artwork.png")]
    [InlineData("artwork.tif")]
    [InlineData("artwork.webp")]
    [InlineData("tif-streamed")]
    public async Task C2paRsListsOurThumbnailAndStaysValid(string sample)
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki("Thumbnail Interop");
        using TempFolder folder = TestAssets.NewFolder();
        string input = Path.Combine(interop, "..", "..", "samples", sample == "tif-streamed" ? "artwork.tif" : sample);
        string signedPath = folder.File("signed-" + (sample == "tif-streamed" ? "streamed.tif" : sample));
        using (sample == "tif-streamed" ? SigningPixels.UseInMemoryLimit(1024) : null)
            await new ManifestSigner().SignFileAsync(input, signedPath, Signing.Request(), pki.Signer());

        FileVerification ours = Verifier.VerifyFile(signedPath, TrustSettings.None);
        Assert.Equal(Verdict.Valid, ours.Verdict);
        Assert.NotNull(ours.Thumbnail);
        JsonElement result = RunReader(interop, signedPath, null);
        Assert.True(result.GetProperty("state").GetString() == "Valid", result.ToString());
        JsonElement thumbnail = result.GetProperty("thumbnail");
        Assert.True(thumbnail.ValueKind == JsonValueKind.Object, result.ToString());
        Assert.Equal("image/jpeg", thumbnail.GetProperty("format").GetString());
        Assert.Equal(ours.Thumbnail.Bytes.Length, thumbnail.GetProperty("bytes").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ours.Thumbnail.Bytes)), thumbnail.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task C2paRsReadsOurIsccSoftBinding()
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        string path = folder.File("fingerprinted.jpg");
        File.WriteAllBytes(path, signed);
        string code;
        using (var stream = new MemoryStream(TestAssets.SmallJpeg()))
            code = Provenance.Fingerprint.ImageDecoder.TryDecode(stream)!.Code().ToString();

        JsonElement result = RunReader(interop, path, null);
        Assert.True(result.GetProperty("state").GetString() == "Valid", result.ToString());
        JsonElement binding = Assert.Single(result.GetProperty("softBindings").EnumerateArray());
        Assert.Equal("io.iscc.v0", binding.GetProperty("alg").GetString());
        Assert.Equal(code, Assert.Single(binding.GetProperty("blocks").EnumerateArray()).GetProperty("value").GetString());
    }

    [Fact]
    public async Task C2paRsSeesTamperingInOurJpeg()
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        signed[C2pa.ManifestSignerTests.IndexOfStartOfScan(signed) + 20] ^= 0x01;
        string path = folder.File("tampered.jpg");
        File.WriteAllBytes(path, signed);

        JsonElement result = RunReader(interop, path, null);
        Assert.True(result.GetProperty("state").GetString() == "Invalid", result.ToString());
        Assert.Contains("assertion.dataHash.mismatch", result.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task C2paRsAcceptsOurTimeStampedSignature()
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki();
        using var tsa = new LocalTimeStampAuthority(pki);
        using TempFolder folder = TestAssets.NewFolder();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(), Signing.Request(tsa: tsa.Url));
        string path = folder.File("stamped.jpg");
        string rootPath = folder.File("root.pem");
        File.WriteAllBytes(path, signed);
        File.WriteAllText(rootPath, pki.Root.ExportCertificatePem());

        JsonElement result = RunReader(interop, path, rootPath);
        Assert.True(result.GetProperty("state").GetString() == "Trusted", result.ToString());
        string[] success = result.GetProperty("validation").GetProperty("activeManifest").GetProperty("success")
            .EnumerateArray().Select(s => s.GetProperty("code").GetString()!).ToArray();
        Assert.Contains("timeStamp.validated", success);
    }

    [Fact]
    public async Task C2paRsAcceptsOurParentIngredientWhenResigning()
    {
        if (!TryInterop(out string interop)) return;
        using var first = new TestPki("First Artist");
        using var second = new TestPki("Second Artist");
        using TempFolder folder = TestAssets.NewFolder();
        (byte[] once, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), first.Signer());
        (byte[] twice, _) = await Signing.SignJpegAsync(once, second.Signer());
        string path = folder.File("resigned.jpg");
        string rootPath = folder.File("root.pem");
        File.WriteAllBytes(path, twice);
        // c2pa-rs calls the whole store trusted only when the parent's signer is trusted too.
        File.WriteAllText(rootPath, second.Root.ExportCertificatePem() + "\n" + first.Root.ExportCertificatePem());

        JsonElement result = RunReader(interop, path, rootPath);
        Assert.True(result.GetProperty("state").GetString() == "Trusted", result.ToString());
        string[] deltas = result.GetProperty("validation").GetProperty("ingredientDeltas")[0].GetProperty("validationDeltas").GetProperty("success")
            .EnumerateArray().Select(s => s.GetProperty("code").GetString()!).ToArray();
        Assert.Contains("ingredient.manifest.validated", deltas);
    }

    [Fact]
    public async Task C2paTsSaysOurJpegIsValid()
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki();
        using TempFolder folder = TestAssets.NewFolder();
        (byte[] signed, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer());
        string path = folder.File("signed.jpg");
        File.WriteAllBytes(path, signed);

        JsonElement result = RunNode(interop, "c2pa-ts-read.mjs", [path]);
        Assert.True(result.GetProperty("state").GetString() == "Valid", result.ToString());
    }

    [Theory]
    [InlineData("pd-es256.jpg")]
    [InlineData("pd-es256.png")]
    [InlineData("pd-es256.tif")]
    [InlineData("pd-es256.webp")]
    public async Task C2paRsTrustsOurResignedFixtureInEveryFormat(string fixture)
    {
        if (!TryInterop(out string interop)) return;
        using var pki = new TestPki("Format Artist");
        using TempFolder folder = TestAssets.NewFolder();
        string path = folder.File("resigned" + Path.GetExtension(fixture));
        string rootPath = folder.File("roots.pem");
        SignResult result = await new ManifestSigner().SignFileAsync(TestAssets.Fixture(fixture), path, Signing.Request(), pki.Signer());
        Assert.True(result.HasParentIngredient);
        File.WriteAllText(rootPath, pki.Root.ExportCertificatePem() + "\n" + File.ReadAllText(TestAssets.Fixture("pd-test-root.pem")));

        JsonElement rs = RunReader(interop, path, rootPath);
        Assert.True(rs.GetProperty("state").GetString() == "Trusted", rs.ToString());
        Assert.Equal(Verdict.Trusted, Provenance.Verification.Verifier.VerifyFile(path, new Provenance.Verification.TrustSettings { Anchors = [pki.Root] }).Verdict);
    }

    private JsonElement RunReader(string interop, string file, string? root) =>
        RunNode(interop, "c2pa-read.mjs", root == null ? [file, "--verbose"] : [file, "--verbose", "--trust", root]);

    private JsonElement RunNode(string interop, string script, string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(interop, script));
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.WriteLine(stdout);
        Assert.True(process.ExitCode == 0, script + " failed: " + stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private static readonly Lazy<string?> Interop = new(FindOrInstallInterop, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>tests/interop with its node_modules installed, found by walking up from the test binaries.</summary>
    private static string? InteropDirectory() => Interop.Value;

    /// <summary>The interop folder, or false after saying why these checks cannot run on this machine.</summary>
    private bool TryInterop(out string interop)
    {
        interop = InteropDirectory()!;
        if (interop is not null) return true;
        output.WriteLine("SKIPPED: tests/interop/node_modules is absent and npm could not install it; install Node.js 20+ to check interop with c2pa-rs.");
        return false;
    }

    /// <summary>
    /// Finds tests/interop and, when its node_modules is absent, installs the pinned packages with npm once, so the
    /// README's one test command sets everything up. Without npm the tests say so and pass, except under CI=true,
    /// where interop must run and a failed install fails them.
    /// </summary>
    private static string? FindOrInstallInterop()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (!File.Exists(Path.Combine(candidate, "c2pa-read.mjs"))) continue;
            if (Installed(candidate)) return candidate;
            string problem = NpmInstall(candidate);
            if (Installed(candidate)) return candidate;
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException("interop tests need tests/interop/node_modules and `npm install` failed: " + problem);
            return null;
        }
        return null;
    }

    private static bool Installed(string interop) => Directory.Exists(Path.Combine(interop, "node_modules", "@contentauth", "c2pa-wasm"));

    private static string NpmInstall(string interop)
    {
        try
        {
            // npm install rather than npm ci: the lock file pins every version, but the registry mirror does not
            // serve cbor-extract's optional per-platform binaries, which npm ci insists on finding in the lock.
            var start = new ProcessStartInfo("npm") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "install", "--no-audit", "--no-fund", "--no-save" }) start.ArgumentList.Add(arg);
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                return "npm install took more than 5 minutes";
            }
            return process.ExitCode == 0 ? "" : stderr.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "npm is not installed (" + e.Message + ")";
        }
    }
}
