using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Tests.Device;

/// <summary>The host client against the real token core through an in-memory pipe, with a damaged line in between.</summary>
public sealed class TokenClientTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);
    private readonly string _state = Path.Combine(Path.GetTempPath(), "prov-client-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task GeneratesKeySignsAndTheSignatureVerifiesWithThePublicKey()
    {
        var token = new TestToken(_state, autoPress: true);
        await using TokenClient client = token.Client();

        TokenStatus before = await client.GetStatusAsync().WaitAsync(NoHang);
        Assert.False(before.HasKey);
        Assert.Equal(KeyProtectionNames.Software, before.KeyProtection);
        Assert.True(client.IsSoftwareToken);

        byte[] publicKey = await client.GenerateKeyAsync(null).WaitAsync(NoHang);
        byte[] toBeSigned = RandomNumberGenerator.GetBytes(1000); // five chunks, each answered by CONTINUE
        TokenSignature first = await client.SignAsync(toBeSigned, null).WaitAsync(NoHang);
        TokenSignature second = await client.SignAsync(toBeSigned, null).WaitAsync(NoHang);

        Assert.True(Verify(publicKey, toBeSigned, first.Signature));
        Assert.True(second.Counter > first.Counter);
        Assert.Equal(second.Counter, (await client.GetInfoAsync().WaitAsync(NoHang)).Counter);
    }

    [Fact]
    public async Task ProvisionLocksTheSecureElementModelAndThenTheKeyIsMadeInIt()
    {
        var token = new TestToken(_state, autoPress: false, secureElement: true);
        var person = new PressingPrompt(token.Button);
        await using TokenClient client = token.Client();

        TokenStatus blank = await client.GetStatusAsync().WaitAsync(NoHang);
        Assert.True(blank.SecureElementPresent);
        Assert.False(blank.SecureElementProvisioned);
        Assert.False(client.IsSoftwareToken);

        ProvisionResult result = await client.ProvisionAsync(person).WaitAsync(NoHang);

        Assert.Equal(blank.Serial, result.Serial);
        Assert.True(result.ConfigLocked);
        Assert.True(result.DataLocked);
        Assert.Equal(1, person.Waits);
        Assert.Equal(1, person.Dones);
        Assert.True((await client.GetStatusAsync().WaitAsync(NoHang)).SecureElementProvisioned);
        var twice = await Assert.ThrowsAsync<TokenErrorException>(() => client.ProvisionAsync(person).WaitAsync(NoHang));
        Assert.Equal(ErrorCode.WrongState, twice.Code);

        byte[] publicKey = await client.GenerateKeyAsync(person).WaitAsync(NoHang);
        byte[] toBeSigned = RandomNumberGenerator.GetBytes(200);
        TokenSignature signature = await client.SignAsync(toBeSigned, person).WaitAsync(NoHang);
        Assert.True(Verify(publicKey, toBeSigned, signature.Signature));
        TokenAttestation attestation = await client.AttestAsync().WaitAsync(NoHang);
        Assert.Equal(KeyProtectionNames.SecureElement, attestation.KeyProtection);
        Assert.Equal(blank.Serial, attestation.Serial);
        Assert.Empty(attestation.CertificateChain);
    }

    [Fact]
    public async Task ProvisionOnASoftwareTokenIsRefused()
    {
        var token = new TestToken(_state, autoPress: true);
        await using TokenClient client = token.Client();

        var refused = await Assert.ThrowsAsync<TokenErrorException>(() => client.ProvisionAsync(null).WaitAsync(NoHang));

        Assert.Equal(ErrorCode.WrongState, refused.Code);
        Assert.False((await client.GetStatusAsync().WaitAsync(NoHang)).SecureElementPresent);
    }

    [Fact]
    public async Task GarbageBetweenAndInsideReplyFramesIsSkipped()
    {
        var token = new TestToken(_state, autoPress: true);
        int replies = 0;
        // Noise ending in a delimiter before every reply frame, and once noise glued to the front of a frame
        // (which destroys that frame: the client must ask again rather than hang).
        token.ReplyFilter = (wire, send) =>
        {
            replies++;
            send([0x41, 0x54, 0x0D, 0x0A, 0xFF, 0x13, 0x00]);
            if (replies == 2) send([0x55, 0x55, .. wire]);
            else send(wire);
        };
        await using TokenClient client = token.Client();

        TokenStatus status = await client.GetStatusAsync().WaitAsync(NoHang);
        TokenStatus again = await client.GetStatusAsync().WaitAsync(NoHang);

        Assert.Equal(token.Hardware.Serial, status.Serial);
        Assert.Equal(token.Hardware.Serial, again.Serial);
    }

    [Fact]
    public async Task AChunkCorruptedOnTheWayToTheTokenIsResentAfterBadCrc()
    {
        var token = new TestToken(_state, autoPress: true);
        int framesSeen = 0;
        int corrupted = 0;
        token.RequestFilter = bytes =>
        {
            // Damage a payload byte (keeping the old CRC) of the third chunk, which expects CONTINUE, and of the
            // last chunk, which expects the reply: each once.
            if (bytes.Length > 1 && bytes[^1] == 0)
            {
                framesSeen++;
                if (framesSeen is 4 or 6)
                {
                    corrupted++;
                    byte[] body = Cobs.Decode(bytes, 0, bytes.Length - 1);
                    body[Frame.HeaderLength + 3] ^= 0x20;
                    return [.. Cobs.Encode(body, 0, body.Length), 0];
                }
            }
            return bytes;
        };
        await using TokenClient client = token.Client();
        byte[] publicKey = await client.GenerateKeyAsync(null).WaitAsync(NoHang);
        byte[] toBeSigned = RandomNumberGenerator.GetBytes(900);

        TokenSignature signature = await client.SignAsync(toBeSigned, null).WaitAsync(NoHang);

        Assert.Equal(2, corrupted);
        Assert.True(Verify(publicKey, toBeSigned, signature.Signature));
        TokenLog log = await client.GetLogAsync().WaitAsync(NoHang);
        Assert.Single(log.Entries);
        Assert.Equal(SHA256.HashData(toBeSigned), log.Entries[0].Digest);
    }

    [Fact]
    public async Task AStaleReplyWithAnotherSequenceNumberIsIgnored()
    {
        var token = new TestToken(_state, autoPress: true);
        token.ReplyFilter = (wire, send) =>
        {
            Frame stale = DecodeOne(wire);
            send(new Frame(MessageType.Error, 0, unchecked((byte)(stale.Sequence + 77)), ErrorReply.Encode(ErrorCode.Internal, "stale")).Encode());
            send(wire);
        };
        await using TokenClient client = token.Client();

        TokenStatus status = await client.GetStatusAsync().WaitAsync(NoHang);

        Assert.Equal(token.Hardware.Serial, status.Serial);
    }

    [Fact]
    public async Task ASilentTokenBecomesTokenUnavailableNamingTheEndpointAndTimeout()
    {
        var options = new TokenClientOptions { ReplyTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = new TokenClient(new InMemoryTransport("/dev/ttyUSB9", (_, _) => { }), options);

        var error = await Assert.ThrowsAsync<TokenUnavailableException>(() => client.GetStatusAsync().WaitAsync(NoHang));

        Assert.Equal("no reply from the token on /dev/ttyUSB9 within 0.3 s", error.Message);
    }

    [Fact]
    public async Task ATokenThatOnlyChattersStillTimesOut()
    {
        var options = new TokenClientOptions { ReplyTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = new TokenClient(new InMemoryTransport("/dev/ttyACM3", (bytes, sink) =>
        {
            var decoder = new FrameDecoder();
            foreach (byte b in bytes)
            {
                if (decoder.Push(b) != FrameDecoder.FrameReady) continue;
                // CONTINUE with the right sequence number, over and over, but never a reply.
                for (int i = 0; i < 100; i++)
                {
                    sink.Send(new Frame(MessageType.Continue, 0, decoder.LastFrame.Sequence, null).Encode());
                    Thread.Sleep(20);
                }
            }
        }), options);

        var error = await Assert.ThrowsAsync<TokenUnavailableException>(() => client.GetStatusAsync().WaitAsync(NoHang));

        Assert.Equal("no reply from the token on /dev/ttyACM3 within 0.3 s", error.Message);
    }

    [Fact]
    public async Task PresencePromptIsToldWhileTheTokenWaitsForItsButton()
    {
        var token = new TestToken(_state, autoPress: false);
        await using TokenClient client = token.Client();
        var prompt = new PressingPrompt(token.Button);

        byte[] publicKey = await client.GenerateKeyAsync(prompt).WaitAsync(NoHang);
        byte[] toBeSigned = [1, 2, 3];
        TokenSignature signature = await client.SignAsync(toBeSigned, prompt).WaitAsync(NoHang);

        Assert.Equal(2, prompt.Waits);
        Assert.Equal(2, prompt.Dones);
        Assert.Equal(2, token.Button.PressCount);
        Assert.True(Verify(publicKey, toBeSigned, signature.Signature));
    }

    [Fact]
    public async Task TokenErrorsCarryTheCodeName()
    {
        var token = new TestToken(_state, autoPress: true);
        await using TokenClient client = token.Client();

        var error = await Assert.ThrowsAsync<TokenErrorException>(() => client.SignAsync([1], null).WaitAsync(NoHang));

        Assert.Equal(ErrorCode.NoKey, error.Code);
        Assert.Equal("NoKey", error.CodeName);
        Assert.StartsWith("token error NoKey: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPinReportsTriesLeftAndTheRightPinUnlocksSigning()
    {
        var token = new TestToken(_state, autoPress: true);
        await using (TokenClient setup = token.Client())
        {
            await setup.GenerateKeyAsync(null).WaitAsync(NoHang);
            PinStatus set = await setup.SetPinAsync("2468").WaitAsync(NoHang);
            Assert.True(set.PinSet);
        }
        token.Core.EndConnection();
        await using TokenClient client = token.Client();

        var refused = await Assert.ThrowsAsync<TokenErrorException>(() => client.SignAsync([9], null).WaitAsync(NoHang));
        var wrong = await Assert.ThrowsAsync<TokenErrorException>(() => client.VerifyPinAsync("1111").WaitAsync(NoHang));
        await client.VerifyPinAsync("2468").WaitAsync(NoHang);
        TokenSignature signature = await client.SignAsync([9], null).WaitAsync(NoHang);

        Assert.Equal("PinRequired", refused.CodeName);
        Assert.Equal("WrongPin", wrong.CodeName);
        Assert.Contains("tries left", wrong.Reason, StringComparison.Ordinal);
        Assert.Equal(64, signature.Signature.Length);
    }

    [Fact]
    public async Task ExportedLogChainsAndATamperedEntryIsCaught()
    {
        var token = new TestToken(_state, autoPress: true);
        await using TokenClient client = token.Client();
        await client.GenerateKeyAsync(null).WaitAsync(NoHang);
        var signatures = new List<TokenSignature>();
        for (int i = 0; i < 20; i++) signatures.Add(await client.SignAsync([(byte)i, 7], null).WaitAsync(NoHang));

        TokenLog log = await client.GetLogAsync().WaitAsync(NoHang); // 20 entries: two LOG pages

        Assert.Equal(20, log.Entries.Count);
        Assert.Equal(signatures[^1].LogEntryHash, log.Entries[^1].Hash);
        Assert.True(LogChainVerifier.Verify(log).Intact);

        var entries = new List<TokenLogEntry>(log.Entries);
        entries[7] = entries[7] with { UnixTime = entries[7].UnixTime + 3600 };
        LogChainResult tampered = LogChainVerifier.Verify(log with { Entries = entries });
        Assert.False(tampered.Intact);
        Assert.Contains(tampered.Problems, p => p.StartsWith("entry 7 ", StringComparison.Ordinal) && p.Contains("hash does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmbeddedTokenGeneratesItsKeyOnFirstUseAndKeepsItAcrossOpens()
    {
        byte[] firstKey;
        await using (TokenClient embedded = EmbeddedToken.Open(_state))
        {
            Assert.True(embedded.IsEmbedded);
            Assert.Contains("not hardware-protected", embedded.Endpoint, StringComparison.Ordinal);
            firstKey = await embedded.GetPublicKeyAsync().WaitAsync(NoHang);
            TokenSignature signature = await embedded.SignAsync([5, 5], null).WaitAsync(NoHang);
            Assert.True(Verify(firstKey, [5, 5], signature.Signature));
        }
        await using TokenClient reopened = EmbeddedToken.Open(_state);
        TokenStatus status = await reopened.GetStatusAsync().WaitAsync(NoHang);

        Assert.Equal(firstKey, await reopened.GetPublicKeyAsync().WaitAsync(NoHang));
        Assert.StartsWith(EmbeddedToken.SerialPrefix, status.Serial, StringComparison.Ordinal);
        Assert.Equal(1, status.Counter);
    }

    private static bool Verify(byte[] publicKey, byte[] data, byte[] signature)
    {
        using ECDsa ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        });
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
    }

    private static Frame DecodeOne(byte[] wire)
    {
        var decoder = new FrameDecoder();
        foreach (byte b in wire)
        {
            if (decoder.Push(b) == FrameDecoder.FrameReady) return decoder.LastFrame;
        }
        throw new InvalidDataException("no frame in the token's output");
    }

    /// <summary>The real token core on temp-folder storage, with hooks to damage the line in either direction.</summary>
    private sealed class TestToken
    {
        public TestToken(string state, bool autoPress, bool secureElement = false)
        {
            Button = new SimulatedButton(autoPress);
            var led = new ConsoleLed(TextWriter.Null, false, false);
            Hardware = secureElement
                ? EmulatedToken.CreateSecureElementHardware(state, Button, led, "test")
                : EmulatedToken.CreateHardware(state, Button, led, "test");
            Core = new TokenCore(Hardware);
        }

        public SimulatedButton Button { get; }

        public TokenHardware Hardware { get; }

        public TokenCore Core { get; }

        /// <summary>Changes what the host sent before the token sees it.</summary>
        public Func<byte[], byte[]> RequestFilter { get; set; } = bytes => bytes;

        /// <summary>Changes each reply frame (wire bytes) before the host sees it; call send zero or more times.</summary>
        public Action<byte[], Action<byte[]>> ReplyFilter { get; set; } = (wire, send) => send(wire);

        public TokenClient Client() => new(new InMemoryTransport("test token", Deliver), new TokenClientOptions { ReplyTimeout = TimeSpan.FromSeconds(5) });

        private void Deliver(byte[] bytes, IFrameSink sink)
        {
            byte[] filtered = RequestFilter(bytes);
            Core.Receive(filtered, 0, filtered.Length, new FilteringSink(sink, ReplyFilter));
        }

        private sealed class FilteringSink(IFrameSink inner, Action<byte[], Action<byte[]>> filter) : IFrameSink
        {
            public void Send(byte[] wireBytes) => filter(wireBytes, inner.Send);
        }
    }

    /// <summary>A person who presses the button when told to.</summary>
    private sealed class PressingPrompt(SimulatedButton button) : IPresencePrompt
    {
        private int _waits;
        private int _dones;

        public int Waits => _waits;

        public int Dones => _dones;

        public void WaitingForPress()
        {
            Interlocked.Increment(ref _waits);
            button.Press();
        }

        public void Done() => Interlocked.Increment(ref _dones);
    }
}
