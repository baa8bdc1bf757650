using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Security.Certificates;
using ProvenanceDevice.Token.Protocol;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcParser = Org.BouncyCastle.X509.X509CertificateParser;

namespace Provenance.Device;

/// <summary>What the host concluded from a token's ATTEST: the level (DESIGN.md "Key protection, proven or claimed") and why.</summary>
/// <param name="Level">`attested`, `secureElement` (the token's statement, not attested), `emulatedSecureElement` or `software`.</param>
/// <param name="Reason">One sentence: why the level is what it is (for a refusal, what failed).</param>
/// <param name="DeviceSubject">The chip's device certificate subject, when there is one.</param>
/// <param name="RootFingerprint">SHA-256 of the maker root the chain ends in (lower-case hex), when attested.</param>
public sealed record ChipAttestationResult(string Level, string Reason, string? DeviceSubject, string? RootFingerprint)
{
    /// <summary>True when the chip proved the key: its certificates chain to a maker root and it attested this very key.</summary>
    public bool Attested => Level == Verification.KeyProtectionLevels.Attested;
}

/// <summary>
/// Checks a pre-provisioned ATECC608's attestation of the token's signing key: the device certificate (rebuilt by the token
/// from the chip's compressed storage) is signed by the signer certificate, which chains to one of the chip makers' roots the
/// user trusts; and the device certificate's key signed, in the chip's Sign internal mode, the digest the chip's GenKey made
/// of the signing key's public key over a TempKey derived from this host's challenge. The messages are rebuilt here from the
/// ATECC608B datasheet (Nonce random mode, GenKey digest mode, Sign internal message; CryptoAuthLib's atcah_nonce,
/// atcah_gen_key_msg, atcah_sign_internal_msg), independently of the chip model.
/// </summary>
public static class ChipAttestationVerifier
{
    /// <summary>Length of the challenge ATTEST carries (the Nonce command's 20-byte NumIn).</summary>
    public const int ChallengeLength = 20;

    /// <summary>At most this many certificates in the chain, each at most this long.</summary>
    public const int MaxCertificates = 4;
    public const int MaxCertificateLength = 4096;

    /// <summary>Judges <paramref name="attestation"/> against <paramref name="makerRoots"/> at <paramref name="now"/>.</summary>
    public static ChipAttestationResult Verify(TokenAttestation attestation, IReadOnlyCollection<X509Certificate2> makerRoots, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        ArgumentNullException.ThrowIfNull(makerRoots);
        string claimed = attestation.KeyProtection switch
        {
            "software" => Verification.KeyProtectionLevels.Software,
            "secureElement" => Verification.KeyProtectionLevels.SecureElement,
            _ => Verification.KeyProtectionLevels.SecureElement,
        };
        if (claimed == Verification.KeyProtectionLevels.Software)
        {
            return new(claimed, "not attested: a software key (development mode) has nothing to attest it", null, null);
        }
        if (attestation.CertificateChain.Length == 0)
        {
            return new(claimed, "not attested: the chip carries no maker certificate (a blank ATECC608B the token provisioned itself); the secure element is the token's statement", null, null);
        }

        List<byte[]> ders;
        try
        {
            ders = SplitChain(attestation.CertificateChain);
        }
        catch (FormatException e)
        {
            return Refused(claimed, "the chip's certificate chain is malformed: " + e.Message, null);
        }
        if (ders.Count < 2) return Refused(claimed, "the chip's certificate chain has " + ders.Count + " certificate(s); a device and a signer certificate are needed", null);

        BcCertificate device;
        BcCertificate signer;
        try
        {
            var parser = new BcParser();
            device = parser.ReadCertificate(ders[0]);
            signer = parser.ReadCertificate(ders[1]);
        }
        catch (Exception e) when (e is CertificateException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Asn1.Asn1Exception or System.IO.IOException)
        {
            return Refused(claimed, "the chip's certificates do not parse: " + e.Message, null);
        }
        string deviceSubject = device.SubjectDN.ToString();
        if (!SignatureVerifies(device, signer))
        {
            return Refused(claimed, "the device certificate's signature does not verify under the signer certificate (a tampered or corrupted compressed certificate)", deviceSubject);
        }
        if (makerRoots.Count == 0)
        {
            return Refused(claimed, "no chip maker root is configured (add one with --maker-root, e.g. Microchip's Crypto Authentication Root CA 002)", deviceSubject);
        }

        X509Certificate2? root = null;
        using (var deviceCert = X509CertificateLoader.LoadCertificate(ders[0]))
        using (var signerCert = X509CertificateLoader.LoadCertificate(ders[1]))
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.ExtraStore.Add(signerCert);
            foreach (X509Certificate2 makerRoot in makerRoots) chain.ChainPolicy.CustomTrustStore.Add(makerRoot);
            if (!chain.Build(deviceCert))
            {
                var problems = new List<string>();
                foreach (X509ChainStatus status in chain.ChainStatus) problems.Add(status.Status.ToString());
                return Refused(claimed, "the chip's certificates do not chain to a maker root you trust (" + string.Join(", ", problems) + ")", deviceSubject);
            }
            X509ChainElement last = chain.ChainElements[chain.ChainElements.Count - 1];
            foreach (X509Certificate2 makerRoot in makerRoots)
            {
                if (makerRoot.RawData.AsSpan().SequenceEqual(last.Certificate.RawData)) root = makerRoot;
            }
            if (root == null || chain.ChainElements.Count != 3)
            {
                return Refused(claimed, "the chip's chain is not device, signer, maker root", deviceSubject);
            }
        }

