using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.X509;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Device;
using Provenance.Identity;
using Provenance.Tests.TestSupport;
using Provenance.Trust;
using Provenance.Verification;

namespace Provenance.Tests.Revocation;

/// <summary>
/// Issue 15, step 2: an artist who lost her token after signature 3 revokes it from signature 4 on. Files 1–3 keep
/// their verdict with a note, 4 and later are invalid, and a signature whose counter the token did not bind counts as
/// after the loss.
/// </summary>
public sealed class RevocationFromCounterTests : IDisposable
{
    private const string Password = "revocation-password";
    private readonly TestSupport.TempFolder folder = TestAssets.NewFolder();
    private readonly ArtistIdentity identity;

    public RevocationFromCounterTests()
    {
        identity = ArtistIdentity.Create("Lost Token Artist", "artist@example.org", "https://artist.example.org", Password,
            folder.File("identity"), ArtistIdentity.MinKeyDerivationIterations);
    }

    public void Dispose() => folder.Dispose();

    private async Task<TokenClient> EnrolledTokenAsync()
    {
        TokenClient token = EmbeddedToken.Open(folder.File("token"));
        using (UnlockedIdentity unlocked = identity.Unlock(Password))
            await TokenEnrollment.EnrollAsync(token, unlocked);
        return token;
    }

    private async Task<ArtworkSignResult> SignAsync(IToken token, string name, string identityFolder = "identity")
    {
        string input = folder.File(name + ".jpg");
        File.WriteAllBytes(input, TestAssets.SmallJpeg());
        return await ArtworkSigner.SignFileAsync(input, folder.File(name + "-signed.jpg"), token,
            new ArtworkSignOptions { IdentityDirectory = folder.File(identityFolder) }, null);
    }

