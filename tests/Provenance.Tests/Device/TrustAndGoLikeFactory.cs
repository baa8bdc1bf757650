using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.SecureElement;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using X509Extension = Org.BouncyCastle.Asn1.X509.X509Extensions;

namespace Provenance.Tests.Device;

/// <summary>
/// A chip maker's factory, for tests: a test root, a signer and a device key, certificates made with BouncyCastle in the
/// shape of Microchip's Trust&amp;GO ones (signer id in the signer's name, device serial in the device's common name, serial
/// numbers from the signer id and from the public key hash, SHA-1 key identifiers, 28-year device validity), their templates
/// (the certificate with every variable element blanked) and the 72-byte compressed certificates the chip keeps, written into
/// a locked ATECC608B model with a Trust&amp;GO-like slot map (0 certified key, 2 token signing key, 8 key record, 10/11/12
/// device certificate, signer public key, signer certificate). The decompressor must rebuild the very certificates issued here.
/// </summary>
public sealed class TrustAndGoLikeFactory
{
    public const int SigningSlot = 2;
    public const int SignerId = 0x3A7C;
    private static readonly DateTime SignerIssued = new(2024, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    private const int SignerExpireYears = 31;
    private static readonly DateTime DeviceIssued = new(2025, 3, 15, 14, 0, 0, DateTimeKind.Utc);
    private const int DeviceExpireYears = 28;

    public TrustAndGoLikeFactory(string makerName = "Test Maker")
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, new SecureRandom()));
        AsymmetricCipherKeyPair root = generator.GenerateKeyPair();
        AsymmetricCipherKeyPair signer = generator.GenerateKeyPair();
        AsymmetricCipherKeyPair device = generator.GenerateKeyPair();
        Serial = new byte[9];
        RandomNumberGenerator.Fill(Serial);
        Serial[0] = 0x01;
        Serial[1] = 0x23;
        Serial[8] = 0xEE;

        var rootName = new X509Name("O=" + makerName + ",CN=" + makerName + " Root CA 002");
        var signerName = new X509Name("O=" + makerName + ",CN=" + makerName + " Signer " + SignerId.ToString("X4"));
        var rootGen = new X509V3CertificateGenerator();
        rootGen.SetSerialNumber(BigInteger.ValueOf(0x10));
        rootGen.SetIssuerDN(rootName);
        rootGen.SetSubjectDN(rootName);
        rootGen.SetNotBefore(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        rootGen.SetNotAfter(new DateTime(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        rootGen.SetPublicKey(root.Public);
        rootGen.AddExtension(X509Extension.BasicConstraints, true, new BasicConstraints(true));
        rootGen.AddExtension(X509Extension.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        rootGen.AddExtension(X509Extension.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(KeyId(root.Public)));
        Root = rootGen.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", root.Private));

        byte[] signerDates = EncodeDates(SignerIssued, SignerExpireYears);
        var signerGen = new X509V3CertificateGenerator();
        signerGen.SetSerialNumber(new BigInteger(1, [0x40, SignerId >> 8, SignerId & 0xFF]));
        signerGen.SetIssuerDN(rootName);
        signerGen.SetSubjectDN(signerName);
        signerGen.SetNotBefore(SignerIssued);
        signerGen.SetNotAfter(SignerIssued.AddYears(SignerExpireYears));
        signerGen.SetPublicKey(signer.Public);
        signerGen.AddExtension(X509Extension.BasicConstraints, true, new BasicConstraints(0));
        signerGen.AddExtension(X509Extension.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        signerGen.AddExtension(X509Extension.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(KeyId(signer.Public)));
        signerGen.AddExtension(X509Extension.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(KeyId(root.Public)));
        Signer = signerGen.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", root.Private));

        byte[] devicePublic = RawPublicKey(device.Public);
        byte[] deviceDates = EncodeDates(DeviceIssued, DeviceExpireYears);
        byte[] deviceSerialNumber = SHA256.HashData([.. devicePublic, .. deviceDates])[..16];
        deviceSerialNumber[0] = (byte)((deviceSerialNumber[0] & 0x7F) | 0x40);
        var deviceGen = new X509V3CertificateGenerator();
        deviceGen.SetSerialNumber(new BigInteger(1, deviceSerialNumber));
        deviceGen.SetIssuerDN(signerName);
        deviceGen.SetSubjectDN(new X509Name("O=" + makerName + ",CN=sn" + Convert.ToHexString(Serial)));
        deviceGen.SetNotBefore(DeviceIssued);
        deviceGen.SetNotAfter(DeviceIssued.AddYears(DeviceExpireYears));
        deviceGen.SetPublicKey(device.Public);
        deviceGen.AddExtension(X509Extension.BasicConstraints, true, new BasicConstraints(false));
        deviceGen.AddExtension(X509Extension.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyAgreement));
        deviceGen.AddExtension(X509Extension.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(KeyId(device.Public)));
        deviceGen.AddExtension(X509Extension.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(KeyId(signer.Public)));
        Device = deviceGen.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", signer.Private));

        SignerPublicKey = RawPublicKey(signer.Public);
        DevicePublicKey = devicePublic;
        Profile = new AttestationProfile
        {
            AttestingSlot = 0,
            DeviceTemplate = MakeTemplate(Device.GetEncoded(), 2, CertificateTemplate.SerialFromPublicKeyHash, 16, devicePublic, KeyId(signer.Public), deviceSerialHex: true),
            SignerTemplate = MakeTemplate(Signer.GetEncoded(), 1, CertificateTemplate.SerialFromSignerId, 3, SignerPublicKey, null, deviceSerialHex: false),
        };
        CompressedDevice = Compress(Device, deviceDates, 2);
        CompressedSigner = Compress(Signer, signerDates, 1);
        DeviceScalar = ((ECPrivateKeyParameters)device.Private).D.ToByteArrayUnsigned();
    }

    public BcCertificate Root { get; }
    public BcCertificate Signer { get; }
    public BcCertificate Device { get; }
    public byte[] Serial { get; }
    public byte[] SignerPublicKey { get; }
    public byte[] DevicePublicKey { get; }
    public byte[] CompressedDevice { get; }
    public byte[] CompressedSigner { get; }
    public AttestationProfile Profile { get; }
    private byte[] DeviceScalar { get; }

    public System.Security.Cryptography.X509Certificates.X509Certificate2 RootCertificate() =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Root.GetEncoded());

    /// <summary>The locked chip as shipped; <paramref name="tamperDevice"/> may change the stored compressed device certificate.</summary>
    public Atecc608Model CreateChip(Action<byte[]>? tamperDevice = null)
    {
        byte[] config = new byte[128];
        Array.Copy(Serial, 0, config, 0, 4);
        Array.Copy(Serial, 4, config, 8, 5);
        config[13] = 0x01;
        config[14] = 0x01;
        config[16] = 0x6A;  // Trust&GO answers at 0x35 (8-bit 0x6A)
        // SlotConfig / KeyConfig (LSB first), datasheet §2.2.1 and §2.2.5.
        SetSlot(config, 0, 0x8083, 0x0013);   // certified key: external and internal signatures, secret, never written again
        SetSlot(config, SigningSlot, Atecc608Config.SigningSlotConfig, Atecc608Config.SigningKeyConfig);
        SetSlot(config, Atecc608Config.KeyRecordSlot, Atecc608Config.KeyRecordSlotConfig, 0x001C);
        for (int slot = 10; slot <= 12; slot++) SetSlot(config, slot, 0x8000, 0x001C);  // readable, never written after the factory
        config[88] = 0xFF;
        config[89] = 0xFF;
        byte[][] slots = new byte[16][];
        slots[0] = [0, 0, 0, 0, .. Pad32(DeviceScalar)];
        byte[] device = (byte[])CompressedDevice.Clone();
        tamperDevice?.Invoke(device);
        slots[10] = device;
        slots[11] = [0, 0, 0, 0, .. SignerPublicKey[..32], 0, 0, 0, 0, .. SignerPublicKey[32..]];
        slots[12] = (byte[])CompressedSigner.Clone();
        return Atecc608Model.CreateLocked(config, slots);
    }

    private static void SetSlot(byte[] config, int slot, int slotConfig, int keyConfig)
    {
        config[20 + (2 * slot)] = (byte)slotConfig;
        config[21 + (2 * slot)] = (byte)(slotConfig >> 8);
        config[96 + (2 * slot)] = (byte)keyConfig;
        config[97 + (2 * slot)] = (byte)(keyConfig >> 8);
    }

    private static byte[] Pad32(byte[] value) => value.Length >= 32 ? value[^32..] : [.. new byte[32 - value.Length], .. value];

    private static byte[] RawPublicKey(AsymmetricKeyParameter key)
    {
        var q = ((ECPublicKeyParameters)key).Q.Normalize();
        return [.. Pad32(q.AffineXCoord.ToBigInteger().ToByteArrayUnsigned()), .. Pad32(q.AffineYCoord.ToBigInteger().ToByteArrayUnsigned())];
    }

    private static byte[] KeyId(AsymmetricKeyParameter key) => SHA1.HashData([0x04, .. RawPublicKey(key)]);

    private static byte[] KeyId(byte[] raw) => SHA1.HashData([0x04, .. raw]);

    /// <summary>Year-2000 (5 bits), month (4), day (5), hour (5), expire years (5).</summary>
    private static byte[] EncodeDates(DateTime issued, int expireYears) =>
    [
        (byte)(((issued.Year - 2000) << 3) | (issued.Month >> 1)),
        (byte)(((issued.Month & 1) << 7) | (issued.Day << 2) | (issued.Hour >> 3)),
        (byte)(((issued.Hour & 7) << 5) | expireYears),
    ];

    private static byte[] Compress(BcCertificate certificate, byte[] dates, int templateId)
    {
        var reader = new AsnReader(certificate.GetSignature(), AsnEncodingRules.DER).ReadSequence();
        byte[] r = Pad32(reader.ReadIntegerBytes().ToArray().SkipWhile(b => b == 0).ToArray());
        byte[] s = Pad32(reader.ReadIntegerBytes().ToArray().SkipWhile(b => b == 0).ToArray());
        int source = templateId == 2 ? CertificateTemplate.SerialFromPublicKeyHash : CertificateTemplate.SerialFromSignerId;
        return [.. r, .. s, .. dates, SignerId >> 8, SignerId & 0xFF, (byte)(templateId << 4), (byte)(source << 4), 0];
    }

    private CertificateTemplate MakeTemplate(byte[] der, int templateId, int serialSource, int serialLength, byte[] subjectKey, byte[]? authorityKeyId, bool deviceSerialHex)
    {
        AsnDecoder.ReadEncodedValue(der.AsSpan(4), AsnEncodingRules.DER, out _, out _, out int tbsLength);
        AsnDecoder.ReadEncodedValue(der.AsSpan(4 + tbsLength), AsnEncodingRules.DER, out _, out _, out int algorithmLength);
        var certificate = new X509CertificateParser().ReadCertificate(der);
        byte[] serial = certificate.SerialNumber.ToByteArrayUnsigned();
        string issued = templateId == 2 ? "250315140000Z" : "241120090000Z";
        string expires = templateId == 2 ? "20530315140000Z" : "20551120090000Z";
        var template = new CertificateTemplate
        {
            TemplateId = templateId,
            ChainId = 0,
            SerialSource = serialSource,
            SignatureOffset = 4 + tbsLength + algorithmLength,
            PublicKeyOffset = Find(der, subjectKey),
            IssueDateOffset = Find(der, Encoding.ASCII.GetBytes(issued)),
            IssueDateLength = issued.Length,
            ExpireDateOffset = Find(der, Encoding.ASCII.GetBytes(expires)),
            ExpireDateLength = expires.Length,
            SignerIdOffset = Find(der, Encoding.ASCII.GetBytes("Signer " + SignerId.ToString("X4"))) + 7,
            SerialNumberOffset = Find(der, serial),
            SerialNumberLength = serialLength,
            SubjectKeyIdOffset = Find(der, KeyId(subjectKey)),
            AuthorityKeyIdOffset = authorityKeyId == null ? -1 : Find(der, authorityKeyId),
            DeviceSerialHexOffset = deviceSerialHex ? Find(der, Encoding.ASCII.GetBytes(Convert.ToHexString(Serial))) : -1,
        };
        Assert.Equal(serialLength, serial.Length);
        // Blank every variable element: the chip's data must put them back.
        byte[] blank = (byte[])der.Clone();
        Array.Clear(blank, template.PublicKeyOffset, 64);
        Array.Fill(blank, (byte)'0', template.IssueDateOffset, template.IssueDateLength);
        Array.Fill(blank, (byte)'0', template.ExpireDateOffset, template.ExpireDateLength);
        Array.Fill(blank, (byte)'0', template.SignerIdOffset, 4);
        Array.Clear(blank, template.SerialNumberOffset, serialLength);
        Array.Clear(blank, template.SubjectKeyIdOffset, 20);
        if (template.AuthorityKeyIdOffset >= 0) Array.Clear(blank, template.AuthorityKeyIdOffset, 20);
        if (template.DeviceSerialHexOffset >= 0) Array.Fill(blank, (byte)'0', template.DeviceSerialHexOffset, 18);
        Array.Clear(blank, template.SignatureOffset, blank.Length - template.SignatureOffset);
        template.Der = blank;
        template.Validate();
        return template;
    }

    private static int Find(byte[] haystack, byte[] needle)
    {
        int found = -1;
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                Assert.True(found < 0, "element occurs twice in the certificate");
                found = i;
            }
        }
        Assert.True(found >= 0, "element not found in the certificate");
        return found;
    }
}
