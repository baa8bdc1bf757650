using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Ports;
using System.Threading;
using System.Threading.Tasks;

namespace Provenance.Device;

/// <summary>A serial port that was asked INFO: what answered, or why nothing did.</summary>
public sealed record ProbedToken(string Endpoint, TokenStatus? Status, string? Error)
{
    /// <summary>Another prov process holds the port (<see cref="DeviceLock"/>); it was not asked, so as not to disturb it.</summary>
    public bool InUse { get; init; }
}

/// <summary>Asks <see cref="TokenLocator"/> for the token to itself: waits for <see cref="DeviceLock"/> while another command holds it.</summary>
/// <param name="Command">What this process is, for others' waiting message ("prov sign").</param>
/// <param name="Waiting">Told once (and again when the holder changes) while this process waits.</param>
public sealed record ExclusiveUse(string Command, Action<DeviceLockHolder>? Waiting = null);

/// <summary>
/// Finds the token a command should use from its <c>--device</c> value: a serial port ("/dev/ttyUSB0", "COM3",
/// "/dev/pts/4" for the emulator), "tcp://host:port" (the emulator), "embedded" (the in-process software token), or
/// nothing: then $PROV_DEVICE, else the first serial port that answers INFO, else the embedded software token.
/// </summary>
public static class TokenLocator
{
    /// <summary>Environment variable naming the default device.</summary>
    public const string DeviceVariable = "PROV_DEVICE";

    /// <summary>Environment variable that, set to 1, skips probing serial ports (tests, machines with other serial devices).</summary>
    public const string NoProbeVariable = "PROV_NO_HARDWARE_PROBE";

    /// <summary>The <c>--device</c> value selecting the embedded software token.</summary>
    public const string EmbeddedDevice = "embedded";