    /// <summary>What a thief's computer holds: the artist's token certificate as it was before she revoked it.</summary>
    private void CopyIdentityForTheThief()
    {
        string source = folder.File("identity"), target = folder.File("identity-thief");
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    private byte[] Revoke(string serial, long? fromCounter)
    {
        using UnlockedIdentity unlocked = identity.Unlock(Password);
        return unlocked.Revoke(serial, fromCounter);
    }

    private TrustSettings TrustWith(params byte[][] crls) => new() { Anchors = [identity.RootCertificate], Crls = crls };

    [Fact]
    public async Task FilesSignedBeforeTheLossStayTrustedWithANoteAndLaterOnesAreRevoked()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        var signed = new List<ArtworkSignResult>();
        for (int i = 1; i <= 5; i++) signed.Add(await SignAsync(token, "work" + i));
        string serial = signed[0].TokenSerial;
        long lostAt = signed[3].Counter;

        // The artist's own prov refuses a revoked token (tests/Provenance.Cli.Tests/Artist/RevokedTokenTests); the
        // thief signs with a copy of what the artist's computer held before she revoked it.
        CopyIdentityForTheThief();
        byte[] crl = Revoke(serial, lostAt);
        ArtworkSignResult afterRevocation = await SignAsync(token, "thief", "identity-thief");
        TrustSettings trust = TrustWith(crl);

        for (int i = 0; i < 3; i++)
        {
            FileVerification before = Verifier.VerifyFile(signed[i].Output, trust);
            Assert.Equal(Verdict.Trusted, before.Verdict);
            Assert.Contains($"token reported lost at signature {lostAt}; this signature came before", before.Notes);
            Assert.DoesNotContain(before.Statuses, s => s.Code == ValidationCodes.SigningCredentialRevoked);
        }
        foreach (ArtworkSignResult later in new[] { signed[3], signed[4], afterRevocation })
        {
            FileVerification revoked = Verifier.VerifyFile(later.Output, trust);
            Assert.Equal(Verdict.Invalid, revoked.Verdict);
            Assert.Contains(revoked.Statuses, s => s.Code == ValidationCodes.SigningCredentialRevoked);
            Assert.Contains($"reported lost at signature {lostAt}", revoked.Reason);
        }
        // Without the CRL nothing changes: the revocation is what decides.
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(signed[4].Output, TrustWith()).Verdict);
    }

    [Fact]
    public async Task ARevokedTokenIsNeverCertifiedAgain()
    {
        // Otherwise the new certificate would vouch for the thief's signatures from N on.
        await using TokenClient token = await EnrolledTokenAsync();
        ArtworkSignResult first = await SignAsync(token, "first");
        Revoke(first.TokenSerial, first.Counter + 1);

        using UnlockedIdentity unlocked = identity.Unlock(Password);
        EnrollmentException refused = await Assert.ThrowsAsync<EnrollmentException>(() => TokenEnrollment.EnrollAsync(token, unlocked));
        Assert.Contains("never certified again", refused.Message, StringComparison.Ordinal);
        Assert.Single(identity.EnrolledTokens(), t => t.TokenSerial == first.TokenSerial);
    }

    [Fact]
    public async Task ASignatureWhoseCounterTheTokenDidNotBindCountsAsAfterTheLoss()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        ArtworkSignResult unbound = await SignAsync(new ProtocolOneView(token), "unbound");
        ArtworkSignResult bound = await SignAsync(token, "bound");
        Assert.True(unbound.Counter < bound.Counter);

        byte[] crl = Revoke(unbound.TokenSerial, bound.Counter + 10);

        FileVerification result = Verifier.VerifyFile(unbound.Output, TrustWith(crl));
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(result.Statuses, s => s.Code == ValidationCodes.SigningCredentialRevoked);
        Assert.Contains("not bound by the token", result.Reason);
        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(bound.Output, TrustWith(crl)).Verdict);
    }

    [Fact]
    public async Task RevokingWithoutACounterStillRevokesEverySignature()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        ArtworkSignResult first = await SignAsync(token, "first");

        byte[] crl = Revoke(first.TokenSerial, null);

        FileVerification result = Verifier.VerifyFile(first.Output, TrustWith(crl));
        Assert.Equal(Verdict.Invalid, result.Verdict);
        Assert.Contains(result.Statuses, s => s.Code == ValidationCodes.SigningCredentialRevoked);
    }

    [Fact]
    public async Task ARevocationOnlyWidensAndTheCrlEntryCarriesTheCounterAsANonCriticalExtension()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        string serial = (await token.GetInfoAsync()).Serial;

        Revoke(serial, 9);
        Revoke(serial, 12);
        byte[] crl = Revoke(serial, 7);

        // Independent parser (BouncyCastle) and signature check against the root.
        X509Crl parsed = new X509CrlParser().ReadCrl(crl);
        parsed.Verify(new X509CertificateParser().ReadCertificate(identity.RootCertificate.RawData).GetPublicKey());
        X509CrlEntry entry = Assert.Single(parsed.GetRevokedCertificates());
        Assert.Contains(RevocationList.FromCounterOid, entry.GetNonCriticalExtensionOids());
        Assert.DoesNotContain(RevocationList.FromCounterOid, entry.GetCriticalExtensionOids() ?? new HashSet<string>());
        Assert.Equal(7, RevocationList.FromCounterOf(entry));

        byte[] outright = Revoke(serial, null);
        Assert.Null(RevocationList.FromCounterOf(new X509CrlParser().ReadCrl(outright).GetRevokedCertificates().Single()));
        Assert.Null(Assert.Single(identity.RevokedCertificates()).FromCounter);
    }

    [Fact]
    public async Task TheCrlImportsIntoTheTrustStoreAndTheStoreKeepsTheLimit()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        var signed = new List<ArtworkSignResult>();
        for (int i = 1; i <= 2; i++) signed.Add(await SignAsync(token, "w" + i));
        byte[] crl = Revoke(signed[0].TokenSerial, signed[1].Counter);

        using TrustStore store = TrustStore.Open(folder.File("trust.db"));
        store.Add(identity.RootCertificate.RawData, "artist");
        store.ImportCrl(crl);
        TrustSettings trust = store.ToTrustSettings();

        Assert.Equal(Verdict.Trusted, Verifier.VerifyFile(signed[0].Output, trust).Verdict);
        Assert.Equal(Verdict.Invalid, Verifier.VerifyFile(signed[1].Output, trust).Verdict);
    }

    /// <summary>The token as a protocol 1 host sees it, so prov writes no binding field (as c2patool's signer would not).</summary>
    private sealed class ProtocolOneView(IToken inner) : IToken
    {
        public string Endpoint => inner.Endpoint;

        public async Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
            await inner.GetInfoAsync(cancellationToken) with { ProtocolVersion = 1 };

        public Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default) => inner.GetPublicKeyAsync(cancellationToken);

        public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default) =>
            inner.SignAsync(toBeSigned, presence, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
