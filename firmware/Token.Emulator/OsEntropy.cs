using System;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>Random bytes from the operating system's CSPRNG.</summary>
public sealed class OsEntropy : IEntropy
{
    /// <inheritdoc/>
    public void Fill(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        RandomNumberGenerator.Fill(buffer);
    }
}
