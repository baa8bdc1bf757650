using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.Device;

/// <summary>`prov device flash` (nanoff found or not) and `prov device list` over a fake sysfs tree, each a real prov process.</summary>
public sealed class DeviceFlashAndListTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "prov-flash-test-" + Guid.NewGuid().ToString("N"));

    public DeviceFlashAndListTests() => Directory.CreateDirectory(_work);

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    [UnixFact]
    public async Task FlashRunsNanoffWithTheBoardsTargetThenDeploysTheImage()
    {
        string bin = Directory.CreateDirectory(Path.Combine(_work, "bin")).FullName;
        string log = Path.Combine(_work, "nanoff.log");
        string nanoff = Path.Combine(bin, "nanoff");
        File.WriteAllText(nanoff, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"" + log + "\"\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(nanoff, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string image = Path.Combine(_work, "token.bin");
        File.WriteAllBytes(image, [1, 2, 3]);

        ProvResult result = await _prov.RunAsync(["device", "flash", "--board", "esp32-s3-devkitc-1", "--port", "/dev/ttyFAKE9", "--image", image],
            new Dictionary<string, string> { ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") }, TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        string target = NanoffTarget("esp32-s3-devkitc-1");
        Assert.Equal(
            ["--target " + target + " --serialport /dev/ttyFAKE9 --update", "--nanodevice --serialport /dev/ttyFAKE9 --deploy --image " + image],
            File.ReadAllLines(log));
        Assert.Contains("running: nanoff --target " + target, result.Stdout);
    }

    [UnixFact]
    public async Task FlashWithoutNanoffPrintsTheExactCommandsAndHowToInstallIt()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_work, "empty")).FullName;

        ProvResult result = await _prov.RunAsync(["device", "flash", "--board", "m5stack-atom-lite", "--port", "/dev/ttyUSB0", "--image", "/tmp/app image.bin"],
            new Dictionary<string, string> { ["PATH"] = empty }, TimeSpan.FromSeconds(90));

        // The image does not exist, so the command refuses it before anything else.
        Assert.Equal(11, result.ExitCode);
        Assert.Contains("no image /tmp/app image.bin", result.Stderr);

        string image = Path.Combine(_work, "app image.bin");
        File.WriteAllBytes(image, [1]);
        result = await _prov.RunAsync(["device", "flash", "--board", "m5stack-atom-lite", "--port", "/dev/ttyUSB0", "--image", image],
            new Dictionary<string, string> { ["PATH"] = empty }, TimeSpan.FromSeconds(90));
        Assert.Equal(11, result.ExitCode);  // ExitCodes.NotFound: nothing was flashed
        Assert.Contains("nanoff is not installed (dotnet tool install -g nanoff)", result.Stdout);
        Assert.Contains("  nanoff --target " + NanoffTarget("m5stack-atom-lite") + " --serialport /dev/ttyUSB0 --update", result.Stdout);
        Assert.Contains("  nanoff --nanodevice --serialport /dev/ttyUSB0 --deploy --image '" + image + "'", result.Stdout);
    }

    [Fact]
    public async Task FlashNamesTheBoardsWhenTheNameIsWrong()
    {
        ProvResult result = await _prov.RunAsync("device", "flash", "--board", "esp32-nope", "--port", "/dev/ttyUSB0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no board 'esp32-nope'", result.Stderr);
        Assert.Contains("esp32-devkitc", result.Stderr);
    }

    [Fact]
    public async Task AttestSaysNotAttestedForTheSoftwareKeyAndRefusesAMakerRootThatIsNotACertificate()
    {
        ProvResult plain = await _prov.RunAsync("device", "attest", "--json");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        JsonElement json = JsonDocument.Parse(plain.Stdout).RootElement;
        Assert.Equal("software", json.GetProperty("level").GetString());
        Assert.StartsWith("not attested", json.GetProperty("reason").GetString());

        string notACertificate = Path.Combine(_work, "root.pem");
        File.WriteAllText(notACertificate, "hello");
        ProvResult bad = await _prov.RunAsync("device", "attest", "--maker-root", notACertificate);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("maker root " + notACertificate + " is not a certificate", bad.Stderr);
    }

    [UnixFact]
    public async Task ListAsksOnlyTheUsbUartBridgesSysfsNamesAndSaysWhichBridge()
    {
        // /sys/class/tty/NAME/device -> the interface directory, under the USB device that carries idVendor/idProduct.
        string sys = Path.Combine(_work, "sys");
        AddPort(sys, "ttyUSB97", "1-1", "10c4", "ea60");
        AddPort(sys, "ttyUSB98", "1-2", "1a86", "7523");
        AddPort(sys, "ttyACM96", "1-3", "303a", "1001");  // the ESP32-S3's own USB (debugger): not a token link

        ProvResult result = await _prov.RunAsync(["device", "list", "--json"], new Dictionary<string, string> { ["PROV_SYSFS_ROOT"] = sys }, TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement unanswered = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("unanswered");
        var asked = unanswered.EnumerateArray().Select(u => (u.GetProperty("endpoint").GetString(), u.GetProperty("bridge").GetString(), u.GetProperty("usbId").GetString())).ToList();
        Assert.Equal([("/dev/ttyUSB97", "CP210x", "10C4:EA60"), ("/dev/ttyUSB98", "CH340", "1A86:7523")], asked);
        Assert.Contains("not asked /dev/ttyACM96: USB id 303A:1001 is not a USB-UART bridge a token uses", result.Stderr);
    }

    private static void AddPort(string sys, string tty, string usbDevice, string vendor, string product)
    {
        string device = Directory.CreateDirectory(Path.Combine(sys, "devices", "pci0000:00", "usb1", usbDevice)).FullName;
        File.WriteAllText(Path.Combine(device, "idVendor"), vendor + "\n");
        File.WriteAllText(Path.Combine(device, "idProduct"), product + "\n");
        string iface = Directory.CreateDirectory(Path.Combine(device, usbDevice + ":1.0", tty)).FullName;
        string classEntry = Directory.CreateDirectory(Path.Combine(sys, "class", "tty", tty)).FullName;
        File.CreateSymbolicLink(Path.Combine(classEntry, "device"), Path.GetDirectoryName(iface)!);
    }

    private static string NanoffTarget(string board)
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "boards.json"))) dir = Path.GetDirectoryName(dir)!;
        using JsonDocument boards = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "boards.json")));
        return boards.RootElement.GetProperty("boards").EnumerateArray().Single(b => b.GetProperty("name").GetString() == board).GetProperty("nanoffTarget").GetString()!;
    }
}