        if (attestation.Attestation is not { Length: > 0 } || attestation.Challenge is not { Length: ChallengeLength })
        {
            return Refused(claimed, "the chip's certificates verify, but the token sent no attestation of its signing key", deviceSubject);
        }
        KeyAttestation statement;
        try
        {
            statement = KeyAttestation.Decode(attestation.Attestation);
        }
        catch (ProtocolException e)
        {
            return Refused(claimed, "the attestation is malformed: " + e.Message, deviceSubject);
        }
        if (attestation.PublicKey.Length != 65 || !attestation.PublicKey.AsSpan(1).SequenceEqual(statement.PublicKey))
        {
            return Refused(claimed, "the attestation covers a different key than the token's signing key", deviceSubject);
        }
        if (!string.Equals(Convert.ToHexString(statement.SerialNumber), attestation.Serial, StringComparison.OrdinalIgnoreCase))
        {
            return Refused(claimed, "the attestation names chip " + Convert.ToHexString(statement.SerialNumber) + ", not the token's serial " + attestation.Serial, deviceSubject);
        }
        if ((statement.KeyConfig[0] & 0x01) == 0)
        {
            return Refused(claimed, "the attested slot " + statement.SigningSlot + " is not a private-key slot (KeyConfig.Private is 0)", deviceSubject);
        }
        byte[] digest = SignedDigest(statement, attestation.Challenge);
        using (var deviceCert = X509CertificateLoader.LoadCertificate(ders[0]))
        using (ECDsa? deviceKey = deviceCert.GetECDsaPublicKey())
        {
            if (deviceKey == null || !deviceKey.VerifyHash(digest, statement.Signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return Refused(claimed, "the attestation signature does not verify under the device certificate's key (not this chip's statement about this key and challenge)", deviceSubject);
            }
        }
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(root.RawData));
        return new(Verification.KeyProtectionLevels.Attested,
            "attested: the chip's certificate chains to the maker root " + root.Subject + " and the chip attested this signing key (slot " + statement.SigningSlot + ")",
            deviceSubject, fingerprint);
    }

    /// <summary>
    /// SHA-256 of the Sign internal message the chip signed: TempKey from Nonce (random mode) over the challenge, then the
    /// GenKey digest of the public key, then the 55-byte internal message with TempKey's flags (KeyID = signing slot, source
    /// random, GenKeyData set).
    /// </summary>
    public static byte[] SignedDigest(KeyAttestation statement, byte[] challenge)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(challenge);
        byte[] sn = statement.SerialNumber;
        // Nonce, random mode 0x00: SHA-256(RandOut || NumIn || 0x16 || mode || 0x00).
        byte[] nonce = new byte[55];
        statement.RandOut.CopyTo(nonce, 0);
        challenge.CopyTo(nonce, 32);
        nonce[52] = 0x16;
        byte[] tempKey = SHA256.HashData(nonce);
        // GenKey, mode 0x08 (public key with digest): 128 bytes.
        byte[] genKey = new byte[128];
        tempKey.CopyTo(genKey, 0);
        genKey[32] = 0x40;
        genKey[33] = 0x08;
        genKey[34] = (byte)statement.SigningSlot;
        genKey[36] = sn[8];
        genKey[37] = sn[0];
        genKey[38] = sn[1];
        statement.PublicKey.CopyTo(genKey, 64);
        tempKey = SHA256.HashData(genKey);
        // Sign internal: 55 bytes.
        byte[] message = new byte[55];
        tempKey.CopyTo(message, 0);
        message[32] = 0x41;
        message[33] = (byte)statement.SignMode;
        message[34] = (byte)statement.AttestingSlot;
        statement.SlotConfig.CopyTo(message, 36);
        statement.KeyConfig.CopyTo(message, 38);
        message[40] = (byte)((statement.SigningSlot & 0x0F) | 0x40);
        message[43] = sn[8];
        bool includeSerial = (statement.SignMode & 0x40) != 0;
        if (includeSerial) Array.Copy(sn, 4, message, 44, 4);
        message[48] = sn[0];
        message[49] = sn[1];
        if (includeSerial) Array.Copy(sn, 2, message, 50, 2);
        message[52] = statement.SlotLocked ? (byte)0x00 : (byte)0x01;
        return SHA256.HashData(message);
    }

    /// <summary>Splits concatenated DER certificates, each a SEQUENCE with a definite length, bounded in count and size.</summary>
    public static List<byte[]> SplitChain(byte[] chain)
    {
        var result = new List<byte[]>();
        int offset = 0;
        while (offset < chain.Length)
        {
            if (result.Count == MaxCertificates) throw new FormatException("more than " + MaxCertificates + " certificates");
            ReadOnlyMemory<byte> rest = chain.AsMemory(offset);
            int length;
            try
            {
                AsnDecoder.ReadEncodedValue(rest.Span, AsnEncodingRules.DER, out _, out _, out length);
            }
            catch (AsnContentException e)
            {
                throw new FormatException("certificate " + (result.Count + 1) + " at byte " + offset + ": " + e.Message, e);
            }
            if (length > MaxCertificateLength) throw new FormatException("certificate " + (result.Count + 1) + " is " + length + " bytes, over " + MaxCertificateLength);
            result.Add(rest.Span[..length].ToArray());
            offset += length;
        }
        return result;
    }

    private static bool SignatureVerifies(BcCertificate subject, BcCertificate issuer)
    {
        try
        {
            subject.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is InvalidKeyException or SignatureException or CertificateException or Org.BouncyCastle.Crypto.CryptoException or ArgumentException)
        {
            return false;
        }
    }

    private static ChipAttestationResult Refused(string claimed, string why, string? deviceSubject) =>
        new(claimed, "not attested: " + why, deviceSubject, null);
}
