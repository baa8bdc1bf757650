using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace Token.Core.Tests.Emulator;

/// <summary>The emulator's host hardware: file storage, button, serial number, pseudo-terminal and TCP serving.</summary>
public sealed class EmulatorHalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "emu-hal-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void FileStorageKeepsRecordsAcrossInstancesAndDeletes()
    {
        new FileStorage(_folder).Write("counter", [1, 2, 3]);

        var reopened = new FileStorage(_folder);
        Assert.Equal(new byte[] { 1, 2, 3 }, reopened.Read("counter"));
        reopened.Delete("counter");
        Assert.Null(reopened.Read("counter"));
        Assert.Null(reopened.Read("never-written"));
    }

    [Fact]
    public void FileStorageKeepsItsRecordsReadableByTheOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        string records = Path.Combine(_folder, "records");
        new FileStorage(records).Write("softkey", [1, 2, 3]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(records));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(records, "softkey.rec")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void FileStorageRefusesNamesThatAreNotPlainFileNames(string name)
    {
        var storage = new FileStorage(_folder);

        Assert.ThrowsAny<ArgumentException>(() => storage.Write(name, [1]));
    }

    [Fact]
    public void SerialNumberIsRandomOnceThenStable()
    {
        string first = EmulatorSerial.LoadOrCreate(_folder);
        string second = EmulatorSerial.LoadOrCreate(_folder);
        string other = EmulatorSerial.LoadOrCreate(Path.Combine(_folder, "other"));

        Assert.Matches("^EMU-[0-9A-F]{8}$", first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ButtonPressCountsForTheNextWaitOnlyOnce()
    {
        var button = new SimulatedButton(autoPress: false);
        button.Press();
        button.Press();

        Assert.True(button.WaitForPress(1000));
        Assert.False(button.WaitForPress(0));
        Assert.True(new SimulatedButton(autoPress: true).WaitForPress(0));
    }

    [Fact]
    public void PseudoTerminalPassesEveryByteValueUntouched()
    {
        if (!OperatingSystem.IsLinux()) return;
        using PseudoTerminal pty = PseudoTerminal.Open();
        Assert.StartsWith("/dev/pts/", pty.SlavePath, StringComparison.Ordinal);
        var all = new byte[256];
        for (int i = 0; i < all.Length; i++) all[i] = (byte)i; // 0x00, LF, CR, Ctrl-C, Ctrl-D, DEL...

        using var client = new FileStream(new SafeFileHandle(OpenReadWrite(pty.SlavePath), true), FileAccess.ReadWrite, 1);
        client.Write(all);
        client.Flush();
        byte[] received = ReadExactly(pty, all.Length);
        Assert.Equal(all, received);

        pty.Write(all, 0, all.Length);
        var back = new byte[all.Length];
        client.ReadExactly(back);
        Assert.Equal(all, back);
    }

    [Fact]
    public async Task EmulatorAnswersInfoOverTcp()
    {
        using var host = new EmulatorHost(new EmulatorOptions { StateFolder = _folder, AutoPress = true });
        string address = host.StartTcp(0);
        var uri = new Uri(address);

        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        NetworkStream stream = client.GetStream();
        byte[] request = new Frame(MessageType.Info, 0, 42, null).Encode();
        await stream.WriteAsync(request);

        var decoder = new FrameDecoder();
        var buffer = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Assert.Equal(1, await stream.ReadAsync(buffer, timeout.Token));
            if (decoder.Push(buffer[0]) == FrameDecoder.FrameReady) break;
        }
        Assert.Equal(MessageType.Info | MessageType.ReplyBit, decoder.LastFrame.Type);
        Assert.Equal(42, decoder.LastFrame.Sequence);
        InfoReply info = InfoReply.Decode(decoder.LastFrame.Payload);
        Assert.Equal(host.Serial, info.Serial);
        Assert.Equal(KeyProtection.Software, info.KeyProtection);
        Assert.Equal("emulator", info.Board);
    }

    private static byte[] ReadExactly(PseudoTerminal pty, int count)
    {
        var result = new byte[count];
        var chunk = new byte[count];
        int have = 0;
        for (int polls = 0; have < count && polls < 100; polls++)
        {
            int n = pty.Read(chunk, 200);
            Array.Copy(chunk, 0, result, have, n);
            have += n;
        }
        Assert.Equal(count, have);
        return result;
    }

    private static IntPtr OpenReadWrite(string path)
    {
        int fd = open(path, 0x2 | 0x100);
        if (fd < 0) throw new IOException("cannot open " + path);
        return fd;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, CharSet = System.Runtime.InteropServices.CharSet.Ansi, BestFitMapping = false)]
    private static extern int open(string path, int flags);
}
