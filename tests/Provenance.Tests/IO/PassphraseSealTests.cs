using System;
using System.Security.Cryptography;
using Provenance.IO;

namespace Provenance.Tests.IO;

/// <summary>The passphrase seal that encrypts the embedded token's key at rest.</summary>
public sealed class PassphraseSealTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(65);

    [Fact]
    public void OpensWithThePassphraseAndHidesTheSecret()
    {
        byte[] sealedBytes = PassphraseSeal.Seal(Secret, "passphrase one", "softkey", iterations: 10_000);

        Assert.True(PassphraseSeal.IsSealed(sealedBytes));
        Assert.True(sealedBytes.AsSpan().IndexOf(Secret.AsSpan(1, 32)) < 0);
        Assert.Equal(Secret, PassphraseSeal.Open(sealedBytes, "passphrase one", "softkey"));
        Assert.False(PassphraseSeal.IsSealed(Secret));
    }

    [Fact]
    public void AWrongPassphraseAnotherRecordOrAChangedByteFailsToOpen()
    {
        byte[] sealedBytes = PassphraseSeal.Seal(Secret, "passphrase one", "softkey", iterations: 10_000);

        Assert.ThrowsAny<CryptographicException>(() => PassphraseSeal.Open(sealedBytes, "passphrase two", "softkey"));
        Assert.ThrowsAny<CryptographicException>(() => PassphraseSeal.Open(sealedBytes, "passphrase one", "pin"));
        for (int i = 8; i < sealedBytes.Length; i += 7)
        {
            byte[] changed = (byte[])sealedBytes.Clone();
            changed[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => PassphraseSeal.Open(changed, "passphrase one", "softkey"));
        }
    }
}
