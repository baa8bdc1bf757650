using System;
using System.IO;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Emulator.SecureElement;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>
/// A <see cref="TokenCore"/> on host hardware: records in a state folder, a software key, the OS's random numbers
/// and clock. Used by <see cref="EmulatorHost"/> and by the host's in-process (embedded) software token.
/// </summary>
public static class EmulatedToken
{
    /// <summary>Board name the emulator reports in INFO.</summary>
    public const string EmulatorBoard = "emulator";

    /// <summary>Version of the token core this emulator runs (the firmware version a board with the same core reports).</summary>
    public static string CoreVersion { get; } = (typeof(TokenCore).Assembly.GetName().Version ?? new Version(0, 0, 0)).ToString(3);

    /// <summary>
    /// Builds the token's hardware for <paramref name="stateFolder"/>: the key and records live in
    /// <c>records/</c>, the serial number in <see cref="EmulatorSerial.FileName"/>.
    /// </summary>
    public static TokenHardware CreateHardware(string stateFolder, IButton button, IStatusLed led, string board, string serialPrefix = EmulatorSerial.DefaultPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateFolder);
        ArgumentNullException.ThrowIfNull(button);
        ArgumentNullException.ThrowIfNull(led);
        var storage = new FileStorage(Path.Combine(stateFolder, "records"));
        var entropy = new OsEntropy();
        return new TokenHardware
        {
            Storage = storage,
            Button = button,
            Led = led,
            Clock = new SystemClock(),
            Entropy = entropy,
            Key = new SoftwareKey(storage, entropy),
            Board = board,
            Serial = EmulatorSerial.LoadOrCreate(stateFolder, serialPrefix),
            FirmwareVersion = CoreVersion + "-" + board,
        };
    }

    /// <summary>
    /// Builds the token's hardware for <paramref name="stateFolder"/> around the ATECC608B model: records in
    /// <c>records/</c>, the chip's state in <c>atecc608b.json</c> (factory-fresh until PROVISION); the key,
    /// random numbers and serial number come from the chip.
    /// </summary>
    public static TokenHardware CreateSecureElementHardware(string stateFolder, IButton button, IStatusLed led, string board)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateFolder);
        ArgumentNullException.ThrowIfNull(button);
        ArgumentNullException.ThrowIfNull(led);
        var hardware = new TokenHardware
        {
            Storage = new FileStorage(Path.Combine(stateFolder, "records")),
            Button = button,
            Led = led,
            Clock = new SystemClock(),
            Board = board,
            FirmwareVersion = CoreVersion + "-" + board,
        };
        EmulatedSecureElement.Open(stateFolder).AttachTo(hardware);
        return hardware;
    }
}
