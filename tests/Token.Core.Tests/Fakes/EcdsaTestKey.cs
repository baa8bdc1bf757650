using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.Fakes;

/// <summary>
/// A token key backed by .NET's ECDsa, so tests can verify signatures independently of the token's own P-256.
/// It exposes its private scalars to the test only, so replies can be scanned for them.
/// </summary>
public sealed class EcdsaTestKey : ITokenKey, IDisposable
{
    private ECDsa? _key;
    private readonly List<byte[]> _scalars = new();

    public int Protection { get; set; } = KeyProtection.Software;

    public bool HasKey => _key != null;

    /// <summary>Every private scalar this key slot ever held (test-only view).</summary>
    public IReadOnlyList<byte[]> PrivateScalarsEverGenerated => _scalars;

    public int SignCount { get; private set; }

    /// <summary>Another slot holding the same key (to restart a scenario from a saved state).</summary>
    public EcdsaTestKey Clone()
    {
        var copy = new EcdsaTestKey { Protection = Protection };
        if (_key != null)
        {
            copy._key = ECDsa.Create(_key.ExportParameters(true));
            copy._scalars.AddRange(_scalars);
        }
        return copy;
    }

    public void Generate()
    {
        _key?.Dispose();
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _scalars.Add(_key.ExportParameters(true).D!);
    }

    public byte[] GetPublicKey()
    {
        ECParameters parameters = Current.ExportParameters(false);
        var publicKey = new byte[65];
        publicKey[0] = 0x04;
        parameters.Q.X!.CopyTo(publicKey, 1);
        parameters.Q.Y!.CopyTo(publicKey, 33);
        return publicKey;
    }

    public byte[] SignDigest(byte[] digest)
    {
        if (digest.Length != 32) throw new ArgumentException("digest must be 32 bytes");
        SignCount++;
        return Current.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public void Destroy()
    {
        _key?.Dispose();
        _key = null;
    }

    /// <summary>Verifies r||s over SHA-256 of <paramref name="toBeSigned"/> with a public key from the wire.</summary>
    public static bool Verify(byte[] publicKey, byte[] toBeSigned, byte[] signature)
    {
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..65] },
        });
        return verifier.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public void Dispose() => Destroy();

    private ECDsa Current => _key ?? throw new InvalidOperationException("no key");
}
