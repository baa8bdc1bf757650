using System;
using System.IO;
using System.IO.Ports;

namespace Provenance.Device;

/// <summary>
/// A token on a serial port: the board's USB-UART bridge (/dev/ttyUSB*, /dev/ttyACM*, COMn) or the emulator's
/// pseudo-terminal (/dev/pts/N). 921600 baud (firmware before protocol 3: 115200), 8 data bits, no parity, 1 stop bit,
/// no flow control. docs/benchmarks.md, "The token link", says why 921600.
/// </summary>
public sealed class SerialTransport : ITokenTransport
{
    /// <summary>The token's UART speed (boards.json).</summary>
    public const int BaudRate = 921600;

    /// <summary>The rate of firmware before protocol 3, which <see cref="TokenLocator"/> tries when a port stays silent at <see cref="BaudRate"/>.</summary>
    public const int LegacyBaudRate = 115200;

    private readonly SerialPort _port;

    /// <summary>Opens <paramref name="portName"/>; throws <see cref="TokenUnavailableException"/> when it cannot.</summary>
    public SerialTransport(string portName, int baudRate = BaudRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(portName);
        Endpoint = portName;
        if (!OperatingSystem.IsWindows() && !File.Exists(portName))
        {
            throw new TokenUnavailableException("no token at " + portName + ": no such device (unplugged, or the emulator stopped?)");
        }
        _port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            // Many ESP32 boards wire DTR/RTS to EN/IO0 for auto-reset; leaving both released keeps the token running.
            DtrEnable = false,
            RtsEnable = false,
            ReadTimeout = 100,
            WriteTimeout = 2000,
        };
        try
        {
            _port.Open();
            _port.DiscardInBuffer();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            _port.Dispose();
            throw new TokenUnavailableException(SerialAccess.Explain(portName, e), e);
        }
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <inheritdoc/>
    public void Write(byte[] data, int offset, int count)
    {
        try
        {
            _port.Write(data, offset, count);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
        {
            throw new TokenUnavailableException("cannot write to the token on " + Endpoint + ": " + OneLine(e.Message), e);
        }
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        try
        {
            _port.ReadTimeout = Math.Max(1, timeoutMs);
            return _port.Read(buffer, offset, count);
        }
        catch (TimeoutException)
        {
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new TokenUnavailableException("lost the token on " + Endpoint + ": " + OneLine(e.Message), e);
        }
    }

    /// <inheritdoc/>
    public void DiscardInput()
    {
        try
        {
            _port.DiscardInBuffer();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new TokenUnavailableException("lost the token on " + Endpoint + ": " + OneLine(e.Message), e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _port.Dispose();

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
