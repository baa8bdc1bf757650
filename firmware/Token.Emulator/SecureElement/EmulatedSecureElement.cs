using System;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.SecureElement;

namespace ProvenanceDevice.Token.Emulator.SecureElement;

/// <summary>
/// The emulator's secure element (`prov emulator --secure-element`): the ATECC608B model persisted in a
/// folder, driven by the same driver the firmware uses, provisioned on first use.
/// </summary>
public sealed class EmulatedSecureElement
{
    private EmulatedSecureElement(Atecc608Model model, Atecc608 chip)
    {
        Model = model;
        Chip = chip;
        Key = new SecureElementKey(chip);
        Entropy = new SecureElementEntropy(chip);
        Serial = chip.ReadSerialNumberHex();
    }

    public Atecc608Model Model { get; }

    public Atecc608 Chip { get; }

    /// <summary>The token key in slot 0 (<see cref="KeyProtection.SecureElement"/>).</summary>
    public SecureElementKey Key { get; }

    public SecureElementEntropy Entropy { get; }

    /// <summary>The chip's serial number, 18 hex digits.</summary>
    public string Serial { get; }

    /// <summary>Opens (or creates and provisions) the emulated chip whose state lives in <paramref name="stateFolder"/>.</summary>
    public static EmulatedSecureElement Open(string stateFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateFolder);
        Atecc608Model model = Atecc608Model.OpenOrCreate(stateFolder);
        var chip = new Atecc608(model);
        if (!chip.IsProvisioned()) chip.Provision();
        return new EmulatedSecureElement(model, chip);
    }

    /// <summary>Puts the key, entropy and serial of this chip into the token's hardware bundle.</summary>
    public void AttachTo(TokenHardware hardware)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        hardware.Key = Key;
        hardware.Entropy = Entropy;
        hardware.Serial = Serial;
    }
}
