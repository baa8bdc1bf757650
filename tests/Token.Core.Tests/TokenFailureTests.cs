using System;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

public class TokenFailureTests
{
    private sealed class ThrowingSink : IFrameSink
    {
        public int Calls;

        public void Send(byte[] wireBytes)
        {
            Calls++;
            throw new InvalidOperationException("port closed");
        }
    }

    private sealed class AttestingKey : ITokenKey, IKeyAttestation
    {
        private readonly EcdsaTestKey _inner = new();

        public int Protection => KeyProtection.SecureElement;
        public bool HasKey => _inner.HasKey;
        public void Generate() => _inner.Generate();
        public byte[] GetPublicKey() => _inner.GetPublicKey();
        public byte[] SignDigest(byte[] digest) => _inner.SignDigest(digest);
        public void Destroy() => _inner.Destroy();
        public string Describe() => "ATECC608B slot 0, private key never readable";
        public byte[] GetCertificateChain() => new byte[] { 0x30, 0x82, 0x01, 0x00, 0xAA, 0xBB };
    }

    private sealed class BrokenKey : ITokenKey
    {
        public int Protection => KeyProtection.SecureElement;
        public bool HasKey => true;
        public void Generate() => throw new InvalidOperationException("i2c nack");
        public byte[] GetPublicKey()
        {
            var key = new byte[65];
            key[0] = 0x04;
            return key;
        }
        public byte[] SignDigest(byte[] digest) => throw new InvalidOperationException("i2c nack");
        public void Destroy() { }
    }

    [Fact]
    public void ReceiveSurvivesASinkThatThrows()
    {
        var rig = new TokenRig();
        var sink = new ThrowingSink();
        byte[] wire = new Frame(MessageType.Info, 0, 1, null).Encode();
        rig.Core.Receive(wire, 0, wire.Length, sink);
        Assert.True(sink.Calls >= 1);
        Assert.False(rig.Info().IsError);
    }

    [Fact]
    public void StorageFailureWhileReservingTheCounterReleasesNoSignature()
    {
        var rig = new TokenRig();
        rig.GenerateKeyPressed();
        var sink = new RecordingSink();
        rig.Flash.CutPowerAfter(0);
        rig.Button.QueuePress(true);
        byte[] wire = new Frame(MessageType.Sign, 0, 9, new byte[] { 1, 2, 3 }).Encode();
        rig.Core.Receive(wire, 0, wire.Length, sink);

        Frame last = DecodeLast(sink);
        Assert.Equal(MessageType.Error, last.Type);
        Assert.Equal(ErrorCode.HardwareError, ErrorReply.CodeOf(last.Payload));
        Assert.Equal(0, rig.Key.SignCount);
        Assert.Equal(LedState.Error, rig.Led.Current);
    }

    [Fact]
    public void KeyFailureIsAHardwareErrorNotACrash()
    {
        var rig = new TokenRig();
        rig.Hardware.Key = new BrokenKey();
        var core = new TokenCore(rig.Hardware);
        var sink = new RecordingSink();
        rig.Button.AutoPress = true;
        OpenSession(core);
        byte[] wire = new Frame(MessageType.Sign, 0, 3, new byte[] { 9 }).Encode();
        core.Receive(wire, 0, wire.Length, sink);

        Frame last = DecodeLast(sink);
        Assert.Equal(ErrorCode.HardwareError, ErrorReply.CodeOf(last.Payload));
        Assert.Equal("signing failed", ErrorReply.ReasonOf(last.Payload));
    }

    [Fact]
    public void AttestCarriesTheSecureElementDescriptionAndChain()
    {
        var rig = new TokenRig();
        rig.Hardware.Key = new AttestingKey();
        var core = new TokenCore(rig.Hardware);
        rig.Hardware.Key.Generate();
        var sink = new RecordingSink();
        OpenSession(core);
        byte[] wire = new Frame(MessageType.Attest, 0, 4, null).Encode();
        core.Receive(wire, 0, wire.Length, sink);

        AttestReply attest = AttestReply.Decode(DecodeLast(sink).Payload);
        Assert.Equal(KeyProtection.SecureElement, attest.KeyProtection);
        Assert.Equal("ATECC608B slot 0, private key never readable", attest.Description);
        Assert.Equal(new byte[] { 0x30, 0x82, 0x01, 0x00, 0xAA, 0xBB }, attest.CertificateChain);
        Assert.Equal(rig.Hardware.Key.GetPublicKey(), attest.PublicKey);
    }

    private static void OpenSession(TokenCore core)
    {
        byte[] open = new Frame(MessageType.OpenSession, 0, 1, null).Encode();
        core.Receive(open, 0, open.Length, new RecordingSink());
    }

    private static Frame DecodeLast(RecordingSink sink)
    {
        var decoder = new FrameDecoder();
        int result = FrameDecoder.NeedMore;
        foreach (byte b in sink.Sent[^1]) result = decoder.Push(b);
        Assert.Equal(FrameDecoder.FrameReady, result);
        return decoder.LastFrame;
    }
}
