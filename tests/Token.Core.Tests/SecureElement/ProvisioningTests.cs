using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;

namespace Token.Core.Tests.SecureElement;

public sealed class ProvisioningTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atecc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void ProvisioningWritesTheTokenConfigurationAndLocksBothZones()
    {
        var model = Atecc608Model.CreateFactoryNew();
        var chip = new Atecc608(model);

        chip.Provision();

        Assert.True(model.IsConfigLocked);
        Assert.True(model.IsDataLocked);
        Assert.True(chip.IsConfigLocked());
        Assert.True(chip.IsDataLocked());
        Assert.True(chip.IsProvisioned());
        byte[] config = chip.ReadConfigZone();
        Assert.Equal(new byte[] { 0xB1, 0x20 }, config[20..22]);   // slot 0 SlotConfig
        Assert.Equal(new byte[] { 0x13, 0x00 }, config[96..98]);   // slot 0 KeyConfig
        Assert.Equal(new byte[] { 0x00, 0x00 }, config[36..38]);   // slot 8 SlotConfig
        Assert.Equal(new byte[] { 0x1C, 0x00 }, config[112..114]); // slot 8 KeyConfig
    }

    [Fact]
    public void ProvisioningTwiceChangesNothing()
    {
        var chip = new Atecc608(Atecc608Model.CreateFactoryNew());
        chip.Provision();
        byte[] before = chip.ReadConfigZone();

        chip.Provision();

        Assert.Equal(before, chip.ReadConfigZone());
    }

    [Theory]
    [InlineData(3)]     // while reading the config zone
    [InlineData(12)]    // in the middle of the config writes
    [InlineData(22)]    // right after the config lock was sent
    [InlineData(40)]    // in the middle of clearing the data slots
    [InlineData(80)]    // around the data lock
    public void ProvisioningCutShortFinishesOnTheNextBoot(int commandsBeforeCut)
    {
        var model = Atecc608Model.CreateFactoryNew();
        var cut = new Atecc608(new PowerCutBus(model, commandsBeforeCut));
        var interrupted = Assert.Throws<SecureElementException>(() => cut.Provision());
        Assert.True(interrupted.IsTransient);
        Assert.False(model.IsDataLocked);
        model.Wake();
        model.Write(new byte[] { 0x01 });

        var chip = new Atecc608(model);
        chip.Provision();

        Assert.True(chip.IsProvisioned());
        var key = new SecureElementKey(chip);
        key.Generate();
        byte[] digest = SHA256.HashData("after the cut"u8);
        using ECDsa verifier = ImportPublicKey(key.GetPublicKey());
        Assert.True(verifier.VerifyHash(digest, key.SignDigest(digest), DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void ChipLockedWithAnotherConfigurationIsRejected()
    {
        var model = Atecc608Model.CreateFactoryNew();
        var chip = new Atecc608(model);
        byte[] config = chip.ReadConfigZone();
        chip.LockConfigZone(AteccCrc.Compute(config, 0, config.Length));

        var error = Assert.Throws<SecureElementException>(() => chip.Provision());

        Assert.Equal(AteccStatus.WrongConfiguration, error.Status);
    }

    [Fact]
    public void LockWithWrongCrcIsRefusedAndLeavesTheZoneOpen()
    {
        var model = Atecc608Model.CreateFactoryNew();
        var chip = new Atecc608(model);
        byte[] config = chip.ReadConfigZone();
        int wrong = AteccCrc.Compute(config, 0, config.Length) ^ 0x0001;

        var error = Assert.Throws<SecureElementException>(() => chip.LockConfigZone(wrong));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal("Lock", error.Command);
        Assert.False(model.IsConfigLocked);
    }

    [Fact]
    public void GenKeyIsRefusedBeforeTheConfigLock()
    {
        var chip = new Atecc608(Atecc608Model.CreateFactoryNew());

        var error = Assert.Throws<SecureElementException>(() => chip.GenerateKey(0));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal("GenKey", error.Command);
    }

    [Fact]
    public void AfterProvisioningConfigCannotBeWrittenAndSlot0CannotBeRead()
    {
        var chip = new Atecc608(Atecc608Model.CreateFactoryNew());
        chip.Provision();
        var key = new SecureElementKey(chip);
        key.Generate();

        var write = Assert.Throws<SecureElementException>(() => chip.WriteConfigWord(16, new byte[] { 0xB0, 0, 0, 0 }));
        Assert.Equal(AteccStatus.ExecutionError, write.Status);
        var read = Assert.Throws<SecureElementException>(() => chip.ReadSlotBlock(0, 0));
        Assert.Equal(AteccStatus.ExecutionError, read.Status);
        for (int word = 0; word < 9; word++)
        {
            int block = word / 8;
            int index = word % 8;
            var wordRead = Assert.Throws<SecureElementException>(() => chip.ReadSlotWord(0, block, index));
            Assert.Equal(AteccStatus.ExecutionError, wordRead.Status);
        }
        Assert.Equal(32, chip.ReadSlotBlock(8, 0).Length);
    }

    [Fact]
    public void SignaturesVerifyAgainstThePublicKeyAndAdvanceCounter0()
    {
        var model = Atecc608Model.CreateFactoryNew();
        var chip = new Atecc608(model);
        chip.Provision();
        var key = new SecureElementKey(chip);
        Assert.False(key.HasKey);
        Assert.Equal(KeyProtection.SecureElement, key.Protection);

        key.Generate();
        byte[] publicKey = key.GetPublicKey();
        using ECDsa verifier = ImportPublicKey(publicKey);

        for (int i = 1; i <= 3; i++)
        {
            byte[] digest = SHA256.HashData(BitConverter.GetBytes(i));
            byte[] signature = key.SignDigest(digest);
            Assert.Equal(64, signature.Length);
            Assert.True(verifier.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            Assert.False(verifier.VerifyHash(SHA256.HashData(BitConverter.GetBytes(-i)), signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            Assert.Equal(i, key.LastSignatureCounter);
        }
        Assert.Equal(3, model.CounterValue(0));
    }

    [Fact]
    public void SigningThroughTheMessageDigestBufferAlsoVerifies()
    {
        var chip = new Atecc608(Atecc608Model.CreateFactoryNew());
        chip.Provision();
        byte[] xy = chip.GenerateKey(0);
        byte[] digest = SHA256.HashData("message digest buffer"u8);

        byte[] signature = chip.SignDigest(0, digest, useMessageDigestBuffer: true);

        using ECDsa verifier = ImportPublicKey(new byte[] { 0x04 }.Concat(xy).ToArray());
        Assert.True(verifier.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void SignWithoutANonceIsAnExecutionError()
    {
        var model = Atecc608Model.CreateFactoryNew();
        var chip = new Atecc608(model);
        chip.Provision();
        chip.GenerateKey(0);

        var error = Assert.Throws<SecureElementException>(() => chip.Execute(AteccCommand.SignDigest(0, false)));

        Assert.Equal(AteccStatus.ExecutionError, error.Status);
        Assert.Equal("Sign", error.Command);
    }

    [Fact]
    public void DestroyedKeyIsGoneAndANewOneDiffers()
    {
        var chip = new Atecc608(Atecc608Model.CreateFactoryNew());
        chip.Provision();
        var key = new SecureElementKey(chip);
        key.Generate();
        byte[] first = key.GetPublicKey();

        key.Destroy();

        Assert.False(key.HasKey);
        Assert.False(new SecureElementKey(chip).HasKey);
        Assert.Throws<InvalidOperationException>(() => key.SignDigest(new byte[32]));
        Assert.Throws<InvalidOperationException>(() => key.GetPublicKey());
        key.Generate();
        Assert.NotEqual(first, key.GetPublicKey());
    }

    [Fact]
    public void EntropyAfterProvisioningIsNotThePattern()
    {
        var chip = new Atecc608(Atecc608Model.CreateFactoryNew());
        chip.Provision();
        var entropy = new SecureElementEntropy(chip);
        byte[] a = new byte[50];
        byte[] b = new byte[50];

        entropy.Fill(a);
        entropy.Fill(b);

        Assert.NotEqual(a, b);
        Assert.NotEqual(new byte[] { 0xFF, 0xFF, 0x00, 0x00 }, a[..4]);
    }

    [Fact]
    public void StateSurvivesReopeningTheFolder()
    {
        byte[] publicKey;
        string serial;
        {
            var chip = new Atecc608(Atecc608Model.OpenOrCreate(_folder));
            chip.Provision();
            var key = new SecureElementKey(chip);
            key.Generate();
            key.SignDigest(new byte[32]);
            publicKey = key.GetPublicKey();
            serial = chip.ReadSerialNumberHex();
        }

        var reopened = Atecc608Model.OpenOrCreate(_folder);
        var again = new Atecc608(reopened);
        var sameKey = new SecureElementKey(again);

        Assert.Equal(serial, again.ReadSerialNumberHex());
        Assert.True(again.IsProvisioned());
        Assert.True(sameKey.HasKey);
        Assert.Equal(publicKey, sameKey.GetPublicKey());
        byte[] digest = SHA256.HashData("after restart"u8);
        using ECDsa verifier = ImportPublicKey(publicKey);
        Assert.True(verifier.VerifyHash(digest, sameKey.SignDigest(digest), DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(2, sameKey.LastSignatureCounter);
    }

    [Fact]
    public void EmulatedSecureElementStartsBlankAndKeepsItsSerialAndKey()
    {
        var first = EmulatedSecureElement.Open(_folder);
        Assert.False(first.Chip.IsProvisioned());
        Assert.False(first.Key.HasKey);
        var hardware = new TokenHardware();
        first.AttachTo(hardware);
        Assert.Same(first.Key, hardware.Key);
        Assert.Same(first.Chip, hardware.SecureElement);
        Assert.Equal(KeyProtection.SecureElement, hardware.Key.Protection);
        first.Chip.Provision();
        first.Key.Generate();

        var second = EmulatedSecureElement.Open(_folder);

        Assert.Equal(first.Serial, second.Serial);
        Assert.True(second.Key.HasKey);
        Assert.Equal(first.Key.GetPublicKey(), second.Key.GetPublicKey());
    }

    [Fact]
    public void CorruptStateFileIsReportedNotGuessed()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "atecc608b.json"), "{\"Version\":1,\"Config\":\"00\"}");

        var error = Assert.Throws<InvalidDataException>(() => Atecc608Model.OpenOrCreate(_folder));

        Assert.Contains("config", error.Message);
    }

    private static ECDsa ImportPublicKey(byte[] uncompressed)
    {
        Assert.Equal(65, uncompressed.Length);
        Assert.Equal(0x04, uncompressed[0]);
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = uncompressed[1..33], Y = uncompressed[33..65] },
        });
    }
}
