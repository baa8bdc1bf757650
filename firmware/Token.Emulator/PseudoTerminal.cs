using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace ProvenanceDevice.Token.Emulator;

/// <summary>
/// A Unix pseudo-terminal pair (posix_openpt). The emulator keeps the master side; a client opens
/// <see cref="SlavePath"/> (/dev/pts/N) as if it were the board's USB-UART. The slave is put in raw mode so every
/// byte of a frame, 0x00 and 0x0A included, passes untouched (no echo, no CR/LF translation, no line buffering).
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private const int ORdWr = 0x2;
    private const int ONoCtty = 0x100; // Linux value; the emulator's pty mode is Linux-only.
    private const int TcsaNow = 0;
    private const short PollIn = 0x1;
    private const short PollErr = 0x8;
    private const short PollHup = 0x10;
    private const int Eintr = 4;
    private const int Eagain = 11;

    private int _master;
    private int _slave;

    private PseudoTerminal(int master, int slave, string slavePath)
    {
        _master = master;
        _slave = slave;
        SlavePath = slavePath;
    }

    /// <summary>The path a client opens, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }

    /// <summary>Opens a new pair with the slave side in raw mode.</summary>
    public static PseudoTerminal Open()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the emulator's pseudo-terminal needs Linux; use --tcp instead");
        int master = posix_openpt(ORdWr | ONoCtty);
        if (master < 0) throw Failure("posix_openpt");
        try
        {
            if (grantpt(master) != 0) throw Failure("grantpt");
            if (unlockpt(master) != 0) throw Failure("unlockpt");
            var name = new byte[128];
            int error = ptsname_r(master, name, (nuint)name.Length);
            if (error != 0) throw new Win32Exception(error, "ptsname_r failed");
            string slavePath = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));

            // The emulator holds the slave open itself: the raw settings stay in force between clients, and the
            // master does not see a hang-up (EIO) each time a client closes its end.
            int slave = open(slavePath, ORdWr | ONoCtty);
            if (slave < 0) throw Failure("open " + slavePath);
            var termios = new byte[256]; // opaque struct termios: only libc reads and writes it
            if (tcgetattr(slave, termios) != 0 || SetRaw(termios, slave) != 0)
            {
                close(slave);
                throw Failure("tcsetattr raw on " + slavePath);
            }
            return new PseudoTerminal(master, slave, slavePath);
        }
        catch
        {
            close(master);
            throw;
        }
    }

    private static int SetRaw(byte[] termios, int fd)
    {
        cfmakeraw(termios);
        return tcsetattr(fd, TcsaNow, termios);
    }

    /// <summary>Reads what the client sent, waiting up to <paramref name="timeoutMs"/>; 0 when nothing arrived.</summary>
    public int Read(byte[] buffer, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ObjectDisposedException.ThrowIf(_master < 0, this);
        var poll = new PollFd { Fd = _master, Events = PollIn };
        int ready = PollOne(ref poll, timeoutMs);
        if (ready <= 0) return 0;
        if ((poll.Revents & PollIn) == 0 && (poll.Revents & (PollErr | PollHup)) != 0) return 0;
        while (true)
        {
            nint count = read(_master, buffer, (nuint)buffer.Length);
            if (count >= 0) return (int)count;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr) continue;
            if (errno == Eagain) return 0;
            throw new Win32Exception(errno, "read from the pseudo-terminal failed");
        }
    }

    /// <summary>Writes all of the bytes to the client side.</summary>
    public void Write(byte[] data, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_master < 0, this);
        var chunk = new byte[count];
        Array.Copy(data, offset, chunk, 0, count);
        int done = 0;
        while (done < count)
        {
            byte[] rest = done == 0 ? chunk : chunk[done..];
            nint written = write(_master, rest, (nuint)rest.Length);
            if (written < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr || errno == Eagain) continue;
                throw new Win32Exception(errno, "write to the pseudo-terminal failed");
            }
            done += (int)written;
        }
    }

    /// <summary>Closes both sides; a client with the slave open sees the line drop.</summary>
    public void Dispose()
    {
        if (_slave >= 0) close(_slave);
        if (_master >= 0) close(_master);
        _slave = -1;
        _master = -1;
    }

    private static int PollOne(ref PollFd poll, int timeoutMs)
    {
        while (true)
        {
            int ready = PollNative(ref poll, 1, timeoutMs);
            if (ready >= 0) return ready;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) throw new Win32Exception(errno, "poll on the pseudo-terminal failed");
        }
    }

    private static Win32Exception Failure(string call) => new(Marshal.GetLastPInvokeError(), call + " failed");

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ptsname_r(int fd, byte[] buffer, nuint length);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int optionalActions, byte[] termios);

    [DllImport("libc")]
    private static extern void cfmakeraw(byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nuint count);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int PollNative(ref PollFd fds, nuint count, int timeoutMs);
}
