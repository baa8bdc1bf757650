using System;
using System.Linq;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// GENERATE_KEY mixes 32 bytes from the host's CSPRNG into the token's own randomness (issue 11): the ESP32's
/// esp_random() is pseudo-random with its radios off, so the key must not depend on it alone.
/// </summary>
public class HostEntropyTests
{
    private sealed class StuckEntropy : IEntropy
    {
        public void Fill(byte[] buffer) => Array.Fill(buffer, (byte)0x5A);
    }

    private static byte[] GenerateWith(byte[] hostEntropy, Func<IEntropy>? tokenEntropy = null)
    {
        // The development-mode software key: the one whose key comes from the token's entropy.
        var rig = new TokenRig(configure: h =>
        {
            if (tokenEntropy != null) h.Entropy = tokenEntropy();
            h.Key = new SoftwareKey(h.Storage, h.Entropy);
        });
        rig.Button.QueuePress(true);
        TokenReply reply = rig.Request(MessageType.GenerateKey, hostEntropy);
        Assert.False(reply.IsError, reply.ToString());
        Assert.Equal(reply.Payload, rig.Hardware.Key.GetPublicKey());
        return reply.Payload;
    }

    private static byte[] Host(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(seed + i)).ToArray();

    [Fact]
    public void TwoTokensWhoseOwnRandomnessRepeatsStillGetDifferentKeysFromDifferentHosts()
    {
        // Both rigs' token entropy is the same seeded sequence, as two boards booting with radios off could be.
        byte[] first = GenerateWith(Host(1));
        byte[] second = GenerateWith(Host(2));
        byte[] again = GenerateWith(Host(1));

        Assert.NotEqual(first, second);
        Assert.Equal(first, again);
    }

    [Fact]
    public void AStuckRandomSourceIsRescuedByTheHostsBytes()
    {
        byte[] first = GenerateWith(Host(7), () => new StuckEntropy());
        byte[] second = GenerateWith(Host(8), () => new StuckEntropy());

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void TheHostsBytesAloneDoNotDecideTheKey()
    {
        // A host that kept its 32 bytes cannot recompute the key: the token's own randomness is mixed in.
        byte[] first = GenerateWith(Host(3));
        byte[] other = GenerateWith(Host(3), () => new ReseededEntropy(1234));

        Assert.NotEqual(first, other);
    }

    [Fact]
    public void HostEntropyOfAnotherLengthIsRefusedWithoutAKey()
    {
        var rig = new TokenRig();
        rig.Button.AutoPress = true;

        TokenReply reply = rig.Request(MessageType.GenerateKey, new byte[16]);

        Assert.Equal(ErrorCode.BadPayload, reply.ErrorCode);
        Assert.False(rig.Key.HasKey);
    }

    [Fact]
    public void AProtocol1HostWithoutEntropyStillGetsAKey()
    {
        var rig = new TokenRig();
        Assert.Equal(65, rig.GenerateKeyPressed().Length);
    }

    private sealed class ReseededEntropy(int seed) : IEntropy
    {
        private readonly Random _random = new(seed);

        public void Fill(byte[] buffer) => _random.NextBytes(buffer);
    }
}
