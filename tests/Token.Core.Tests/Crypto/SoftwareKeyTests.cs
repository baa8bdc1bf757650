using System;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.Crypto;

public class SoftwareKeyTests
{
    private const string RecordName = "softkey";

    /// <summary>Replays queued 32-byte values first, then the operating system's RNG.</summary>
    private sealed class ScriptedEntropy : IEntropy
    {
        private readonly byte[][] _queued;
        private int _next;

        public ScriptedEntropy(params byte[][] queued) => _queued = queued;

        public int Calls { get; private set; }

        public void Fill(byte[] buffer)
        {
            Calls++;
            if (_next < _queued.Length) _queued[_next++].CopyTo(buffer, 0);
            else RandomNumberGenerator.Fill(buffer);
        }
    }

    private static byte[] Digest(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void GeneratedKeySignsForDotNet()
    {
        var storage = new InMemoryStorage();
        var key = new SoftwareKey(storage, new ScriptedEntropy());
        Assert.Equal(KeyProtection.Software, key.Protection);
        Assert.False(key.HasKey);

        key.Generate();
        Assert.True(key.HasKey);
        byte[] publicKey = key.GetPublicKey();
        Assert.True(EcdsaP256.IsValidPublicKey(publicKey));

        byte[] digest = Digest("a scan of a physical work");
        byte[] signature = key.SignDigest(digest);
        using ECDsa verifier = EcdsaP256Tests.DotNetVerifier(publicKey);
        Assert.True(verifier.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.False(verifier.VerifyHash(Digest("another work"), signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void KeyPersistsAcrossInstancesOnTheSameStorage()
    {
        var storage = new InMemoryStorage();
        var first = new SoftwareKey(storage, new ScriptedEntropy());
        first.Generate();
        byte[] digest = Digest("persisted");

        var second = new SoftwareKey(storage, new ScriptedEntropy());
        Assert.True(second.HasKey);
        Assert.Equal(first.GetPublicKey(), second.GetPublicKey());
        Assert.Equal(first.SignDigest(digest), second.SignDigest(digest));
    }

    [Fact]
    public void GenerateReplacesTheKey()
    {
        var storage = new InMemoryStorage();
        var key = new SoftwareKey(storage, new ScriptedEntropy());
        key.Generate();
        byte[] before = key.GetPublicKey();
        key.Generate();
        Assert.NotEqual(before, key.GetPublicKey());
        Assert.Equal(key.GetPublicKey(), new SoftwareKey(storage, new ScriptedEntropy()).GetPublicKey());
    }

    [Fact]
    public void OutOfRangeEntropyIsDrawnAgain()
    {
        byte[] order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        byte[] allOnes = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        byte[] accepted = Convert.FromHexString("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
        var entropy = new ScriptedEntropy(new byte[32], order, allOnes, accepted);
        var key = new SoftwareKey(new InMemoryStorage(), entropy);

        key.Generate();

        Assert.Equal(4, entropy.Calls);
        Assert.Equal(EcdsaP256.DerivePublicKey(accepted), key.GetPublicKey());
    }

    [Fact]
    public void BrokenEntropyIsReportedNotLoopedOn()
    {
        var stuck = new ScriptedEntropy(Enumerable.Range(0, 1000).Select(_ => new byte[32]).ToArray());
        var key = new SoftwareKey(new InMemoryStorage(), stuck);
        Assert.Throws<InvalidOperationException>(key.Generate);
        Assert.False(key.HasKey);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(64)]
    public void TornRecordReadsAsNoKey(int keptBytes)
    {
        var storage = new InMemoryStorage();
        new SoftwareKey(storage, new ScriptedEntropy()).Generate();
        storage.Truncate(RecordName, keptBytes);

        var reloaded = new SoftwareKey(storage, new ScriptedEntropy());
        Assert.False(reloaded.HasKey);
        Assert.Throws<InvalidOperationException>(() => reloaded.SignDigest(Digest("x")));
        Assert.Throws<InvalidOperationException>(() => reloaded.GetPublicKey());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    public void CorruptedRecordReadsAsNoKey(int index)
    {
        var storage = new InMemoryStorage();
        new SoftwareKey(storage, new ScriptedEntropy()).Generate();
        storage.Corrupt(RecordName, index);
        Assert.False(new SoftwareKey(storage, new ScriptedEntropy()).HasKey);
    }

    [Fact]
    public void DestroyRemovesTheKeyAndTheRecord()
    {
        var storage = new InMemoryStorage();
        var key = new SoftwareKey(storage, new ScriptedEntropy());
        key.Generate();
        Assert.True(storage.Contains(RecordName));

        key.Destroy();

        Assert.False(key.HasKey);
        Assert.False(storage.Contains(RecordName));
        Assert.False(new SoftwareKey(storage, new ScriptedEntropy()).HasKey);
        Assert.Throws<InvalidOperationException>(() => key.SignDigest(Digest("after destroy")));
        // The record was overwritten before it was deleted, so flash that ignores deletes would hold no key.
        Assert.Equal(new[] { RecordName, RecordName }, storage.Writes);
    }

    [Fact]
    public void FailedWriteLeavesWhatTheStorageHolds()
    {
        var storage = new InMemoryStorage();
        var key = new SoftwareKey(storage, new ScriptedEntropy());
        key.Generate();
        byte[] original = key.GetPublicKey();

        storage.FailNextWrite = true;
        Assert.Throws<System.IO.IOException>(key.Generate);

        Assert.True(key.HasKey);
        Assert.Equal(original, key.GetPublicKey());
    }

    [Fact]
    public void SignDigestRejectsWrongLengthDigests()
    {
        var key = new SoftwareKey(new InMemoryStorage(), new ScriptedEntropy());
        key.Generate();
        Assert.Throws<ArgumentException>(() => key.SignDigest(new byte[31]));
        Assert.Throws<ArgumentNullException>(() => key.SignDigest(null!));
    }

    [Fact]
    public void PublicSurfaceIsOnlyTheKeySlotInterface()
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Type type = typeof(SoftwareKey);
        string[] interfaceMembers = typeof(ITokenKey).GetMembers().Select(m => m.Name).ToArray();

        string[] extra = type.GetMembers(Public)
            .Where(m => m is not ConstructorInfo)
            .Select(m => m.Name)
            .Where(name => !interfaceMembers.Contains(name) && !interfaceMembers.Contains(name.Replace("get_", "")))
            .ToArray();
        Assert.Empty(extra);

        // Nothing public hands out a byte array except the public key and signatures, neither of which is 32 bytes.
        var key = new SoftwareKey(new InMemoryStorage(), new ScriptedEntropy());
        key.Generate();
        Assert.Equal(65, key.GetPublicKey().Length);
        Assert.Equal(64, key.SignDigest(Digest("len")).Length);
        Assert.DoesNotContain(type.GetFields(Public | BindingFlags.NonPublic), f => f.IsPublic);
    }
}
