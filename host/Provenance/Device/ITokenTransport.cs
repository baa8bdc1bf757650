using System;

namespace Provenance.Device;

/// <summary>
/// A byte stream to a token: a serial port (USB-UART bridge or a pseudo-terminal), TCP to the emulator, or an
/// in-memory pipe. Framing, CRC and retries are layered above it in <see cref="TokenClient"/>.
/// </summary>
public interface ITokenTransport : IDisposable
{
    /// <summary>Where the token is, as a person would name it ("/dev/ttyUSB0", "tcp://127.0.0.1:7000").</summary>
    string Endpoint { get; }

    /// <summary>Sends bytes. Throws <see cref="TokenUnavailableException"/> when the token is gone.</summary>
    void Write(byte[] data, int offset, int count);

    /// <summary>
    /// Reads what has arrived, waiting up to <paramref name="timeoutMs"/> for the first byte; returns 0 when nothing
    /// came in time. Throws <see cref="TokenUnavailableException"/> when the token is gone (port closed, unplugged).
    /// </summary>
    int Read(byte[] buffer, int offset, int count, int timeoutMs);

    /// <summary>Drops bytes that arrived but were not read (stale replies, boot noise).</summary>
    void DiscardInput();
}
