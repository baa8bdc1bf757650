using System;
using System.Collections.Generic;
using System.IO;

namespace Provenance.Device;

/// <summary>A serial port backed by a USB device, with the ids sysfs gives for it.</summary>
/// <param name="Port">The device node, e.g. /dev/ttyUSB0.</param>
/// <param name="UsbId">VID:PID in upper-case hex (10C4:EA60), or null when sysfs names no USB device above the port.</param>
/// <param name="Bridge">The USB-UART bridge these ids belong to ("CP210x", "CH340"...), or null for ids a token does not use.</param>
public sealed record UsbSerialPort(string Port, string? UsbId, string? Bridge)
{
    /// <summary>True when the ids are those of a USB-UART bridge a token sits behind: worth an INFO probe, never assumed a token.</summary>
    public bool IsCandidate => Bridge != null;
}

/// <summary>
/// Finds the serial ports of USB-UART bridges on Linux from sysfs (/sys/class/tty/NAME/device, then up the device tree to
/// the USB device's idVendor/idProduct). The ids are generic bridge chips that any Arduino or modem may carry, so a port
/// found here is only a candidate: `prov device list` confirms each with an INFO probe.
/// </summary>
public static class UsbSerialPorts
{
    /// <summary>USB-UART bridges the boards in boards.json and their token-link modules use (hardware/99-provenance-token.rules).</summary>
    public static readonly IReadOnlyDictionary<string, string> Bridges = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["10C4:EA60"] = "CP210x",
        ["1A86:7523"] = "CH340",
        ["1A86:55D3"] = "CH343",
        ["1A86:55D4"] = "CH9102",
        ["0403:6001"] = "FT232R",
    };

    /// <summary>How far up from the tty's device the USB device with idVendor may be.</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// The ttyUSB* and ttyACM* ports sysfs under <paramref name="sysRoot"/> knows, sorted by name, each with its USB ids;
    /// empty when there is no such sysfs (not Linux).
    /// </summary>
    public static IReadOnlyList<UsbSerialPort> Enumerate(string sysRoot = "/sys", string devRoot = "/dev")
    {
        var ports = new List<UsbSerialPort>();
        string classTty = Path.Combine(sysRoot, "class", "tty");
        if (!Directory.Exists(classTty)) return ports;
        var names = new List<string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(classTty))
        {
            string name = Path.GetFileName(entry);
            if (name.StartsWith("ttyUSB", StringComparison.Ordinal) || name.StartsWith("ttyACM", StringComparison.Ordinal)) names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string? id = UsbIdOf(Path.Combine(classTty, name));
            ports.Add(new UsbSerialPort(Path.Combine(devRoot, name), id, id != null && Bridges.TryGetValue(id, out string? bridge) ? bridge : null));
        }
        return ports;
    }

    private static string? UsbIdOf(string ttyEntry)
    {
        string device = Path.Combine(ttyEntry, "device");
        string? current;
        try
        {
            FileSystemInfo? target = new DirectoryInfo(device).ResolveLinkTarget(returnFinalTarget: true);
            current = target?.FullName ?? (Directory.Exists(device) ? Path.GetFullPath(device) : null);
        }
        catch (IOException)
        {
            return null;
        }
        for (int depth = 0; current != null && depth < MaxDepth; depth++)
        {
            string vendor = Path.Combine(current, "idVendor");
            string product = Path.Combine(current, "idProduct");
            if (File.Exists(vendor) && File.Exists(product))
            {
                string v = ReadId(vendor);
                string p = ReadId(product);
                return v.Length == 4 && p.Length == 4 ? v + ":" + p : null;
            }
            current = Path.GetDirectoryName(current);
        }
        return null;
    }

    private static string ReadId(string path)
    {
        using var reader = new StreamReader(path);
        char[] buffer = new char[16];
        int read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read).Trim().ToUpperInvariant();
    }
}
