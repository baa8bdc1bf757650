using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Tests.Identity;

/// <summary>An IToken backed by a .NET P-256 key; it can be told to misbehave the ways a broken or hostile token would.</summary>
internal sealed class SoftwareTestToken : IToken
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private long counter;

    public SoftwareTestToken(string serial = "TK-0001", string keyProtection = "software")
    {
        Serial = serial;
        KeyProtection = keyProtection;
    }

    public string Serial { get; set; }

    public string KeyProtection { get; set; }

    public bool HasKey { get; set; } = true;

    /// <summary>Sign with a different key than the one reported (a token that cannot prove possession).</summary>
    public bool SignWithOtherKey { get; set; }

    /// <summary>Report this instead of the real public key.</summary>
    public byte[]? ReportedPublicKey { get; set; }

    public byte[]? LastChallenge { get; private set; }

    public int PressesRequested { get; private set; }

    public string Endpoint => "test token";

    public byte[] PublicKey
    {
        get
        {
            ECParameters parameters = key.ExportParameters(false);
            byte[] point = new byte[65];
            point[0] = 0x04;
            parameters.Q.X!.CopyTo(point, 1);
            parameters.Q.Y!.CopyTo(point, 33);
            return point;
        }
    }

    public ECDsa PublicKeyOnly()
    {
        var copy = ECDsa.Create();
        copy.ImportParameters(key.ExportParameters(false));
        return copy;
    }

    public Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new TokenInfo(Serial, "test-board", "0.1.0", 1, HasKey, KeyProtection, counter, KeyProtection == "secureElement", false, false));

    public Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default) => Task.FromResult(ReportedPublicKey ?? PublicKey);

    public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        presence?.WaitingForPress();
        PressesRequested++;
        presence?.Done();
        LastChallenge = toBeSigned;
        byte[] signature;
        if (SignWithOtherKey)
        {
            using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            signature = other.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        else
        {
            signature = key.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        counter++;
        return Task.FromResult(new TokenSignature(signature, counter, new byte[32]));
    }

    public ValueTask DisposeAsync()
    {
        key.Dispose();
        return ValueTask.CompletedTask;
    }
}
