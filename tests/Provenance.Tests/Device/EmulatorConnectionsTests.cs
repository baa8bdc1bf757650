using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Provenance.Device;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Tests.Device;

/// <summary>
/// Several host connections to one emulator over TCP, with no host-side lock in between: the emulator and the token
/// core alone must keep the connections' frames and host sessions apart (PROTOCOL.md "Host sessions").
/// </summary>
public sealed class EmulatorConnectionsTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);
    private readonly string _state = Path.Combine(Path.GetTempPath(), "prov-emu-conn-test-" + Guid.NewGuid().ToString("N"));
    private readonly EmulatorHost _emulator;
    private readonly string _address;

    public EmulatorConnectionsTests()
    {
        _emulator = new EmulatorHost(new EmulatorOptions { StateFolder = _state, AutoPress = true });
        _address = _emulator.StartTcp(0);
    }

    public void Dispose()
    {
        _emulator.Dispose();
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task ChunkedSignaturesOnFourConnectionsAtOnceEachSignExactlyTheirOwnBytes()
    {
        byte[] publicKey;
        await using (TokenClient setup = TokenLocator.Connect(_address))
        {
            publicKey = await setup.GenerateKeyAsync(null).WaitAsync(NoHang);
        }
        TokenClient[] clients = Enumerable.Range(0, 4).Select(_ => TokenLocator.Connect(_address)).ToArray();
        try
        {
            // 1000 bytes: five chunks each, so chunks of different connections (often with the same sequence number) interleave.
            var work = clients.Select(async client =>
            {
                var signed = new (byte[] Bytes, TokenSignature Signature)[10];
                for (int i = 0; i < signed.Length; i++)
                {
                    byte[] toBeSigned = RandomNumberGenerator.GetBytes(1000);
                    signed[i] = (toBeSigned, await client.SignAsync(toBeSigned, null));
                }
                return signed;
            }).ToArray();
            var results = (await Task.WhenAll(work).WaitAsync(NoHang)).SelectMany(r => r).ToArray();

            using ECDsa key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..] } });
            Assert.All(results, r => Assert.True(key.VerifyData(r.Bytes, r.Signature.Signature, HashAlgorithmName.SHA256), "signature over other bytes"));
            Assert.Equal(results.Length, results.Select(r => r.Signature.Counter).Distinct().Count());
        }
        finally
        {
            foreach (TokenClient client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASecondConnectionCannotSignOnTheFirstOnesPin()
    {
        await using TokenClient watch = TokenLocator.Connect(_address);
        await watch.GenerateKeyAsync(null).WaitAsync(NoHang);
        await watch.SetPinAsync("2468").WaitAsync(NoHang);
        await watch.SignAsync([1, 2, 3], null).WaitAsync(NoHang);

        await using TokenClient other = TokenLocator.Connect(_address);
        TokenStatus seen = await other.GetStatusAsync().WaitAsync(NoHang);
        var refused = await Assert.ThrowsAsync<TokenErrorException>(() => other.SignAsync([4, 5, 6], null).WaitAsync(NoHang));

        Assert.True(seen.PinSet);
        Assert.False(seen.PinVerified);
        Assert.Equal(ErrorCode.PinRequired, refused.Code);
        // The first connection keeps what it was granted.
        await watch.SignAsync([7, 8, 9], null).WaitAsync(NoHang);
    }

    [Fact]
    public async Task ASecondConnectionCannotRideTheFirstOnesSigningSession()
    {
        var presses = new CountingPrompt();
        await using TokenClient watch = TokenLocator.Connect(_address);
        await watch.GenerateKeyAsync(null).WaitAsync(NoHang);
        await watch.ConfigAsync(new TokenConfig(100, 10, 30), null).WaitAsync(NoHang);
        await watch.SignAsync([1], presses).WaitAsync(NoHang);
        await watch.SignAsync([2], presses).WaitAsync(NoHang);
        Assert.Equal(1, presses.Count);

        await using TokenClient other = TokenLocator.Connect(_address);
        await other.SignAsync([3], presses).WaitAsync(NoHang);

        Assert.Equal(2, presses.Count);
    }

    [Fact]
    public async Task AProbeLeavesASerialPortAnotherCommandHoldsAlone()
    {
        if (!OperatingSystem.IsLinux()) return;
        string port = _emulator.StartPty();
        ProbedToken busy;
        using (DeviceLock held = DeviceLock.TryAcquire(port, "prov watch", out _)!)
        {
            busy = await TokenLocator.ProbeAsync(port).WaitAsync(NoHang);
        }
        ProbedToken free = await TokenLocator.ProbeAsync(port).WaitAsync(NoHang);

        Assert.True(busy.InUse);
        Assert.Null(busy.Status);
        Assert.Equal("in use by PID " + Environment.ProcessId + " (prov watch)", busy.Error);
        Assert.False(free.InUse);
        Assert.Equal(_emulator.Serial, free.Status!.Serial);
    }

    private sealed class CountingPrompt : IPresencePrompt
    {
        public int Count { get; private set; }

        public void WaitingForPress() => Count++;

        public void Done()
        {
        }
    }
}