    /// <summary>Reply timeout while probing ports: a token answers INFO in milliseconds.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// Connects to the token and asks INFO once, so an unreachable token fails here with
    /// <see cref="TokenUnavailableException"/> and <see cref="TokenClient.KeyProtection"/> is known.
    /// </summary>
    public static Task<TokenClient> OpenAsync(string? device, TokenClientOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenAsync(device, options, null, cancellationToken);

    /// <summary>
    /// Like <see cref="OpenAsync(string?, TokenClientOptions?, CancellationToken)"/>; with <paramref name="exclusive"/>
    /// it first waits for the token's <see cref="DeviceLock"/>, held until the client is disposed, so commands on one
    /// token queue instead of failing.
    /// </summary>
    public static async Task<TokenClient> OpenAsync(string? device, TokenClientOptions? options, ExclusiveUse? exclusive, CancellationToken cancellationToken)
    {
        string? chosen = string.IsNullOrWhiteSpace(device) ? Environment.GetEnvironmentVariable(DeviceVariable) : device;
        if (string.IsNullOrWhiteSpace(chosen))
        {
            if (Environment.GetEnvironmentVariable(NoProbeVariable) != "1")
            {
                foreach (ProbedToken probed in await ProbeSerialPortsAsync(stopAtFirst: true, cancellationToken).ConfigureAwait(false))
                {
                    if (probed.Status is not null || probed.InUse) return await ConnectAsync(probed.Endpoint, options, exclusive, cancellationToken).ConfigureAwait(false);
                }
            }
            chosen = EmbeddedDevice;
        }
        return await ConnectAsync(chosen.Trim(), options, exclusive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The key of a device's <see cref="DeviceLock"/>: the endpoint, or the embedded token's state folder.</summary>
    public static string LockKey(string device) =>
        string.Equals(device, EmbeddedDevice, StringComparison.OrdinalIgnoreCase) ? "embedded:" + Path.GetFullPath(ProvPaths.EmbeddedTokenState) : device;

    /// <summary>Serial ports where a token's USB-UART bridge may appear, in a stable order.</summary>
    public static IReadOnlyList<string> SerialPortCandidates()
    {
        var ports = new List<string>();
        if (OperatingSystem.IsWindows())
        {
            ports.AddRange(SerialPort.GetPortNames());
        }
        else if (Directory.Exists("/dev"))
        {
            string[] patterns = OperatingSystem.IsMacOS()
                ? ["cu.usbserial*", "cu.SLAB_USBtoUART*", "cu.wchusbserial*", "cu.usbmodem*"]
                : ["ttyUSB*", "ttyACM*"];
            foreach (string pattern in patterns)
            {
                string[] found = Directory.GetFiles("/dev", pattern);
                Array.Sort(found, StringComparer.Ordinal);
                ports.AddRange(found);
            }
        }
        return ports;
    }

    /// <summary>Asks INFO on every candidate serial port with a short timeout.</summary>
    public static async Task<IReadOnlyList<ProbedToken>> ProbeSerialPortsAsync(bool stopAtFirst = false, CancellationToken cancellationToken = default)
    {
        var results = new List<ProbedToken>();
        foreach (string port in SerialPortCandidates())
        {
            ProbedToken probed = await ProbeAsync(port, cancellationToken).ConfigureAwait(false);
            results.Add(probed);
            if (stopAtFirst && probed.Status is not null) break;
        }
        return results;
    }

    /// <summary>Asks one endpoint INFO with a short timeout; never throws for an absent or silent token.</summary>
    public static async Task<ProbedToken> ProbeAsync(string device, CancellationToken cancellationToken = default)
    {
        var options = new TokenClientOptions { ReplyTimeout = ProbeTimeout, CorruptReplyRetries = 1 };
        // On a serial port a probe's INFO would cut into another command's exchange: a held port is reported, not asked.
        DeviceLock? probing = null;
        if (!TcpTransport.IsTcpAddress(device) && !string.Equals(device, EmbeddedDevice, StringComparison.OrdinalIgnoreCase))
        {
            probing = DeviceLock.TryAcquire(device, "prov device probe", out DeviceLockHolder? holder);
            if (probing is null) return new ProbedToken(device, null, (holder ?? new DeviceLockHolder(0, "")).Describe()) { InUse = true };
        }
        using DeviceLock? held = probing;
        try
        {
            await using TokenClient client = Connect(device, options);
            TokenStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            return new ProbedToken(client.Endpoint, status, null);
        }
        catch (TokenUnavailableException) when (IsSerial(device))
        {
            return await ProbeLegacyAsync(device, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TokenErrorException or MalformedTokenReplyException or FormatException)
        {
            return new ProbedToken(device, null, e.Message);
        }
    }

    /// <summary>A port silent at 921600 baud asked again at 115200 (firmware before protocol 3).</summary>
    private static async Task<ProbedToken> ProbeLegacyAsync(string device, TokenClientOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await using var client = new TokenClient(new SerialTransport(device, SerialTransport.LegacyBaudRate), options);
            TokenStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            return new ProbedToken(client.Endpoint, status, null);
        }
        catch (Exception e) when (e is TokenUnavailableException or TokenErrorException or MalformedTokenReplyException or FormatException)
        {
            return new ProbedToken(device, null, e.Message);
        }
    }

    private static bool IsSerial(string device) =>
        !TcpTransport.IsTcpAddress(device) && !string.Equals(device, EmbeddedDevice, StringComparison.OrdinalIgnoreCase);

    private static async Task<TokenClient> ConnectAsync(string device, TokenClientOptions? options, ExclusiveUse? exclusive, CancellationToken cancellationToken)
    {
        DeviceLock? held = exclusive is null
            ? null
            : await DeviceLock.AcquireAsync(LockKey(device), exclusive.Command, exclusive.Waiting, cancellationToken).ConfigureAwait(false);
        TokenClient client;
        try
        {
            client = Connect(device, options);
            if (IsSerial(device))
            {
                try
                {
                    await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (TokenUnavailableException)
                {
                    // Silent at 921600 baud: firmware before protocol 3 listens at 115200.
                    await client.DisposeAsync().ConfigureAwait(false);
                    client = new TokenClient(new SerialTransport(device, SerialTransport.LegacyBaudRate), options);
                }
            }
        }
        catch
        {
            held?.Dispose();
            throw;
        }
        client.ExclusiveLock = held;
        try
        {
            await client.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            TokenStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            // The embedded software token makes its key on first use; a real token's key is made by 'prov device init'.
            if (client.GenerateKeyOnFirstUse && !status.HasKey) await client.GenerateKeyAsync(null, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens the transport a device string names, without talking to the token yet.</summary>
    public static TokenClient Connect(string device, TokenClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        if (string.Equals(device, EmbeddedDevice, StringComparison.OrdinalIgnoreCase)) return EmbeddedToken.Open(options: options);
        ITokenTransport transport = TcpTransport.IsTcpAddress(device)
            ? new TcpTransport(device, (int)(options ?? new TokenClientOptions()).ReplyTimeout.TotalMilliseconds)
            : new SerialTransport(device);
        return new TokenClient(transport, options);
    }
}
