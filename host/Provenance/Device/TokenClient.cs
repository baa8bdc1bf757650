using System;
using System.Security.Cryptography;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Device;

/// <summary>Timeouts and retry limits of a <see cref="TokenClient"/>.</summary>
public sealed record TokenClientOptions
{
    /// <summary>How long to wait for each reply frame before the token counts as unavailable.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Added to the press timeout the token announces in WAITING_FOR_PRESS, for the final reply to arrive.</summary>
    public TimeSpan PressGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often one frame is resent after the token reports a bad CRC.</summary>
    public int CrcResends { get; init; } = 3;

    /// <summary>How often a read-only request (INFO, LOG, ...) is repeated when its reply arrives corrupted.</summary>
    public int CorruptReplyRetries { get; init; } = 2;
}

/// <summary>
/// Talks to a token over any <see cref="ITokenTransport"/> (PROTOCOL.md): chunks requests and waits for CONTINUE,
/// reassembles replies, tells an <see cref="IPresencePrompt"/> when the token waits for its button, resends frames
/// the token received with a bad CRC, skips garbage and stale replies, and turns silence into
/// <see cref="TokenUnavailableException"/> instead of a hang. One request at a time.
/// </summary>
public sealed class TokenClient : IToken
{
    private const int ReadSliceMs = 100;

    /// <summary>After a damaged frame, how long a read-only request waits for an intact reply before asking again.</summary>
    private const int CorruptionGraceMs = 300;
    private readonly ITokenTransport _transport;
    private readonly TokenClientOptions _options;
    private readonly SemaphoreSlim _oneRequest = new(1, 1);
    private readonly FrameDecoder _decoder = new();
    private readonly byte[] _readBuffer = new byte[512];
    private int _readOffset;
    private int _readCount;
    private byte _sequence = (byte)Random.Shared.Next(256);
    private bool _sessionOpened;
    private bool _disposed;

