using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>The emulator's serial number ("EMU-" and 8 hex digits): chosen at random once, kept in the state folder.</summary>
public static class EmulatorSerial
{
    /// <summary>File in the state folder holding the serial number.</summary>
    public const string FileName = "serial.txt";

    /// <summary>Reads the serial number of the emulator whose state is in <paramref name="stateFolder"/>, creating it on first use.</summary>
    public static string LoadOrCreate(string stateFolder)
    {
        Directory.CreateDirectory(stateFolder);
        string path = Path.Combine(stateFolder, FileName);
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path, Encoding.ASCII).Trim();
            if (IsWellFormed(existing)) return existing;
        }
        string serial = "EMU-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        string temp = path + ".tmp";
        File.WriteAllText(temp, serial + "\n", Encoding.ASCII);
        File.Move(temp, path, overwrite: true);
        return serial;
    }

    private static bool IsWellFormed(string serial)
    {
        if (serial.Length != 12 || !serial.StartsWith("EMU-", StringComparison.Ordinal)) return false;
        for (int i = 4; i < serial.Length; i++)
        {
            if (!Uri.IsHexDigit(serial[i])) return false;
        }
        return true;
    }
}
