using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Tests.Device;

/// <summary>
/// The host's side of protocol 3 (issue 14, "The token link"): a bound SIGN goes as a SHA-256 midstate plus the tail
/// that holds the counter binding, so the UART carries a fraction of the Sig_structure; the signature and the token's
/// log cover the whole message all the same.
/// </summary>
public sealed class HashedPrefixSignTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);
    private readonly string _state = Path.Combine(Path.GetTempPath(), "prov-hashed-sign-" + Guid.NewGuid().ToString("N"));
    private readonly TokenCore _core;
    private readonly TokenHardware _hardware;
    private long _bytesToToken;

    public HashedPrefixSignTests()
    {
        _hardware = EmulatedToken.CreateHardware(_state, new SimulatedButton(autoPress: true), new ConsoleLed(TextWriter.Null, false, false), "test");
        _core = new TokenCore(_hardware);
    }

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    private TokenClient Client(bool hashPrefix) => new(
        new InMemoryTransport("test token", (bytes, sink) =>
        {
            Interlocked.Add(ref _bytesToToken, bytes.Length);
            _core.Receive(bytes, 0, bytes.Length, sink);
        }),
        new TokenClientOptions { ReplyTimeout = TimeSpan.FromSeconds(5) })
    { HashPrefix = hashPrefix };

    /// <summary>1,700 bytes like prov's Sig_structure: 1,150 of header and certificates, the binding, the rest of the claim.</summary>
    private byte[] SigStructure(long counter, out int offset)
    {
        byte[] field = CounterBinding.Encode(_hardware.Serial, counter);
        byte[] before = [0x84, .. RandomNumberGenerator.GetBytes(1149)];
        byte[] after = RandomNumberGenerator.GetBytes(1700 - 1150 - field.Length);
        offset = before.Length;
        return [.. before, .. field, .. after];
    }

    private async Task<(TokenSignature Signature, byte[] Message, long Sent)> SignAsync(TokenClient client)
    {
        TokenStatus status = await client.GetStatusAsync().WaitAsync(NoHang);
        byte[] message = SigStructure(status.Counter + 1, out int offset);
        long before = Interlocked.Read(ref _bytesToToken);
        TokenSignature signature = await client.SignBoundAsync(message, offset, null).WaitAsync(NoHang);
        return (signature, message, Interlocked.Read(ref _bytesToToken) - before);
    }

    [Fact]
    public async Task ABoundSignSendsTheTailOnlyAndStillCoversTheWholeMessage()
    {
        byte[] publicKey;
        (TokenSignature Signature, byte[] Message, long Sent) hashed, whole;
        await using (TokenClient client = Client(hashPrefix: true))
        {
            publicKey = await client.GenerateKeyAsync(null).WaitAsync(NoHang);
            hashed = await SignAsync(client);
            Assert.Equal(3, client.ProtocolVersion);
        }
        await using (TokenClient client = Client(hashPrefix: false))
        {
            whole = await SignAsync(client);
        }

        // The binding starts at 1,150: 1,088 bytes (17 blocks) are hashed here and 32 bytes of midstate go instead.
        Assert.True(hashed.Sent < 700, $"protocol 3 sent {hashed.Sent} bytes");
        Assert.True(whole.Sent > 1700, $"protocol 2 sent {whole.Sent} bytes");
        Assert.True(Verifies(publicKey, hashed.Message, hashed.Signature.Signature));
        Assert.True(Verifies(publicKey, whole.Message, whole.Signature.Signature));
        Assert.Equal(hashed.Signature.Counter + 1, whole.Signature.Counter);

        await using TokenClient reader = Client(hashPrefix: true);
        TokenLog log = await reader.GetLogAsync().WaitAsync(NoHang);
        Assert.Equal(SHA256.HashData(hashed.Message), log.Entries.Single(e => e.Counter == hashed.Signature.Counter).Digest);
        Assert.True(LogChainVerifier.Verify(log).Intact);
    }

    private static bool Verifies(byte[] publicKey, byte[] data, byte[] signature)
    {
        using ECDsa ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        });
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
    }
}