    /// <summary>Wraps an open transport; the client owns it and disposes it.</summary>
    public TokenClient(ITokenTransport transport, TokenClientOptions? options = null)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options ?? new TokenClientOptions();
        Endpoint = transport.Endpoint;
    }

    /// <inheritdoc/>
    public string Endpoint { get; init; }

    /// <summary>True when the token runs inside this process (the embedded software token).</summary>
    public bool IsEmbedded { get; init; }

    /// <summary>
    /// Generate a key when SIGN or PUBLIC_KEY finds none (the embedded software token does this so a first-time user
    /// can sign at once; a hardware token is initialised on purpose with <c>prov device init</c>).
    /// </summary>
    public bool GenerateKeyOnFirstUse { get; init; }

    /// <summary>
    /// <see cref="KeyProtectionNames"/> value from the last INFO, or null before the first one
    /// (<see cref="TokenLocator"/> always asks once when it connects).
    /// </summary>
    public string? KeyProtection { get; private set; }

    /// <summary>Protocol version from the last INFO (0 before the first): 3 and up take a SIGN with a hashed prefix.</summary>
    public int ProtocolVersion { get; private set; }

    /// <summary>
    /// Send a bound SIGN as a SHA-256 midstate of the bytes before the binding's 64-byte block plus the tail
    /// (protocol 3) when the token speaks it; false sends every byte (protocol 2), for comparison and old tokens.
    /// </summary>
    public bool HashPrefix { get; init; } = true;

    /// <summary>True unless the token has reported a secure-element key: such a key is not hardware-protected.</summary>
    public bool IsSoftwareToken => IsEmbedded || KeyProtection != KeyProtectionNames.SecureElement;

    /// <summary>One line to show once per command when the key is not hardware-protected, else null.</summary>
    public string? SoftwareTokenNotice => !IsSoftwareToken
        ? null
        : IsEmbedded
            ? "using the " + Endpoint
            : "the token on " + Endpoint + " uses a software key (development mode, not hardware-protected)";

    /// <summary>The lock that keeps other commands off this token while this client lives (released on dispose).</summary>
    public DeviceLock? ExclusiveLock { get; internal set; }

    /// <summary>
    /// The token's number for this host session once <see cref="OpenSessionAsync"/> ran (0 with a token older than
    /// protocol revision 2, which keeps no host sessions).
    /// </summary>
    public long SessionId { get; private set; }

    /// <summary>
    /// Starts this program's host session on the token (OPEN_SESSION, PROTOCOL.md "Host sessions"): whatever an
    /// earlier program on the same wire was granted (its PIN, its signing session) ends, and this one starts locked.
    /// Every other request opens the session first if this was not called; INFO alone does not, so probing a port
    /// leaves the session of the program using it alone.
    /// </summary>
    public async Task OpenSessionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _oneRequest.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Run(() => OpenSession(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneRequest.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        (await GetStatusAsync(cancellationToken).ConfigureAwait(false)).ToInfo();

    /// <summary>INFO with every field the token reports.</summary>
    public async Task<TokenStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        byte[] reply = await TransactAsync(MessageType.Info, [], null, readOnly: true, cancellationToken).ConfigureAwait(false);
        InfoReply info = Decode(() => InfoReply.Decode(reply), "INFO");
        string protection = KeyProtectionNames.FromWire(info.KeyProtection);
        KeyProtection = protection;
        ProtocolVersion = info.ProtocolVersion;
        return new TokenStatus(
            info.Serial ?? "", info.Board ?? "", info.FirmwareVersion ?? "", info.ProtocolVersion, info.HasKey, protection,
            info.SecureElementPresent, info.Counter, info.LogFirstIndex, info.LogCount, info.PinSet, info.PinVerified,
            info.Locked, info.PinTriesLeft, info.SessionOpen, info.SessionSignaturesLeft, info.SessionSecondsLeft,
            info.SecureElementProvisioned);
    }

    /// <inheritdoc/>
    public async Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default)
    {
        byte[] reply;
        try
        {
            reply = await TransactAsync(MessageType.PublicKey, [], null, readOnly: true, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenErrorException e) when (e.Code == ErrorCode.NoKey && GenerateKeyOnFirstUse)
        {
            return await GenerateKeyAsync(null, cancellationToken).ConfigureAwait(false);
        }
        return CheckPublicKey(reply, "PUBLIC_KEY");
    }

    /// <summary>Generates the token's signing key (needs a button press); returns the new public key.</summary>
    public async Task<byte[]> GenerateKeyAsync(IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        // Protocol 2: 32 bytes from this machine's CSPRNG, which the token mixes into its own randomness (PROTOCOL.md,
        // "GENERATE_KEY"); firmware of protocol 1 takes none.
        TokenInfo info = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
        byte[] hostEntropy = info.ProtocolVersion >= 2 ? RandomNumberGenerator.GetBytes(HostMixedEntropy.HostEntropyLength) : [];
        byte[] reply;
        try
        {
            reply = await TransactAsync(MessageType.GenerateKey, hostEntropy, presence, readOnly: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hostEntropy);
        }
        return CheckPublicKey(reply, "GENERATE_KEY");
    }

    /// <inheritdoc/>
    public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toBeSigned);
        if (toBeSigned.Length == 0) throw new ArgumentException("nothing to sign", nameof(toBeSigned));
        // The bare bytes (protocol 1 form, which every firmware reads), unless they start like the protocol 2 magic:
        // those go wrapped, without a binding, so the token never misreads them.
        byte[] payload = CounterBinding.MatchesAt(toBeSigned, 0, CounterBinding.SignMagic())
            ? new SignRequest { ToBeSigned = toBeSigned }.Encode()
            : toBeSigned;
        return SignPayloadAsync(payload, toBeSigned.Length, presence, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TokenSignature> SignPairedAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toBeSigned);
        if (toBeSigned.Length == 0) throw new ArgumentException("nothing to sign", nameof(toBeSigned));
        return SignPayloadAsync(new SignRequest { ToBeSigned = toBeSigned, BindingOffset = CounterBinding.PairedWithNext }.Encode(), toBeSigned.Length, presence, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TokenSignature> SignBoundAsync(byte[] toBeSigned, int bindingOffset, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toBeSigned);
        if (toBeSigned.Length == 0) throw new ArgumentException("nothing to sign", nameof(toBeSigned));
        ArgumentOutOfRangeException.ThrowIfNegative(bindingOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bindingOffset, toBeSigned.Length);
        return SignPayloadAsync(BoundRequest(toBeSigned, bindingOffset).Encode(), toBeSigned.Length, presence, cancellationToken);
    }

    /// <summary>
    /// The SIGN request for bound bytes. Protocol 3 (PROTOCOL.md "SIGN"): the whole 64-byte blocks before the one the
    /// binding starts in are hashed here and sent as a 32-byte midstate, so the UART carries the tail only; the token
    /// still sees every byte of the binding and all that follows it, and finishes the hash itself.
    /// </summary>
    private SignRequest BoundRequest(byte[] toBeSigned, int bindingOffset)
    {
        int prefix = bindingOffset / 64 * 64;
        if (!HashPrefix || ProtocolVersion < 3 || prefix == 0) return new SignRequest { ToBeSigned = toBeSigned, BindingOffset = bindingOffset };
        var sha = new ProvenanceDevice.Token.Crypto.Sha256();
        sha.Update(toBeSigned, 0, prefix);
        return new SignRequest
        {
            Midstate = sha.Midstate(),
            PrefixLength = prefix,
            ToBeSigned = toBeSigned[prefix..],
            BindingOffset = bindingOffset - prefix,
        };
    }

    private async Task<TokenSignature> SignPayloadAsync(byte[] payload, int toBeSignedLength, IPresencePrompt? presence, CancellationToken cancellationToken)
    {
        if (payload.Length > MessageAssembler.MaxRequestLength)
        {
            throw new ArgumentException("the token signs at most " + (MessageAssembler.MaxRequestLength - SignRequest.HeaderLength) + " bytes, got " + toBeSignedLength, "toBeSigned");
        }
        byte[] reply;
        try
        {
            reply = await TransactAsync(MessageType.Sign, payload, presence, readOnly: false, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenErrorException e) when (e.Code == ErrorCode.NoKey && GenerateKeyOnFirstUse)
        {
            await GenerateKeyAsync(presence, cancellationToken).ConfigureAwait(false);
            reply = await TransactAsync(MessageType.Sign, payload, presence, readOnly: false, cancellationToken).ConfigureAwait(false);
        }
        SignReply sign = Decode(() => SignReply.Decode(reply), "SIGN");
        return new TokenSignature(sign.Signature, sign.Counter, sign.EntryHash);
    }

    /// <summary>
    /// Asks one button press to authorise exactly <paramref name="signatures"/> SIGNs of this host session within
    /// <paramref name="window"/> (BATCH, PROTOCOL.md revision 3); the token ends the grant when they are used, when a
    /// SIGN fails, when this connection closes or at the deadline. Returns false, having asked for no press, when the
    /// firmware predates BATCH (then every SIGN asks for its own press, as before).
    /// </summary>
    public async Task<bool> OpenBatchAsync(int signatures, TimeSpan window, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signatures, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signatures, BatchPayload.MaxSignatures);
        int seconds = (int)Math.Clamp(Math.Ceiling(window.TotalSeconds), BatchPayload.MinSeconds, BatchPayload.MaxSeconds);
        byte[] payload = new BatchPayload { Signatures = signatures, Seconds = seconds }.Encode();
        byte[] reply;
        try
        {
            // Not repeated on a corrupted reply: a repeat would ask for a second press.
            reply = await TransactAsync(MessageType.Batch, payload, presence, readOnly: false, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenErrorException e) when (e.Code == ErrorCode.UnknownCommand)
        {
            return false;
        }
        BatchPayload granted = Decode(() => BatchPayload.Decode(reply), "BATCH");
        if (granted.Signatures != signatures)
        {
            throw new MalformedTokenReplyException("BATCH reply from the token on " + Endpoint + " granted " + granted.Signatures + " signatures, asked " + signatures);
        }
        return true;
    }

    /// <summary>Exports the whole signature log, page by page.</summary>
    public async Task<TokenLog> GetLogAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<TokenLogEntry>();
        long next = 0;
        long firstIndex = 0;
        // The token holds at most a few thousand entries; the bound stops a confused token from looping us forever.
        for (int page = 0; page < 100_000; page++)
        {
            var request = new LogRequest { StartIndex = next, Count = LogRequest.MaxEntries };
            byte[] reply = await TransactAsync(MessageType.Log, request.Encode(), null, readOnly: true, cancellationToken).ConfigureAwait(false);
            LogReply log = Decode(() => LogReply.Decode(reply), "LOG");
            if (page == 0) firstIndex = log.LogFirstIndex;
            long end = log.LogFirstIndex + log.LogCount;
            if (log.Entries.Length == 0)
            {
                if (log.StartIndex < end) throw new MalformedTokenReplyException("LOG reply from the token on " + Endpoint + " returned no entries at index " + log.StartIndex + " of " + end);
                return new TokenLog(firstIndex, entries);
            }
            if (log.StartIndex < next && page > 0) throw new MalformedTokenReplyException("LOG reply from the token on " + Endpoint + " went backwards to index " + log.StartIndex);
            for (int i = 0; i < log.Entries.Length; i++)
            {
                LogEntry e = log.Entries[i];
                entries.Add(new TokenLogEntry(log.StartIndex + i, e.Counter, e.Time, e.Digest, e.PreviousHash, e.Hash));
            }
            next = log.StartIndex + log.Entries.Length;
            if (next >= end) return new TokenLog(firstIndex, entries);
        }
        throw new MalformedTokenReplyException("LOG from the token on " + Endpoint + " did not end");
    }

    /// <summary>Sets the first PIN (fails with WrongState when one is set).</summary>
    public Task<PinStatus> SetPinAsync(string pin, CancellationToken cancellationToken = default) =>
        PinAsync(new PinRequest { SubCommand = PinRequest.Set, Pin = PinBytes(pin, nameof(pin)) }, cancellationToken);

    /// <summary>Verifies the PIN for this connection; a wrong PIN throws <see cref="TokenErrorException"/> WrongPin with the tries left.</summary>
    public Task<PinStatus> VerifyPinAsync(string pin, CancellationToken cancellationToken = default) =>
        PinAsync(new PinRequest { SubCommand = PinRequest.Verify, Pin = PinBytes(pin, nameof(pin)) }, cancellationToken);

    /// <summary>Replaces the PIN.</summary>
    public Task<PinStatus> ChangePinAsync(string oldPin, string newPin, CancellationToken cancellationToken = default) =>
        PinAsync(new PinRequest { SubCommand = PinRequest.Change, Pin = PinBytes(oldPin, nameof(oldPin)), NewPin = PinBytes(newPin, nameof(newPin)) }, cancellationToken);

    /// <summary>The PIN state without changing it.</summary>
    public Task<PinStatus> GetPinStatusAsync(CancellationToken cancellationToken = default) =>
        PinAsync(new PinRequest { SubCommand = PinRequest.Status }, cancellationToken);

    /// <summary>What protects the key, and the secure element's certificate chain if any.</summary>
    public async Task<TokenAttestation> AttestAsync(CancellationToken cancellationToken = default)
    {
        // A fresh challenge: the chip's attestation (where it has one) is made over it, so an old answer cannot be replayed.
        byte[] challenge = System.Security.Cryptography.RandomNumberGenerator.GetBytes(ChipAttestationVerifier.ChallengeLength);
        byte[] reply = await TransactAsync(MessageType.Attest, challenge, null, readOnly: true, cancellationToken).ConfigureAwait(false);
        AttestReply a = Decode(() => AttestReply.Decode(reply), "ATTEST");
        return new TokenAttestation(KeyProtectionNames.FromWire(a.KeyProtection), a.Serial ?? "", a.PublicKey ?? [], a.Description ?? "", a.CertificateChain ?? [], challenge, a.Attestation ?? []);
    }

    /// <inheritdoc/>
    async Task<TokenAttestation?> IToken.GetAttestationAsync(CancellationToken cancellationToken) => await AttestAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the configuration, or sets it when <paramref name="newConfig"/> is given (needs a press).</summary>
    public async Task<TokenConfig> ConfigAsync(TokenConfig? newConfig, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        byte[] payload = newConfig is null
            ? []
            : new ConfigPayload { SessionSignatures = newConfig.SessionSignatures, SessionMinutes = newConfig.SessionMinutes, PressTimeoutSeconds = newConfig.PressTimeoutSeconds }.Encode();
        byte[] reply = await TransactAsync(MessageType.Config, payload, presence, readOnly: newConfig is null, cancellationToken).ConfigureAwait(false);
        ConfigPayload config = Decode(() => ConfigPayload.Decode(reply), "CONFIG");
        return new TokenConfig(config.SessionSignatures, config.SessionMinutes, config.PressTimeoutSeconds);
    }

    /// <summary>
    /// Configures and locks the token's secure element for good (needs a press). The token refuses with WrongState
    /// when it has no secure element or it is already provisioned.
    /// </summary>
    public async Task<ProvisionResult> ProvisionAsync(IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        byte[] reply = await TransactAsync(MessageType.Provision, [], presence, readOnly: false, cancellationToken).ConfigureAwait(false);
        ProvisionReply p = Decode(() => ProvisionReply.Decode(reply), "PROVISION");
        return new ProvisionResult(p.Serial ?? "", p.ConfigLocked, p.DataLocked);
    }

    /// <summary>Wipes the key, PIN, log and configuration (needs a press); the counter is kept.</summary>
    public Task ResetAsync(IPresencePrompt? presence, CancellationToken cancellationToken = default) =>
        TransactAsync(MessageType.Reset, [], presence, readOnly: false, cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _transport.Dispose();
            _oneRequest.Dispose();
            ExclusiveLock?.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Sends one request message and returns the reply message's payload. The blocking transport work runs on a
    /// pool thread; <paramref name="cancellationToken"/> is checked between short reads.
    /// </summary>
    public async Task<byte[]> TransactAsync(byte type, byte[] request, IPresencePrompt? presence, bool readOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _oneRequest.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    if (!_sessionOpened && type != MessageType.Info && type != MessageType.OpenSession) OpenSession(cancellationToken);
                    return Transact(type, request, presence, readOnly, cancellationToken);
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneRequest.Release();
        }
    }

    private void OpenSession(CancellationToken cancellationToken)
    {
        byte[] reply;
        try
        {
            // Repeating OPEN_SESSION after a corrupted reply is harmless: it only starts this host's session again.
            reply = Transact(MessageType.OpenSession, [], null, readOnly: true, cancellationToken);
        }
        catch (TokenErrorException e) when (e.Code == ErrorCode.UnknownCommand)
        {
            // Firmware older than protocol revision 2 keeps its PIN state per connection itself.
            _sessionOpened = true;
            return;
        }
        if (reply.Length < 4) throw new MalformedTokenReplyException("OPEN_SESSION reply from the token on " + Endpoint + " has " + reply.Length + " bytes, expected 4");
        SessionId = ((long)reply[0] << 24) | ((long)reply[1] << 16) | ((long)reply[2] << 8) | reply[3];
        _sessionOpened = true;
    }

    private byte[] Transact(byte type, byte[] request, IPresencePrompt? presence, bool readOnly, CancellationToken cancellationToken)
    {
        int attempts = readOnly ? 1 + Math.Max(0, _options.CorruptReplyRetries) : 1;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Attempt(type, request, presence, readOnly, cancellationToken);
            }
            catch (CorruptReplyException e)
            {
                // A read-only request can simply be asked again under a fresh sequence number; repeating a SIGN or
                // RESET could act twice, so those fail instead.
                if (attempt >= attempts)
                {
                    throw new TokenUnavailableException("the reply from the token on " + Endpoint + " arrived corrupted (noise on the line?)", e);
                }
            }
        }
    }

    private byte[] Attempt(byte type, byte[] request, IPresencePrompt? presence, bool readOnly, CancellationToken cancellationToken)
    {
        byte sequence = unchecked(++_sequence);
        Frame[] frames = MessageChunker.Split(type, sequence, request);
        DropStaleInput();
        // A leading delimiter ends whatever half-frame the token may hold (noise, an aborted earlier request).
        _transport.Write([0], 0, 1);

        bool pressAnnounced = false;
        try
        {
            for (int i = 0; i < frames.Length; i++)
            {
                byte[] wire = frames[i].Encode();
                int resends = 0;
                _transport.Write(wire, 0, wire.Length);
                if (!frames[i].HasMore) break;
                while (true)
                {
                    Frame reply = ReadFrame(sequence, new Wait(_options.ReplyTimeout), readOnly ? Corruption.RetrySoon : Corruption.KeepWaiting, cancellationToken);
                    if (reply.Type == MessageType.Continue) break;
                    if (reply.Type == MessageType.Error && IsTransmissionError(reply) && resends++ < _options.CrcResends)
                    {
                        _transport.Write(wire, 0, wire.Length);
                        continue;
                    }
                    if (reply.Type == MessageType.Error) throw ErrorFrom(reply);
                    throw new MalformedTokenReplyException("token on " + Endpoint + " answered a request chunk with type 0x" + reply.Type.ToString("X2", CultureInfo.InvariantCulture) + " instead of CONTINUE");
                }
            }

            byte[] lastWire = frames[^1].Encode();
            int lastResends = 0;
            byte replyType = (byte)(type | MessageType.ReplyBit);
            var assembler = new MessageAssembler();
            // The wait restarts only on progress (the press prompt, a reply chunk), so a confused token that keeps
            // sending CONTINUE or stale frames still times out.
            var wait = new Wait(_options.ReplyTimeout);
            bool replyStarted = false;
            while (true)
            {
                Frame frame = ReadFrame(sequence, wait, replyStarted ? Corruption.Fatal : readOnly ? Corruption.RetrySoon : Corruption.KeepWaiting, cancellationToken);
                if (frame.Type == MessageType.WaitingForPress)
                {
                    int seconds = frame.Payload.Length >= 2 ? (frame.Payload[0] << 8) | frame.Payload[1] : 30;
                    if (!pressAnnounced)
                    {
                        wait = new Wait(TimeSpan.FromSeconds(Math.Max(1, seconds)) + _options.PressGrace);
                        pressAnnounced = true;
                        presence?.WaitingForPress();
                    }
                    continue;
                }
                if (frame.Type == MessageType.Continue) continue;
                if (frame.Type == MessageType.Error)
                {
                    if (!replyStarted && !pressAnnounced && IsTransmissionError(frame) && lastResends++ < _options.CrcResends)
                    {
                        _transport.Write(lastWire, 0, lastWire.Length);
                        continue;
                    }
                    throw ErrorFrom(frame);
                }
                if (frame.Type != replyType)
                {
                    throw new MalformedTokenReplyException("token on " + Endpoint + " answered " + TypeName(type) + " with type 0x" + frame.Type.ToString("X2", CultureInfo.InvariantCulture));
                }
                wait = new Wait(_options.ReplyTimeout);
                replyStarted = true;
                int added = assembler.Add(frame, MessageAssembler.MaxReplyLength);
                if (added == MessageAssembler.Complete) return assembler.Message;
                if (added == MessageAssembler.Rejected)
                {
                    throw new MalformedTokenReplyException(TypeName(type) + " reply from the token on " + Endpoint + ": " + assembler.LastReason);
                }
            }
        }
        finally
        {
            if (pressAnnounced) presence?.Done();
        }
    }

    /// <summary>What a damaged frame (or noise) means while waiting for a frame.</summary>
    private enum Corruption
    {
        /// <summary>Noise may precede the reply; wait for it until the timeout (the request must not be repeated).</summary>
        KeepWaiting,

        /// <summary>The reply may be the damaged frame: wait briefly for an intact one, then ask again.</summary>
        RetrySoon,

        /// <summary>Part of the reply arrived; a damaged frame may be a lost chunk, so the reply cannot be trusted.</summary>
        Fatal,
    }

    /// <summary>
    /// Reads the next frame of this request, skipping garbage, empty frames and frames with another (stale) sequence
    /// number. Damaged frames are handled as <paramref name="corruption"/> says.
    /// </summary>
    private Frame ReadFrame(byte sequence, Wait wait, Corruption corruption, CancellationToken cancellationToken)
    {
        Stopwatch clock = wait.Clock;
        TimeSpan timeout = wait.Timeout;
        long deadlineMs = (long)timeout.TotalMilliseconds;
        bool sawCorruption = false;
        while (true)
        {
            while (_readOffset < _readCount)
            {
                int result = _decoder.Push(_readBuffer[_readOffset++]);
                if (result == FrameDecoder.FrameReady)
                {
                    Frame frame = _decoder.LastFrame;
                    if (frame.Sequence == sequence) return frame;
                }
                else if (result == FrameDecoder.FrameRejected)
                {
                    if (corruption == Corruption.Fatal) throw new CorruptReplyException();
                    sawCorruption = true;
                    if (corruption == Corruption.RetrySoon) deadlineMs = Math.Min(deadlineMs, clock.ElapsedMilliseconds + CorruptionGraceMs);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            long remaining = deadlineMs - clock.ElapsedMilliseconds;
            if (remaining <= 0)
            {
                if (sawCorruption) throw new CorruptReplyException();
                throw new TokenUnavailableException("no reply from the token on " + Endpoint + " within " + Seconds(timeout));
            }
            _readOffset = 0;
            _readCount = _transport.Read(_readBuffer, 0, _readBuffer.Length, (int)Math.Min(remaining, ReadSliceMs));
        }
    }

    private void DropStaleInput()
    {
        _readOffset = 0;
        _readCount = 0;
        _transport.DiscardInput();
        // Whatever partial frame the decoder held belongs to an earlier exchange.
        _decoder.Push(0);
    }

    private static bool IsTransmissionError(Frame error)
    {
        int code = ErrorReply.CodeOf(error.Payload);
        return code == ErrorCode.BadCrc || code == ErrorCode.MalformedFrame;
    }

    private static TokenErrorException ErrorFrom(Frame error) =>
        new(ErrorReply.CodeOf(error.Payload), ErrorReply.ReasonOf(error.Payload));

    private async Task<PinStatus> PinAsync(PinRequest request, CancellationToken cancellationToken)
    {
        byte[] reply = await TransactAsync(MessageType.Pin, request.Encode(), null, readOnly: request.SubCommand == PinRequest.Status, cancellationToken).ConfigureAwait(false);
        PinReply pin = Decode(() => PinReply.Decode(reply), "PIN");
        return new PinStatus(pin.PinSet, pin.Verified, pin.TriesLeft, pin.Locked);
    }

    private static byte[] PinBytes(string pin, string name)
    {
        ArgumentNullException.ThrowIfNull(pin, name);
        byte[] bytes = Encoding.UTF8.GetBytes(pin);
        if (bytes.Length < PinRequest.MinLength || bytes.Length > PinRequest.MaxLength)
        {
            throw new ArgumentException("a PIN is " + PinRequest.MinLength + " to " + PinRequest.MaxLength + " bytes long", name);
        }
        return bytes;
    }

    private byte[] CheckPublicKey(byte[] key, string command)
    {
        if (key.Length != 65 || key[0] != 0x04)
        {
            throw new MalformedTokenReplyException(command + " reply from the token on " + Endpoint + " is not an uncompressed P-256 point (" + key.Length + " bytes)");
        }
        return key;
    }

    private T Decode<T>(Func<T> decode, string command)
    {
        try
        {
            return decode();
        }
        catch (ProtocolException e)
        {
            throw new MalformedTokenReplyException(command + " reply from the token on " + Endpoint + ": " + e.Message, e);
        }
    }

    private static string TypeName(byte type) => type switch
    {
        MessageType.Info => "INFO",
        MessageType.GenerateKey => "GENERATE_KEY",
        MessageType.PublicKey => "PUBLIC_KEY",
        MessageType.Sign => "SIGN",
        MessageType.Log => "LOG",
        MessageType.Pin => "PIN",
        MessageType.Attest => "ATTEST",
        MessageType.Config => "CONFIG",
        MessageType.Reset => "RESET",
        MessageType.Provision => "PROVISION",
        MessageType.OpenSession => "OPEN_SESSION",
        MessageType.Batch => "BATCH",
        _ => "0x" + type.ToString("X2", CultureInfo.InvariantCulture),
    };

    private static string Seconds(TimeSpan t) =>
        t.TotalSeconds.ToString(t.TotalSeconds % 1 == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + " s";

    /// <summary>A wait for the token: how long, counted from when it started.</summary>
    private sealed class Wait(TimeSpan timeout)
    {
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public TimeSpan Timeout { get; } = timeout;
    }

    /// <summary>A reply frame was damaged on the way; internal signal for the retry loop.</summary>
    private sealed class CorruptReplyException : Exception
    {
        public CorruptReplyException() : base("the reply from the token was corrupted on the way")
        {
        }
    }
}
