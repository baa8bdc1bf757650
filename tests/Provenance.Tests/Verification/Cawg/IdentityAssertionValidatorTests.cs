using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Provenance.C2pa;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using Provenance.Verification.Cawg;
using static Provenance.Tests.Verification.Cawg.IdentityCredentials;

namespace Provenance.Tests.Verification.Cawg;

/// <summary>CAWG identity 1.1 §7, §8.1, §8.2 on identity assertions built here: each fault gives its code and no exception.</summary>
public class IdentityAssertionValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly HashedUri[] HardBindingOnly = [DataHashReference];

    private static IdentityCheck Check(byte[] assertion, Claim? claim = null, TrustSettings? trust = null) =>
        IdentityAssertionValidator.Validate(Verified(assertion), ManifestLabel, claim ?? ClaimWith(), trust ?? TrustSettings.None, Now);

    private static List<string> Codes(IdentityCheck check) => check.Statuses.Select(s => s.Code).ToList();

    private static byte[] IcaAssertion(string issuer, Func<byte[], byte[]> sign, long alg = CoseAlgorithms.EdDSA, string? validFrom = "2025-01-01T00:00:00Z",
        string? validUntil = null, IReadOnlyList<HashedUri>? credentialReferences = null, Func<byte[], byte[]>? tamper = null)
    {
        byte[] credential = Credential(issuer, credentialReferences ?? HardBindingOnly, validFrom, validUntil);
        byte[] cose = CoseSign1(alg, credential, sign);
        if (tamper != null) cose = tamper(cose);
        return Assertion(SignerPayload(HardBindingOnly, CawgCodes.IcaSigType), cose);
    }

    [Fact]
    public void AggregatorWithAnEd25519DidKeyVerifies()
    {
        var aggregator = new Ed25519Aggregator();
        IdentityCheck check = Check(IcaAssertion(aggregator.DidKey, aggregator.Sign));

        Assert.True(check.Facts.Verified, string.Join(", ", Codes(check)));
        Assert.DoesNotContain(check.Statuses, s => s.IsFailure);
        Assert.Contains(CawgCodes.IcaUntrustedIssuer, Codes(check));
        Assert.Equal(aggregator.DidKey, check.Facts.Issuer);
        VerifiedIdentity instagram = Assert.Single(check.Facts.VerifiedIdentities);
        Assert.Equal("Instagram @ada.draws (Ada Artist)", instagram.Words);
        Assert.StartsWith("Instagram @ada.draws (Ada Artist), verified by the aggregator did:key:z6Mk", check.Facts.Summary);
    }

    [Fact]
    public void AggregatorWithAP256DidKeyVerifies()
    {
        using var aggregator = new P256Aggregator();
        Assert.StartsWith("did:key:zDn", aggregator.DidKey);
        IdentityCheck check = Check(IcaAssertion(aggregator.DidKey, aggregator.Sign, CoseAlgorithms.ES256));
        Assert.True(check.Facts.Verified, string.Join(", ", Codes(check)));
    }

    [Fact]
    public void AggregatorWithDidJwkKeysVerifies()
    {
        var ed = new Ed25519Aggregator();
        Assert.True(Check(IcaAssertion(ed.DidJwk, ed.Sign)).Facts.Verified);
        using var p256 = new P256Aggregator();
        Assert.True(Check(IcaAssertion(p256.DidJwk, p256.Sign, CoseAlgorithms.ES256)).Facts.Verified);
    }

    [Fact]
    public void AnotherKeysSignatureIsAMismatch()
    {
        var aggregator = new Ed25519Aggregator();
        var impostor = new Ed25519Aggregator();
        IdentityCheck check = Check(IcaAssertion(aggregator.DidKey, impostor.Sign));
        Assert.Contains(CawgCodes.IcaSignatureMismatch, Codes(check));
        Assert.False(check.Facts.Verified);
        Assert.Contains("NOT verified", check.Facts.Summary);
    }

    [Fact]
    public void AKeyOfTheWrongAlgorithmIsAMismatch()
    {
        using var p256 = new P256Aggregator();
        IdentityCheck check = Check(IcaAssertion(p256.DidKey, p256.Sign, CoseAlgorithms.EdDSA));
        Assert.Contains(CawgCodes.IcaSignatureMismatch, Codes(check));
    }

    [Fact]
    public void CredentialForAnotherAssetIsAPayloadMismatch()
    {
        var aggregator = new Ed25519Aggregator();
        HashedUri other = new(DataHashReference.Url, SHA256.HashData("another picture"u8));
        IdentityCheck check = Check(IcaAssertion(aggregator.DidKey, aggregator.Sign, credentialReferences: [other]));
        Assert.Contains(CawgCodes.IcaSignerPayloadMismatch, Codes(check));
        Assert.Contains(check.Statuses, s => s.Code == CawgCodes.IcaSignerPayloadMismatch && s.IsFailure);
    }

    [Theory]
    [InlineData("did:web:aggregator.example", CawgCodes.IcaDidUnavailable)]
    [InlineData("did:example:123", CawgCodes.IcaInvalidIssuer)]
    [InlineData("https://aggregator.example", CawgCodes.IcaInvalidIssuer)]
    [InlineData("did:key:z6MkNotBase58!", CawgCodes.IcaInvalidDidDocument)]
    [InlineData("did:key:zQ3s", CawgCodes.IcaInvalidDidDocument)]
    [InlineData("did:jwk:e30", CawgCodes.IcaInvalidDidDocument)]
    public void IssuersThatCannotBeResolvedOfflineSaySo(string issuer, string code)
    {
        var aggregator = new Ed25519Aggregator();
        IdentityCheck check = Check(IcaAssertion(issuer, aggregator.Sign));
        Assert.Contains(code, Codes(check));
        Assert.False(check.Facts.Verified);
    }

    [Fact]
    public void ValidityDatesAreChecked()
    {
        var a = new Ed25519Aggregator();
        Assert.Contains(CawgCodes.IcaValidFromMissing, Codes(Check(IcaAssertion(a.DidKey, a.Sign, validFrom: null))));
        Assert.Contains(CawgCodes.IcaValidFromInvalid, Codes(Check(IcaAssertion(a.DidKey, a.Sign, validFrom: "2027-01-01T00:00:00Z"))));
        Assert.Contains(CawgCodes.IcaValidUntilInvalid, Codes(Check(IcaAssertion(a.DidKey, a.Sign, validUntil: "2026-01-01T00:00:00Z"))));
        Assert.DoesNotContain(Check(IcaAssertion(a.DidKey, a.Sign, validUntil: "2030-01-01T00:00:00Z")).Statuses, s => s.IsFailure);
    }

    [Fact]
    public void ContentTypeAndAlgorithmAreChecked()
    {
        var a = new Ed25519Aggregator();
        byte[] credential = Credential(a.DidKey, HardBindingOnly);
        byte[] payload = SignerPayload(HardBindingOnly, CawgCodes.IcaSigType);
        Assert.Contains(CawgCodes.IcaInvalidContentType, Codes(Check(Assertion(payload, CoseSign1(CoseAlgorithms.EdDSA, credential, a.Sign, "application/json")))));
        Assert.Contains(CawgCodes.IcaInvalidContentType, Codes(Check(Assertion(payload, CoseSign1(CoseAlgorithms.EdDSA, credential, a.Sign, null)))));
        Assert.Contains(CawgCodes.IcaInvalidAlg, Codes(Check(Assertion(payload, CoseSign1(CoseAlgorithms.PS256, credential, a.Sign)))));
    }

    [Fact]
    public void SignerPayloadMustReferenceTheClaimsAssertionsOnceWithTheHardBinding()
    {
        var a = new Ed25519Aggregator();
        HashedUri actions = new("self#jumbf=c2pa.assertions/c2pa.actions.v2", SHA256.HashData("actions"u8));
        HashedUri elsewhere = new("self#jumbf=/c2pa/urn:c2pa:another/c2pa.assertions/c2pa.actions.v2", actions.Hash);
        HashedUri changed = new(actions.Url, SHA256.HashData("other actions"u8));
        Claim claim = ClaimWith(actions);

        byte[] Payload(params HashedUri[] references) => Assertion(SignerPayload(references, CawgCodes.IcaSigType), CoseSign1(CoseAlgorithms.EdDSA, Credential(a.DidKey, references), a.Sign));

        Assert.DoesNotContain(Check(Payload(DataHashReference, actions), claim).Statuses, s => s.Code.StartsWith("cawg.identity.", StringComparison.Ordinal));
        Assert.Contains(CawgCodes.AssertionMismatch, Codes(Check(Payload(DataHashReference, elsewhere), claim)));
        Assert.Contains(CawgCodes.AssertionMismatch, Codes(Check(Payload(DataHashReference, changed), claim)));
        Assert.Contains(CawgCodes.AssertionDuplicate, Codes(Check(Payload(DataHashReference, DataHashReference), claim)));
        IdentityCheck unbound = Check(Payload(actions), claim);
        Assert.Contains(CawgCodes.HardBindingMissing, Codes(unbound));
        Assert.False(unbound.Facts.Verified);
    }

    [Fact]
    public void PaddingMustBeZeros()
    {
        var a = new Ed25519Aggregator();
        byte[] payload = SignerPayload(HardBindingOnly, CawgCodes.IcaSigType);
        byte[] cose = CoseSign1(CoseAlgorithms.EdDSA, Credential(a.DidKey, HardBindingOnly), a.Sign);
        Assert.Contains(CawgCodes.PadInvalid, Codes(Check(Assertion(payload, cose, pad1: [0, 1]))));
        Assert.Contains(CawgCodes.PadInvalid, Codes(Check(Assertion(payload, cose, pad2: [0, 0, 7]))));
        Assert.DoesNotContain(CawgCodes.PadInvalid, Codes(Check(Assertion(payload, cose, pad2: [0, 0]))));
    }

    [Fact]
    public void UnknownSigTypeIsReported()
    {
        IdentityCheck check = Check(Assertion(SignerPayload(HardBindingOnly, "example.naive_credential"), [1, 2, 3]));
        Assert.Equal([CawgCodes.SigTypeUnknown], Codes(check));
        Assert.False(check.Facts.Verified);
    }

    [Fact]
    public void X509HolderVerifiesAndIsTrustedOnlyUnderItsRoot()
    {
        using var pki = new TestPki("Ada Artist");
        byte[] payload = SignerPayload(HardBindingOnly, CawgCodes.X509SigType, "cawg.creator");
        byte[] protectedHeader = ClaimSignature.ProtectedHeader(CoseAlgorithms.ES256, new X509Certificate2Collection { pki.Leaf, pki.Root });
        byte[] signature = pki.LeafKey.SignData(ClaimSignature.SigStructure("Signature1", protectedHeader, payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        byte[] cose = ClaimSignature.Encode(protectedHeader, signature, null, 0);
        byte[] assertion = Assertion(payload, cose);

        IdentityCheck untrusted = Check(assertion);
        Assert.Equal([CawgCodes.X509SignatureValidated, CawgCodes.X509CredentialUntrusted, CawgCodes.WellFormed], Codes(untrusted));
        Assert.True(untrusted.Facts.Verified);
        Assert.False(untrusted.Facts.IssuerTrusted);
        Assert.Equal(["cawg.creator"], untrusted.Facts.Roles);
        Assert.Matches(@"^X\.509 certificate of Ada Artist.* \(verified; the certificate is not in the trust store\)$", untrusted.Facts.Summary);

        IdentityCheck trusted = Check(assertion, trust: new TrustSettings { Anchors = [pki.Root] });
        Assert.Contains(CawgCodes.X509CredentialTrusted, Codes(trusted));
        Assert.True(trusted.Facts.IssuerTrusted);

        byte[] otherPayload = SignerPayload(HardBindingOnly, CawgCodes.X509SigType, "cawg.editor");
        IdentityCheck forged = Check(Assertion(otherPayload, cose));
        Assert.Contains(CawgCodes.X509SignatureMismatch, Codes(forged));
        Assert.False(forged.Facts.Verified);
        Assert.DoesNotContain(forged.Statuses, s => s.IsFailure);
    }

    private static byte[] X509Assertion(TestPki pki, string sigType = CawgCodes.X509SigType)
    {
        byte[] payload = SignerPayload(HardBindingOnly, sigType);
        byte[] protectedHeader = ClaimSignature.ProtectedHeader(CoseAlgorithms.ES256, new X509Certificate2Collection { pki.Leaf, pki.Root });
        byte[] signature = pki.LeafKey.SignData(ClaimSignature.SigStructure("Signature1", protectedHeader, payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Assertion(payload, ClaimSignature.Encode(protectedHeader, signature, null, 0));
    }

    [Fact]
    public void ExpiredX509IdentityIsOutsideValidityButScopedToTheIdentity()
    {
        using var pki = new TestPki("Ada Artist", leafNotAfter: Now.AddDays(-3));
        IdentityCheck check = Check(X509Assertion(pki));
        Assert.Contains(CawgCodes.X509SignatureOutsideValidity, Codes(check));
        Assert.False(check.Facts.Verified);
        Assert.DoesNotContain(check.Statuses, s => s.IsFailure);
        Assert.EndsWith("(NOT verified: cawg.x509.signature.outside_validity)", check.Facts.Summary);
    }

    [Fact]
    public void MalformedAssertionsGiveCodesNotExceptions()
    {
        var a = new Ed25519Aggregator();
        byte[] good = IcaAssertion(a.DidKey, a.Sign);
        // Every truncation, and every single-byte change in the first 200 bytes, is judged without throwing.
        for (int length = 0; length < good.Length; length += 7)
        {
            IdentityCheck check = Check(good[..length]);
            Assert.Contains(CawgCodes.CborInvalid, Codes(check));
            Assert.Contains(check.Statuses, s => s.Code == CawgCodes.AssertionRequiredMissing && s.IsFailure);
        }
        for (int i = 0; i < 200; i++)
        {
            byte[] changed = (byte[])good.Clone();
            changed[i] ^= 0x5A;
            Check(changed);
        }
        byte[] deep = Enumerable.Repeat((byte)0x81, 5000).Append((byte)0x00).ToArray();
        Assert.Contains(CawgCodes.CborInvalid, Codes(Check(deep)));
        Assert.Contains(CawgCodes.IcaInvalidCoseSign1, Codes(Check(Assertion(SignerPayload(HardBindingOnly, CawgCodes.IcaSigType), deep))));
        Assert.Contains(CawgCodes.IcaInvalidVerifiableCredential, Codes(Check(Assertion(SignerPayload(HardBindingOnly, CawgCodes.IcaSigType),
            CoseSign1(CoseAlgorithms.EdDSA, Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100)), a.Sign)))));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("1", "00")]
    [InlineData("11z", "000039")]
    [InlineData("StV1DL6CwTryKyV", "68656c6c6f20776f726c64")]
    public void Base58DecodesTheBitcoinAlphabet(string text, string hex) => Assert.Equal(hex, Convert.ToHexStringLower(Base58.Decode(text)));

    [Fact]
    public void Base58RefusesOtherCharactersAndLongInput()
    {
        Assert.Throws<FormatException>(() => Base58.Decode("0OIl"));
        Assert.Throws<FormatException>(() => Base58.Decode(new string('z', Base58.MaxLength + 1)));
        byte[] random = RandomNumberGenerator.GetBytes(40);
        Assert.Equal(random, Base58.Decode(Base58Encode(random)));
    }
}
