using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Protocol;

namespace Token.Core.Tests.Fakes;

/// <summary>Checks an exported signature log independently of the token's own hashing.</summary>
public static class LogChain
{
    public static void AssertValid(IReadOnlyList<LogEntry> entries)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            LogEntry entry = entries[i];
            byte[] material = BigEndian(entry.Counter).Concat(BigEndian(entry.Time)).Concat(entry.Digest).Concat(entry.PreviousHash).ToArray();
            Assert.Equal(SHA256.HashData(material), entry.Hash);
            if (i > 0)
            {
                Assert.Equal(entries[i - 1].Hash, entry.PreviousHash);
                Assert.True(entry.Counter > entries[i - 1].Counter, "counter went from " + entries[i - 1].Counter + " to " + entry.Counter);
            }
        }
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        for (int i = 0; i < 8; i++) bytes[i] = (byte)(value >> (56 - 8 * i));
        return bytes;
    }
}
