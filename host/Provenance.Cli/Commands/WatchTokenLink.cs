using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov watch`'s hold on the token across unplugging (issue 12, "keeps going when the token is unplugged and
/// re-plugged"). When a signature fails because the token is gone, the file waits in a queue, the line
/// "token unplugged: N files waiting" is printed once for the outage, and the token is looked for again with a growing
/// pause (0.5 s doubling to 10 s); when it answers, the waiting files are signed in the order they came. A file is
/// never signed twice: the one whose SIGN was cut off is signed again with a new claim bound to the token's next
/// counter, and any counter value the token used without its reply reaching prov is named (it is in the token's log).
/// </summary>
internal sealed class WatchTokenLink(string? device, TextWriter error) : IAsyncDisposable
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);
    private readonly List<string> _waiting = [];
    private readonly Stopwatch _sinceTry = new();
    private TimeSpan _pause = FirstPause;
    private long _lastCounter = -1;

    /// <summary>The connected token, or null while it is unplugged.</summary>
    public DeviceSession? Session { get; private set; }

    /// <summary>Files that wait for the token, oldest first.</summary>
    public IReadOnlyList<string> Waiting => _waiting;

    /// <summary>Opens the token the first time (an absent token at start is an error, as for every command).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Session = await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when <paramref name="e"/> means the token went away, not that the file or the claim is at fault.</summary>
    public static bool IsUnplugged(Exception e) => e is TokenUnavailableException;

    /// <summary>The last counter value a signature of this watch used (to name values lost in an outage).</summary>
    public void Signed(long counter) => _lastCounter = Math.Max(_lastCounter, counter);

    /// <summary>Queues <paramref name="path"/> for when the token is back.</summary>
    public void Queue(string path)
    {
        if (!_waiting.Contains(path)) _waiting.Add(path);
    }

    /// <summary>
    /// The token went away while signing <paramref name="path"/>: drop the connection (and the token lock), queue the
    /// file, and say so once, counting <paramref name="alsoPending"/> files seen but not yet signed.
    /// </summary>
    public async Task LostAsync(string path, int alsoPending, Exception cause)
    {
        Queue(path);
        if (Session is null) return;
        await Session.DisposeAsync().ConfigureAwait(false);
        Session = null;
        _pause = FirstPause;
        _sinceTry.Restart();
        int waiting = _waiting.Count + alsoPending;
        await error.WriteLineAsync($"token unplugged: {waiting} file{(waiting == 1 ? "" : "s")} waiting ({CommandErrors.OneLine(cause.Message)}); they are signed when it is back").ConfigureAwait(false);
    }

    /// <summary>
    /// While unplugged, tries to reach the token again when the pause since the last try is over; returns true once
    /// it is back. The pause doubles after each failed try, up to 10 s.
    /// </summary>
    public async Task<bool> TryReconnectAsync(CancellationToken cancellationToken)
    {
        if (Session is not null) return true;
        if (_sinceTry.Elapsed < _pause) return false;
        try
        {
            Session = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TokenUnavailableException or IOException or UnauthorizedAccessException or TokenErrorException or MalformedTokenReplyException)
        {
            _pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, _pause.Ticks * 2));
            _sinceTry.Restart();
            return false;
        }
        TokenStatus status;
        try
        {
            status = await Session.Token.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TokenUnavailableException)
        {
            // Gone again at once (a loose cable): keep waiting.
            await Session.DisposeAsync().ConfigureAwait(false);
            Session = null;
            _sinceTry.Restart();
            return false;
        }
        await error.WriteLineAsync($"token back on {Session.Token.Endpoint}: signing {_waiting.Count} waiting file{(_waiting.Count == 1 ? "" : "s")}").ConfigureAwait(false);
        if (_lastCounter >= 0 && status.Counter > _lastCounter)
        {
            // A SIGN cut off mid-way may have used a value: it is never used again, and it is said, not skipped silently.
            string used = status.Counter == _lastCounter + 1 ? $"#{status.Counter}" : $"#{_lastCounter + 1} to #{status.Counter}";
            await error.WriteLineAsync($"note: the token used signature {used} without its reply reaching prov (cut off when it went away); no file carries it, the token's log records it ('prov device log'), and the next signature uses a higher number").ConfigureAwait(false);
            _lastCounter = status.Counter;
        }
        return true;
    }

    /// <summary>Takes the waiting files out of the queue, oldest first, to sign them.</summary>
    public List<string> TakeWaiting()
    {
        List<string> taken = [.. _waiting];
        _waiting.Clear();
        return taken;
    }

    private async Task<DeviceSession> OpenAsync(CancellationToken cancellationToken)
    {
        DeviceSession session = await DeviceSession.OpenAsync(device, error, cancellationToken).ConfigureAwait(false);
        try
        {
            TokenStatus status = await session.Token.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            await session.EnsurePinVerifiedAsync(status, cancellationToken).ConfigureAwait(false);
            if (_lastCounter < 0) _lastCounter = status.Counter;
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Session is not null) await Session.DisposeAsync().ConfigureAwait(false);
        Session = null;
    }
}
