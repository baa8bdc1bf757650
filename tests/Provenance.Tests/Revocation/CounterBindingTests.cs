using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Device;
using Provenance.Identity;

using Provenance.Tests.TestSupport;
using Provenance.Verification;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Tests.Revocation;

/// <summary>
/// Issue 15, step 1: the counter in a signed file is the token's word. prov writes the token serial and counter into
/// the claim, the token (protocol 2) signs only when they are its own, and the verifier reports the counter as bound
/// only when it comes from such a claim.
/// </summary>
public sealed class CounterBindingTests : IDisposable
{
    private const string Password = "counter-password";
    private readonly TestSupport.TempFolder folder = TestAssets.NewFolder();
    private readonly ArtistIdentity identity;

    public CounterBindingTests()
    {
        identity = ArtistIdentity.Create("Counter Artist", "artist@example.org", "https://artist.example.org", Password,
            folder.File("identity"), ArtistIdentity.MinKeyDerivationIterations);
    }

    public void Dispose() => folder.Dispose();

    private TrustSettings Trust => new() { Anchors = [identity.RootCertificate] };

    private async Task<TokenClient> EnrolledTokenAsync()
    {
        TokenClient token = EmbeddedToken.Open(folder.File("token"));
        using (UnlockedIdentity unlocked = identity.Unlock(Password))
            await TokenEnrollment.EnrollAsync(token, unlocked);
        return token;
    }

    private async Task<ArtworkSignResult> SignAsync(IToken token, string name)
    {
        string input = folder.File(name + ".jpg");
        File.WriteAllBytes(input, TestAssets.SmallJpeg());
        return await ArtworkSigner.SignFileAsync(input, folder.File(name + "-signed.jpg"), token,
            new ArtworkSignOptions { IdentityDirectory = folder.File("identity") }, null);
    }

