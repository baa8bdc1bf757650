using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Hal;

namespace Provenance.Device;

/// <summary>
/// The software token run inside this process when no hardware token is attached (development mode): the same
/// token core as the firmware, its records in <see cref="ProvPaths.EmbeddedTokenState"/>, a button that presses
/// itself, reached through an in-memory pipe so the same <see cref="TokenClient"/> code path is used. Its key is a
/// software key: not hardware-protected, and every caller says so.
/// </summary>
public static class EmbeddedToken
{
    /// <summary>How the embedded token names itself as an endpoint.</summary>
    public const string EndpointName = "embedded software token (development mode, not hardware-protected)";

    /// <summary>Board name it reports in INFO.</summary>
    public const string Board = "embedded";

    /// <summary>Prefix of its serial numbers.</summary>
    public const string SerialPrefix = "SW-";

    /// <summary>How long to wait for another prov process that is using the same embedded token.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts the embedded token on <paramref name="stateFolder"/> (default <see cref="ProvPaths.EmbeddedTokenState"/>).
    /// It generates its key on first use. Only one process uses a state folder at a time; others wait their turn.
    /// </summary>
    public static TokenClient Open(string? stateFolder = null, TokenClientOptions? options = null)
    {
        string folder = stateFolder ?? ProvPaths.EmbeddedTokenState;
        Directory.CreateDirectory(folder);
        FileStream exclusive = TakeLock(Path.Combine(folder, "in-use.lock"));
        try
        {
            TokenHardware hardware = EmulatedToken.CreateHardware(folder, new SimulatedButton(autoPress: true), new SilentLed(), Board, SerialPrefix);
            var core = new TokenCore(hardware);
            var pipe = new InMemoryTransport(EndpointName, (bytes, sink) => core.Receive(bytes, 0, bytes.Length, sink));
            return new TokenClient(new OwningTransport(pipe, exclusive), options)
            {
                IsEmbedded = true,
                GenerateKeyOnFirstUse = true,
            };
        }
        catch
        {
            exclusive.Dispose();
            throw;
        }
    }

    private static FileStream TakeLock(string path)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new TokenUnavailableException("the embedded software token is in use by another prov process (" + path + ")", e);
            }
        }
    }

    /// <summary>Nobody sees an in-process token's light.</summary>
    private sealed class SilentLed : IStatusLed
    {
        public void Show(int state)
        {
        }
    }

    /// <summary>The pipe plus the state folder's lock, released together.</summary>
    private sealed class OwningTransport(ITokenTransport inner, IDisposable exclusive) : ITokenTransport
    {
        public string Endpoint => inner.Endpoint;

        public void Write(byte[] data, int offset, int count) => inner.Write(data, offset, count);

        public int Read(byte[] buffer, int offset, int count, int timeoutMs) => inner.Read(buffer, offset, count, timeoutMs);

        public void DiscardInput() => inner.DiscardInput();

        public void Dispose()
        {
            inner.Dispose();
            exclusive.Dispose();
        }
    }
}
