using System;
using System.IO;
using Provenance.Device;

namespace Provenance.Tests.Device;

/// <summary>A serial port Linux will not open for the user says how to fix it, and the udev rule it points to exists and covers the bridges.</summary>
public sealed class SerialAccessTests
{
    [Fact]
    public void PermissionDeniedNamesTheDialoutGroupAndTheShippedUdevRule()
    {
        var denied = new UnauthorizedAccessException("Access to the port '/dev/ttyUSB0' is denied.");

        string message = SerialAccess.Explain("/dev/ttyUSB0", denied);

        if (OperatingSystem.IsWindows()) return;
        Assert.StartsWith("cannot open /dev/ttyUSB0: permission denied", message);
        Assert.Contains("sudo usermod -aG dialout $USER", message);
        Assert.Contains("sudo cp hardware/99-provenance-token.rules /etc/udev/rules.d/", message);
    }

    [Fact]
    public void AnotherFailureKeepsTheSystemsWords()
    {
        Assert.Equal("cannot open /dev/ttyUSB0: device busy", SerialAccess.Explain("/dev/ttyUSB0", new IOException("device busy")));
    }

    [Fact]
    public void TheUdevRuleCoversEveryBridgeProvLooksFor()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "boards.json"))) dir = Path.GetDirectoryName(dir)!;
        string rule = File.ReadAllText(Path.Combine(dir, SerialAccess.UdevRule));

        foreach (string id in UsbSerialPorts.Bridges.Keys)
        {
            string[] parts = id.ToLowerInvariant().Split(':');
            Assert.Contains("ATTRS{idVendor}==\"" + parts[0] + "\", ATTRS{idProduct}==\"" + parts[1] + "\", MODE=\"0660\", GROUP=\"dialout\"", rule);
        }
        Assert.Contains("ATTRS{idVendor}==\"303a\", ATTRS{idProduct}==\"1001\"", rule);  // the ESP32-S3's own USB, for nanoff
    }

    [Fact]
    public void EveryUsbIdInBoardsJsonIsABridgeProvKnows()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "boards.json"))) dir = Path.GetDirectoryName(dir)!;
        using var boards = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "boards.json")));
        foreach (var board in boards.RootElement.GetProperty("boards").EnumerateArray())
        {
            foreach (var id in board.GetProperty("usbIds").EnumerateArray())
            {
                Assert.True(UsbSerialPorts.Bridges.ContainsKey(id.GetString()!), board.GetProperty("name").GetString() + ": " + id.GetString() + " is not in UsbSerialPorts.Bridges");
            }
        }
    }
}
