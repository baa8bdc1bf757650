using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>A software token's serial number ("EMU-" and 8 hex digits): chosen at random once, kept in the state folder.</summary>
public static class EmulatorSerial
{
    /// <summary>Prefix of the emulator's serial numbers.</summary>
    public const string DefaultPrefix = "EMU-";

    /// <summary>File in the state folder holding the serial number.</summary>
    public const string FileName = "serial.txt";

    /// <summary>Reads the serial number of the emulator whose state is in <paramref name="stateFolder"/>, creating it on first use.</summary>
    public static string LoadOrCreate(string stateFolder, string prefix = DefaultPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Directory.CreateDirectory(stateFolder);
        string path = Path.Combine(stateFolder, FileName);
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path, Encoding.ASCII).Trim();
            if (IsWellFormed(existing, prefix)) return existing;
        }
        string serial = prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        string temp = path + ".tmp";
        File.WriteAllText(temp, serial + "\n", Encoding.ASCII);
        File.Move(temp, path, overwrite: true);
        return serial;
    }

    private static bool IsWellFormed(string serial, string prefix)
    {
        if (serial.Length != prefix.Length + 8 || !serial.StartsWith(prefix, StringComparison.Ordinal)) return false;
        for (int i = prefix.Length; i < serial.Length; i++)
        {
            if (!Uri.IsHexDigit(serial[i])) return false;
        }
        return true;
    }
}
