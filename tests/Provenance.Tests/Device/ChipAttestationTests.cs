using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Provenance.Device;
using Provenance.Verification;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;
using ProvenanceDevice.Token.SecureElement;

namespace Provenance.Tests.Device;

/// <summary>
/// Attestation of a pre-provisioned ATECC608B (issue 11): the token rebuilds the maker's certificates from the chip's compressed
/// storage and has the certified key attest its signing key; the host verifies both up to the maker's root. The chip is the
/// model with a Trust&amp;GO-like factory image (<see cref="TrustAndGoLikeFactory"/>), driven by the firmware's own driver and core.
/// </summary>
public sealed class ChipAttestationTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly string _state = Path.Combine(Path.GetTempPath(), "prov-attest-test-" + Guid.NewGuid().ToString("N"));
    private readonly TrustAndGoLikeFactory _maker = new();

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void TheTokenRebuildsTheMakersCertificatesByteForByteFromTheCompressedSlots()
    {
        var chip = new Atecc608(_maker.CreateChip());
        var key = new SecureElementKey(chip, _maker.Profile, TrustAndGoLikeFactory.SigningSlot);

        List<byte[]> chain = ChipAttestationVerifier.SplitChain(key.GetCertificateChain());

        Assert.Equal(2, chain.Count);
        Assert.Equal(_maker.Device.GetEncoded(), chain[0]);
        Assert.Equal(_maker.Signer.GetEncoded(), chain[1]);
    }

    [Fact]
    public async Task AnAttestedChainVerifiesUpToTheMakersRoot()
    {
        await using TokenClient client = AttestingToken(_maker.CreateChip(), out byte[] publicKey);

        TokenAttestation attestation = await client.AttestAsync().WaitAsync(NoHang);
        ChipAttestationResult result = ChipAttestationVerifier.Verify(attestation, [_maker.RootCertificate()], Now);

        Assert.Equal(publicKey, attestation.PublicKey);
        Assert.True(result.Attested, result.Reason);
        Assert.Equal(KeyProtectionLevels.Attested, result.Level);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_maker.Root.GetEncoded())), result.RootFingerprint);
        Assert.Contains("sn" + Convert.ToHexString(_maker.Serial), result.DeviceSubject);
    }

    [Fact]
    public async Task AnotherMakersRootIsRefusedWithTheReason()
    {
        await using TokenClient client = AttestingToken(_maker.CreateChip(), out _);
        TokenAttestation attestation = await client.AttestAsync().WaitAsync(NoHang);

        X509Certificate2 otherRoot = new TrustAndGoLikeFactory("Other Maker").RootCertificate();
        ChipAttestationResult result = ChipAttestationVerifier.Verify(attestation, [otherRoot], Now);

        Assert.False(result.Attested);
        Assert.Equal(KeyProtectionLevels.SecureElement, result.Level);
        Assert.StartsWith("not attested: the chip's certificates do not chain to a maker root you trust", result.Reason);
    }

    [Fact]
    public async Task ATamperedCompressedCertificateIsRefusedWithTheReason()
    {
        // One bit of the stored signature's r changes: the rebuilt device certificate no longer verifies.
        await using TokenClient client = AttestingToken(_maker.CreateChip(device => device[5] ^= 0x01), out _);
        TokenAttestation attestation = await client.AttestAsync().WaitAsync(NoHang);

        ChipAttestationResult result = ChipAttestationVerifier.Verify(attestation, [_maker.RootCertificate()], Now);

        Assert.False(result.Attested);
        Assert.Contains("device certificate's signature does not verify under the signer certificate", result.Reason);
    }

    [Fact]
    public async Task ATamperedIssueDateIsRefusedToo()
    {
        // Day 15 becomes day 14: still a valid date, so the certificate is rebuilt, with a to-be-signed part nobody signed.
        await using TokenClient client = AttestingToken(_maker.CreateChip(device => device[65] ^= 0x04), out _);
        TokenAttestation attestation = await client.AttestAsync().WaitAsync(NoHang);

        ChipAttestationResult result = ChipAttestationVerifier.Verify(attestation, [_maker.RootCertificate()], Now);

        Assert.Contains("device certificate's signature does not verify", result.Reason);
    }

    [Fact]
    public async Task AnAttestationOverAnotherKeyIsRefusedWithTheReason()
    {
        // A token that shows a genuine chip's attestation of its slot 2 but signs with another key.
        await using TokenClient client = AttestingToken(_maker.CreateChip(), out _);
        TokenAttestation genuine = await client.AttestAsync().WaitAsync(NoHang);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ECParameters p = other.ExportParameters(false);
        TokenAttestation swapped = genuine with { PublicKey = [0x04, .. p.Q.X!, .. p.Q.Y!] };

        ChipAttestationResult result = ChipAttestationVerifier.Verify(swapped, [_maker.RootCertificate()], Now);

        Assert.False(result.Attested);
        Assert.Equal("not attested: the attestation covers a different key than the token's signing key", result.Reason);
    }

    [Fact]
    public async Task AReplayedAttestationForAnotherChallengeIsRefused()
    {
        await using TokenClient client = AttestingToken(_maker.CreateChip(), out _);
        TokenAttestation genuine = await client.AttestAsync().WaitAsync(NoHang);
        TokenAttestation replayed = genuine with { Challenge = RandomNumberGenerator.GetBytes(20) };

        ChipAttestationResult result = ChipAttestationVerifier.Verify(replayed, [_maker.RootCertificate()], Now);

        Assert.False(result.Attested);
        Assert.Contains("attestation signature does not verify under the device certificate's key", result.Reason);
    }

    [Fact]
    public async Task ABlankSecureElementSaysNotAttested()
    {
        // A blank ATECC608B the token provisions itself: no maker certificate, no attestation.
        var button = new SimulatedButton(true);
        TokenHardware hardware = EmulatedToken.CreateSecureElementHardware(_state, button, new ConsoleLed(TextWriter.Null, false, false), "test");
        var core = new TokenCore(hardware);
        await using var client = new TokenClient(new InMemoryTransport("blank chip", (bytes, sink) => core.Receive(bytes, 0, bytes.Length, sink)), new TokenClientOptions { ReplyTimeout = TimeSpan.FromSeconds(5) });
        await client.ProvisionAsync(null).WaitAsync(NoHang);
        await client.GenerateKeyAsync(null).WaitAsync(NoHang);

        TokenAttestation attestation = await client.AttestAsync().WaitAsync(NoHang);
        ChipAttestationResult result = ChipAttestationVerifier.Verify(attestation, [_maker.RootCertificate()], Now);

        Assert.Empty(attestation.CertificateChain);
        Assert.Empty(attestation.Attestation!);
        Assert.Equal(KeyProtectionLevels.SecureElement, result.Level);
        Assert.StartsWith("not attested: the chip carries no maker certificate", result.Reason);
    }

    [Fact]
    public void TheChipRefusesAnInternalSignatureOfADigestGenKeyDidNotMake()
    {
        // Nonce then Sign internal, without GenKey in between: TempKey holds a nonce, which the chip will not sign internally.
        var chip = new Atecc608(_maker.CreateChip());
        var key = new SecureElementKey(chip, _maker.Profile, TrustAndGoLikeFactory.SigningSlot);
        key.Generate();

        var refused = Assert.Throws<SecureElementException>(() => chip.ExecuteSequence([AteccCommand.NonceRandom(new byte[20]), AteccCommand.SignInternal(0, true)]));

        Assert.Equal(AteccStatus.ExecutionError, refused.Status);
        Assert.Equal("Sign", refused.Command);
    }

    [Fact]
    public void ACompressedCertificateForAnotherTemplateIsATypedErrorNamingTheElement()
    {
        byte[] compressed = (byte[])_maker.CompressedDevice.Clone();
        compressed[69] = 0x50;  // template 5

        var error = Assert.Throws<CertificateFormatException>(() =>
            CompressedCertificate.Decompress(_maker.Profile.DeviceTemplate, compressed, _maker.DevicePublicKey, _maker.SignerPublicKey, _maker.Serial));

        Assert.Equal("template id", error.Element);
    }

    [Fact]
    public void AnImpossibleDateIsATypedErrorNamingTheElement()
    {
        byte[] compressed = (byte[])_maker.CompressedDevice.Clone();
        compressed[64] = (byte)((compressed[64] & 0xF8) | 0x07);  // month 14 or 15

        var error = Assert.Throws<CertificateFormatException>(() =>
            CompressedCertificate.Decompress(_maker.Profile.DeviceTemplate, compressed, _maker.DevicePublicKey, _maker.SignerPublicKey, _maker.Serial));

        Assert.Equal("issue date", error.Element);
    }

    [Fact]
    public async Task EnrollmentRecordsAttestedOnlyWhenTheChipsAttestationVerifies()
    {
        const string Password = "correct horse battery staple";
        var identity = Provenance.Identity.ArtistIdentity.Create("Ada Lovelace", "ada@example.org", null, Password, Path.Combine(_state, "identity"), Provenance.Identity.ArtistIdentity.MinKeyDerivationIterations);
        using var unlocked = identity.Unlock(Password);

        await using (TokenClient client = AttestingToken(_maker.CreateChip(), out _))
        {
            X509Certificate2 withRoot = await Provenance.Identity.TokenEnrollment.EnrollAsync(client, unlocked, null, [_maker.RootCertificate()]).WaitAsync(NoHang);
            Assert.Equal(Provenance.Identity.TokenCertificateProfile.Attested, Provenance.Identity.TokenCertificateProfile.KeyProtectionOf(withRoot));
        }

        await using (TokenClient client = AttestingToken(_maker.CreateChip(device => device[5] ^= 0x01), out _))
        {
            X509Certificate2 tampered = await Provenance.Identity.TokenEnrollment.EnrollAsync(client, unlocked, null, [_maker.RootCertificate()]).WaitAsync(NoHang);
            Assert.Equal(Provenance.Identity.TokenCertificateProfile.SecureElement, Provenance.Identity.TokenCertificateProfile.KeyProtectionOf(tampered));
        }
    }

    private TokenClient AttestingToken(Atecc608Model model, out byte[] publicKey)
    {
        var chip = new Atecc608(model);
        var key = new SecureElementKey(chip, _maker.Profile, TrustAndGoLikeFactory.SigningSlot);
        key.Generate();
        publicKey = key.GetPublicKey();
        TokenHardware hardware = EmulatedToken.CreateHardware(_state, new SimulatedButton(true), new ConsoleLed(TextWriter.Null, false, false), "test");
        hardware.Key = key;
        hardware.Serial = chip.ReadSerialNumberHex();
        var core = new TokenCore(hardware);
        return new TokenClient(new InMemoryTransport("trust&go-like chip", (bytes, sink) => core.Receive(bytes, 0, bytes.Length, sink)), new TokenClientOptions { ReplyTimeout = TimeSpan.FromSeconds(5) });
    }
}