    [Fact]
    public async Task EverySignedFileCarriesTheTokensOwnCounterAndTheVerifierSaysItIsBound()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        var counters = new List<long>();
        for (int i = 1; i <= 3; i++)
        {
            ArtworkSignResult signed = await SignAsync(token, "work" + i);
            FileVerification verified = Verifier.VerifyFile(signed.Output, Trust);

            Assert.Equal(Verdict.Trusted, verified.Verdict);
            Assert.NotNull(verified.Token);
            Assert.True(verified.Token!.CounterBound, "the counter came from the token-bound claim field");
            Assert.True(verified.Token.Proven);
            Assert.Equal(signed.Counter, verified.Token.Counter);
            Assert.Equal(signed.TokenSerial, verified.Token.Serial);
            counters.Add(verified.Token.Counter!.Value);
        }
        Assert.Equal([counters[0], counters[0] + 1, counters[0] + 2], counters);
        Assert.Equal(counters[2], (await token.GetInfoAsync()).Counter);
    }

    [Fact]
    public async Task AStolenTokenDrivenByAModifiedHostThatWritesAnotherCounterSignsNothing()
    {
        await using TokenClient token = await EnrolledTokenAsync();
        await SignAsync(token, "before");
        long counterBefore = (await token.GetInfoAsync()).Counter;

        // The modified prov rewrites the counter in the claim (to look older than a revocation) before SIGN.
        var forger = new CounterForgingToken(token, delta: -1);
        var refused = await Assert.ThrowsAsync<TokenErrorException>(() => SignAsync(forger, "forged"));

        Assert.Equal(ErrorCode.BindingRefused, refused.Code);
        Assert.Equal(1, forger.Forged);
        Assert.False(File.Exists(folder.File("forged-signed.jpg")));
        Assert.Equal(counterBefore, (await token.GetInfoAsync()).Counter);
    }

    [Fact]
    public async Task AnUnboundClaimSignedByTheTokenStillVerifiesButItsCounterIsTheHostsWord()
    {
        // As a protocol 1 host (or the c2patool signer) signs: the counter only in the token assertion.
        await using TokenClient token = await EnrolledTokenAsync();
        var unbound = new ProtocolOneToken(token);
        ArtworkSignResult signed = await SignAsync(unbound, "old");

        FileVerification verified = Verifier.VerifyFile(signed.Output, Trust);

        Assert.Equal(Verdict.Trusted, verified.Verdict);
        Assert.Equal(signed.Counter, verified.Token!.Counter);
        Assert.False(verified.Token.CounterBound);
    }

    [Fact]
    public async Task AClaimFieldSignedByACertificateOfNoSuchTokenIsNotBound()
    {
        using var pki = new TestPki();
        var bound = new SigningRequest { Title = "Harbour", TokenSerial = "PD-0042", TokenCounter = 17, BindTokenCounter = true };
        (byte[] bytes, _) = await Signing.SignJpegAsync(TestAssets.SmallJpeg(), pki.Signer(), bound);

        FileVerification verified = Signing.Verify(bytes, new TrustSettings { Anchors = [pki.Root] });

        Assert.Equal(Verdict.Trusted, verified.Verdict);
        Assert.Equal(17, verified.Token!.Counter);
        Assert.False(verified.Token.CounterBound);
    }

    [Fact]
    public void TheHostWritesTheFieldExactlyAsTheTokenBuildsIt()
    {
        var claim = new Claim
        {
            InstanceId = "xmp:iid:1",
            SignatureUri = "self#jumbf=/c2pa/urn:c2pa:1/c2pa.signature",
            Assertions = [],
            Title = "t",
            TokenBinding = new ClaimTokenBinding("TK-7", 70000),
        };
        byte[] cbor = claim.Encode();

        Assert.Equal(1, CounterBinding.CountOccurrences(cbor, 0, CounterBinding.Encode("TK-7", 70000)));
        Assert.Equal(new ClaimTokenBinding("TK-7", 70000), Claim.Decode(cbor, Claim.LabelV2).TokenBinding);
    }

    [Fact]
    public void AClaimThatNamesTheFieldTwiceIsNotReadAsBound()
    {
        // A true field hidden in the title beside a forged one: no protocol 2 token signs that, and no verifier reads it.
        string decoy = System.Text.Encoding.Latin1.GetString(CounterBinding.FieldNameBytes());
        var claim = new Claim
        {
            InstanceId = "xmp:iid:1",
            SignatureUri = "self#jumbf=/c2pa/urn:c2pa:1/c2pa.signature",
            Assertions = [],
            Title = decoy,
            TokenBinding = new ClaimTokenBinding("TK-7", 3),
        };

        Assert.Null(Claim.Decode(claim.Encode(), Claim.LabelV2).TokenBinding);
    }

    /// <summary>A modified host: shifts the counter in the claim's binding field before the bytes reach the token.</summary>
    private sealed class CounterForgingToken(IToken inner, long delta) : IToken
    {
        public int Forged { get; private set; }

        public string Endpoint => inner.Endpoint;

        public Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

        public Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default) => inner.GetPublicKeyAsync(cancellationToken);

        public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default) =>
            inner.SignAsync(toBeSigned, presence, cancellationToken);

        public async Task<TokenSignature> SignBoundAsync(byte[] toBeSigned, int bindingOffset, IPresencePrompt? presence, CancellationToken cancellationToken = default)
        {
            TokenInfo info = await inner.GetInfoAsync(cancellationToken);
            byte[] honest = CounterBinding.Encode(info.Serial, info.Counter + 1);
            byte[] forged = CounterBinding.Encode(info.Serial, info.Counter + 1 + delta);
            Assert.Equal(honest.Length, forged.Length);
            Assert.True(CounterBinding.MatchesAt(toBeSigned, bindingOffset, honest));
            byte[] tampered = (byte[])toBeSigned.Clone();
            forged.CopyTo(tampered, bindingOffset);
            Forged++;
            return await inner.SignBoundAsync(tampered, bindingOffset, presence, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A token as a protocol 1 host sees it: INFO says protocol 1, so prov writes no binding field.</summary>
    private sealed class ProtocolOneToken(IToken inner) : IToken
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
