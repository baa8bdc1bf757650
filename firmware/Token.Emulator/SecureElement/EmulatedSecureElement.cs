using System;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;

namespace ProvenanceDevice.Token.Emulator.SecureElement;

/// <summary>
/// The emulator's secure element (`prov emulator --secure-element`): the ATECC608B model persisted in a
/// folder, driven by the same driver the firmware uses. A new chip is factory-fresh (unlocked) until the
/// token's PROVISION command, or <see cref="Atecc608.Provision"/>, configures and locks it.
/// </summary>
public sealed class EmulatedSecureElement
{
    private EmulatedSecureElement(Atecc608Model model, Atecc608 chip)
    {
        Model = model;
        Chip = chip;
        Key = new SecureElementKey(chip);
        Entropy = new SecureElementEntropy(chip, new OsEntropy());
        Serial = chip.ReadSerialNumberHex();
    }

    /// <summary>The simulated chip on the I2C bus.</summary>
    public Atecc608Model Model { get; }

    /// <summary>The driver talking to it (the token's <see cref="TokenHardware.SecureElement"/>).</summary>
    public Atecc608 Chip { get; }

    /// <summary>The token key in slot 0 (<see cref="KeyProtection.SecureElement"/>).</summary>
    public SecureElementKey Key { get; }

    /// <summary>The chip's random numbers mixed into the operating system's (the OS's alone before provisioning).</summary>
    public SecureElementEntropy Entropy { get; }

    /// <summary>The chip's serial number, 18 hex digits.</summary>
    public string Serial { get; }

    /// <summary>Opens the emulated chip whose state lives in <paramref name="stateFolder"/> (a factory-fresh one the first time).</summary>
    public static EmulatedSecureElement Open(string stateFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateFolder);
        Atecc608Model model = Atecc608Model.OpenOrCreate(stateFolder);
        return new EmulatedSecureElement(model, new Atecc608(model));
    }

    /// <summary>Puts the chip, its key, entropy and serial into the token's hardware bundle.</summary>
    public void AttachTo(TokenHardware hardware)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        hardware.SecureElement = Chip;
        hardware.Key = Key;
        hardware.Entropy = Entropy;
        hardware.Serial = Serial;
    }
}
