using System;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;
using Sha256 = ProvenanceDevice.Token.Crypto.Sha256;

namespace Token.Core.Tests;

/// <summary>
/// PROTOCOL.md "SIGN", revision 3: the host hashes the to-be-signed bytes up to the 64-byte block that holds the
/// counter binding and sends the SHA-256 midstate plus the tail; the token checks the binding in the tail, finishes
/// the hash, and the signature and log entry cover the whole message exactly as if it had been sent whole.
/// </summary>
public sealed class HashedSignTests
{
    private static byte[] Bytes(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed)).ToArray();

    /// <summary>A message shaped like prov's Sig_structure: a long prefix (protected header, certificates), the binding, the rest of the claim.</summary>
    private static byte[] Message(TokenRig rig, long counter, out int offset) =>
        TokenRig.WithBinding([0x84, .. Bytes(1100, 3)], rig.Hardware.Serial, counter, Bytes(600, 9), out offset);

    private static SignRequest Hashed(byte[] message, int bindingOffset)
    {
        int prefix = bindingOffset / 64 * 64;
        var sha = new Sha256();
        sha.Update(message, 0, prefix);
        return new SignRequest
        {
            Midstate = sha.Midstate(),
            PrefixLength = prefix,
            ToBeSigned = message[prefix..],
            BindingOffset = bindingOffset - prefix,
        };
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(64)]
    [InlineData(119)]
    [InlineData(1000)]
    public void FinishingFromAMidstateGivesTheDigestOfTheWholeMessage(int tail)
    {
        for (int blocks = 1; blocks <= 20; blocks += 6)
        {
            byte[] message = Bytes(blocks * 64 + tail, blocks);
            var host = new Sha256();
            host.Update(message, 0, blocks * 64);
            Sha256 token = Sha256.FromMidstate(host.Midstate(), blocks * 64);
            token.Update(message, blocks * 64, tail);
            Assert.Equal(SHA256.HashData(message), token.Final());
        }
    }

    [Fact]
    public void AHashedSignCoversTheWholeMessageAndItsLogEntryToo()
    {
        var rig = new TokenRig();
        byte[] publicKey = rig.GenerateKeyPressed();
        byte[] message = Message(rig, rig.InfoFields().Counter + 1, out int offset);
        SignRequest request = Hashed(message, offset);
        byte[] payload = request.Encode();
        Assert.True(payload.Length < message.Length - 1000, "the request carries the tail, not the whole message");

        rig.Button.QueuePress(true);
        TokenReply reply = rig.Request(MessageType.Sign, payload);
        Assert.False(reply.IsError, reply.ToString());
        SignReply signed = SignReply.Decode(reply.Payload);
        Assert.True(EcdsaTestKey.Verify(publicKey, message, signed.Signature));
        Assert.Equal(SHA256.HashData(message), rig.ReadWholeLog()[^1].Digest);
    }

    [Fact]
    public void AHashedSignWithoutABindingIsRefused()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        byte[] message = Bytes(700, 1);
        var sha = new Sha256();
        sha.Update(message, 0, 640);
        var request = new SignRequest { Midstate = sha.Midstate(), PrefixLength = 640, ToBeSigned = message[640..] };
        rig.Button.AutoPress = true;
        Assert.Equal(ErrorCode.BindingRefused, rig.Request(MessageType.Sign, request.Encode()).ErrorCode);
        Assert.Equal(0, rig.Key.SignCount);
    }

    [Fact]
    public void TheTailIsCheckedAsAWholeMessageWouldBe()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        rig.Button.AutoPress = true;
        long next = rig.InfoFields().Counter + 1;

        // Another counter than the one this signature uses.
        byte[] lying = Message(rig, next + 1, out int offset);
        Assert.Equal(ErrorCode.BindingRefused, rig.Request(MessageType.Sign, Hashed(lying, offset).Encode()).ErrorCode);

        // The field name twice in the tail.
        byte[] twice = TokenRig.WithBinding([0x84, .. Bytes(1100, 3)], rig.Hardware.Serial, next, [.. Bytes(10, 1), .. CounterBinding.FieldNameBytes()], out int at);
        Assert.Equal(ErrorCode.BindingRefused, rig.Request(MessageType.Sign, Hashed(twice, at).Encode()).ErrorCode);

        // A binding offset that points elsewhere in the tail.
        byte[] good = Message(rig, next, out int right);
        SignRequest moved = Hashed(good, right);
        moved.BindingOffset += 1;
        Assert.Equal(ErrorCode.BindingRefused, rig.Request(MessageType.Sign, moved.Encode()).ErrorCode);

        Assert.Equal(0, rig.Key.SignCount);
        Assert.Equal(next - 1, rig.InfoFields().Counter);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(100L)]
    [InlineData(16L * 1024 * 1024 + 64)]
    public void APrefixLengthThatIsNotWholeBlocksIsABadPayload(long prefixLength)
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        byte[] message = Message(rig, rig.InfoFields().Counter + 1, out int offset);
        SignRequest request = Hashed(message, offset);
        request.PrefixLength = prefixLength;
        rig.Button.AutoPress = true;
        TokenReply reply = rig.Request(MessageType.Sign, request.Encode());
        Assert.Equal(ErrorCode.BadPayload, reply.ErrorCode);
        Assert.Contains("offset 38", reply.Reason, StringComparison.Ordinal);
    }
}
