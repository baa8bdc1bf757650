using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;
using ProvenanceDevice.Token.State;

namespace ProvenanceDevice.Token
{
    /// <summary>
    /// The token: turns request bytes into replies (firmware/PROTOCOL.md). The board's main loop feeds every byte
    /// it receives to <see cref="Receive(byte, IFrameSink)"/>; replies go out synchronously through the sink,
    /// including while it waits for the button. Every bad request gets an ERROR reply; no exception escapes.
    /// A shell with several wires (the emulator's connections) gives each its own <see cref="TokenLink"/> and calls
    /// the overloads taking one, never two at once: PIN verification and signing sessions belong to the host
    /// session opened on a link (OPEN_SESSION), and nothing but INFO is served on a link without one.
    /// </summary>
    public sealed class TokenCore
    {
        /// <summary>
        /// Protocol version this core speaks, as INFO reports it: 2 adds the counter binding to SIGN; 3 adds BATCH and the SIGN form with a hashed prefix (PROTOCOL.md, revision 3); every request of 2 is still
        /// served as before, so a protocol 2 host keeps working. Frames keep version byte 1
        /// (<see cref="Frame.ProtocolVersion"/>), so hosts of any version can talk to it.
        /// </summary>
        public const int ProtocolVersion = 3;

        private const int Unknown = -1;

        private readonly TokenHardware _hardware;
        private readonly ISecureElement _secureElement;
        private readonly TokenLink _uart = new TokenLink();
        private readonly MonotonicCounter _counter;
        private readonly SignatureLog _log;
        private readonly PinStore _pin;
        private readonly DurableRecord _configRecord;
        private ConfigPayload _config;
        private TokenLink _link;
        private int _pinGeneration;
        private int _signingGeneration;
        private long _sessionsOpened;
        private int _provisioned = Unknown;
        private long _chipCounter = Unknown;

        /// <summary>Starts the token on its hardware and recovers counter, log, PIN and configuration from storage.</summary>
        public TokenCore(TokenHardware hardware)
        {
            if (hardware == null) throw new System.ArgumentNullException("hardware");
            if (hardware.Storage == null || hardware.Button == null || hardware.Led == null || hardware.Clock == null
                || hardware.Entropy == null || hardware.Key == null)
            {
                throw new System.ArgumentException("every hardware part must be set", "hardware");
            }
            _hardware = hardware;
            _secureElement = hardware.SecureElement;
            _counter = new MonotonicCounter(hardware.Storage);
            _log = new SignatureLog(hardware.Storage, SignatureLog.DefaultCapacity);
            LogEntry last = _log.LastEntry;
            if (last != null) _counter.RaiseTo(last.Counter);
            RaiseToChipCounter();
            _pin = new PinStore(hardware.Storage, hardware.Entropy);
            _configRecord = new DurableRecord(hardware.Storage, "config");
            _config = LoadConfig();
            _link = _uart;
            ShowLed(false);
        }

        /// <summary>The highest counter value reserved so far.</summary>
        public long Counter
        {
            get { return _counter.Value; }
        }

        /// <summary>How long SIGN, GENERATE_KEY, CONFIG set and RESET wait for the button, in milliseconds.</summary>
        public int PressTimeoutMs
        {
            get { return _config.PressTimeoutSeconds * 1000; }
        }

        /// <summary>
        /// The host on the board's UART went away (port closed): end its host session, forgetting the PIN
        /// verification and signing session, and drop a half-received message.
        /// </summary>
        public void EndConnection()
        {
            EndConnection(_uart);
        }

        /// <summary>The host on <paramref name="link"/> went away (TCP client gone): end its host session.</summary>
        public void EndConnection(TokenLink link)
        {
            if (link != null) link.EndSession();
        }

        /// <summary>Feeds bytes received on the board's UART, in order.</summary>
        public void Receive(byte[] data, int offset, int count, IFrameSink sink)
        {
            Receive(_uart, data, offset, count, sink);
        }

        /// <summary>Feeds bytes received on <paramref name="link"/>, in order; replies go to <paramref name="sink"/>.</summary>
        public void Receive(TokenLink link, byte[] data, int offset, int count, IFrameSink sink)
        {
            if (link == null || data == null || offset < 0 || count < 0 || offset > data.Length - count) return;
            for (int i = offset; i < offset + count; i++) Receive(link, data[i], sink);
        }

        /// <summary>Feeds one byte received on the board's UART; when it completes a frame, the reply is sent through the sink.</summary>
        public void Receive(byte b, IFrameSink sink)
        {
            Receive(_uart, b, sink);
        }

        /// <summary>Feeds one byte received on <paramref name="link"/>; when it completes a frame, the reply is sent through the sink.</summary>
        public void Receive(TokenLink link, byte b, IFrameSink sink)
        {
            if (link == null) return;
            int result = link.Decoder.Push(b);
            if (result == FrameDecoder.NeedMore) return;
            _link = link;
            try
            {
                if (result == FrameDecoder.FrameRejected)
                {
                    int error = link.Decoder.LastError;
                    SendError(sink, link.Decoder.LastRejectedSequence, error, FrameRejection(error));
                }
                else
                {
                    HandleFrame(link.Decoder.LastFrame, sink);
                }
            }
            catch (System.Exception)
            {
                SendErrorQuietly(sink, 0, ErrorCode.Internal, "internal error");
            }
        }

        private void HandleFrame(Frame frame, IFrameSink sink)
        {
            byte type = frame.Type;
            if (type < MessageType.Info || type > MessageType.Batch)
            {
                SendError(sink, frame.Sequence, ErrorCode.UnknownCommand, "unknown command 0x" + type.ToString("X2"));
                return;
            }

            MessageAssembler assembler = _link.Assembler;
            // A host opening its session starts afresh, whatever the wire held before.
            if (type == MessageType.OpenSession) assembler.Reset();
            if (!assembler.InProgress)
            {
                // Refuse before collecting a long message the token would refuse anyway.
                int refusal = EarlyRefusal(type);
                if (refusal != 0)
                {
                    SendError(sink, frame.Sequence, refusal, RefusalReason(refusal));
                    return;
                }
            }

            int limit = type == MessageType.Sign ? MessageAssembler.MaxRequestLength : Frame.MaxPayload;
            int added = assembler.Add(frame, limit);
            if (added == MessageAssembler.Rejected)
            {
                SendError(sink, frame.Sequence, assembler.LastError, assembler.LastReason);
            }
            else if (added == MessageAssembler.Accepted)
            {
                Send(sink, new Frame(MessageType.Continue, 0, frame.Sequence, null));
            }
            else
            {
                Dispatch(assembler.Type, assembler.Sequence, assembler.Message, sink);
            }
        }

        private void Dispatch(byte type, byte sequence, byte[] request, IFrameSink sink)
        {
            byte[] reply;
            try
            {
                switch (type)
                {
                    case MessageType.Info: reply = HandleInfo(request); break;
                    case MessageType.GenerateKey: reply = HandleGenerateKey(request, sequence, sink); break;
                    case MessageType.PublicKey: reply = HandlePublicKey(request); break;
                    case MessageType.Sign: reply = HandleSign(request, sequence, sink); break;
                    case MessageType.Log: reply = HandleLog(request); break;
                    case MessageType.Pin: reply = HandlePin(request); break;
                    case MessageType.Attest: reply = HandleAttest(request); break;
                    case MessageType.Config: reply = HandleConfig(request, sequence, sink); break;
                    case MessageType.Reset: reply = HandleReset(request, sequence, sink); break;
                    case MessageType.Provision: reply = HandleProvision(request, sequence, sink); break;
                    case MessageType.OpenSession: reply = HandleOpenSession(request); break;
                    case MessageType.Batch: reply = HandleBatch(request, sequence, sink); break;
                    default: throw new ProtocolException(ErrorCode.UnknownCommand, "unknown command 0x" + type.ToString("X2"));
                }
            }
            catch (ProtocolException e)
            {
                EndBatchOnFailedSign(type);
                SendError(sink, sequence, e.Code, e.Message);
                return;
            }
            catch (System.Exception)
            {
                EndBatchOnFailedSign(type);
                SendError(sink, sequence, ErrorCode.Internal, "internal error");
                return;
            }
            Frame[] frames = MessageChunker.Split((byte)(type | MessageType.ReplyBit), sequence, reply);
            for (int i = 0; i < frames.Length; i++) Send(sink, frames[i]);
            ShowLed(false);
        }

        private byte[] HandleInfo(byte[] request)
        {
            ExpectEmpty(request, "INFO");
            InfoReply info = new InfoReply();
            info.ProtocolVersion = ProtocolVersion;
            info.HasKey = KeyPresent();
            info.KeyProtection = _hardware.Key.Protection;
            info.SecureElementPresent = _secureElement != null || _hardware.Key.Protection == KeyProtection.SecureElement;
            info.SecureElementProvisioned = SecureElementProvisioned();
            info.Counter = _counter.Value;
            info.LogFirstIndex = _log.FirstIndex;
            info.LogCount = _log.Count;
            info.PinSet = _pin.IsSet;
            info.PinVerified = PinVerifiedHere();
            info.Locked = _pin.Locked;
            info.PinTriesLeft = _pin.TriesLeft;
            info.SessionOpen = SessionActive();
            if (info.SessionOpen)
            {
                info.SessionSignaturesLeft = _link.SigningBatch || _config.SessionSignatures > 0 ? _link.SigningSignaturesLeft : 0;
                info.SessionSecondsLeft = _link.SigningBatch || _config.SessionMinutes > 0 ? (_link.SigningEndsMs - _hardware.Clock.UptimeMs() + 999) / 1000 : 0;
            }
            info.FirmwareVersion = _hardware.FirmwareVersion;
            info.Board = _hardware.Board;
            info.Serial = _hardware.Serial;
            return info.Encode();
        }

        private byte[] HandleGenerateKey(byte[] request, byte sequence, IFrameSink sink)
        {
            // Protocol 2: 32 bytes from the host's CSPRNG, mixed into the token's own randomness; protocol 1: none.
            if (request.Length != 0 && request.Length != Crypto.HostMixedEntropy.HostEntropyLength)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "GENERATE_KEY takes 0 or 32 bytes of host entropy, got " + request.Length.ToString());
            }
            RequireUnlocked();
            RequirePinVerified();
            if (KeyPresent()) throw new ProtocolException(ErrorCode.WrongState, "a key exists; RESET the token to replace it");
            if (_secureElement != null && !SecureElementProvisioned())
            {
                throw new ProtocolException(ErrorCode.WrongState, "the secure element is not provisioned; run PROVISION first");
            }
            AwaitPress(sequence, sink);
            _hardware.Led.Show(LedState.Signing);
            IEntropyKey drawsEntropy = _hardware.Key as IEntropyKey;
            Crypto.HostMixedEntropy mixed = request.Length != 0 && drawsEntropy != null ? new Crypto.HostMixedEntropy(_hardware.Entropy, request) : null;
            try
            {
                if (mixed != null) drawsEntropy.Generate(mixed);
                else _hardware.Key.Generate();
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "key generation failed");
            }
            finally
            {
                if (mixed != null) mixed.Clear();
            }
            return PublicKeyBytes();
        }

        private byte[] HandlePublicKey(byte[] request)
        {
            ExpectEmpty(request, "PUBLIC_KEY");
            RequireUnlocked();
            if (!KeyPresent()) throw new ProtocolException(ErrorCode.NoKey, "no signing key; run GENERATE_KEY");
            return PublicKeyBytes();
        }

        /// <summary>How long a press for an identity signature also covers its claim's SIGN.</summary>
        private const long PressCarryMs = 60000;

        private byte[] HandleSign(byte[] request, byte sequence, IFrameSink sink)
        {
            RequireUnlocked();
            if (!KeyPresent()) throw new ProtocolException(ErrorCode.NoKey, "no signing key; run GENERATE_KEY");
            RequirePinVerified();
            SignRequest sign = SignRequest.Decode(request);
            byte[] toBeSigned = sign.ToBeSigned;
            if (toBeSigned.Length == 0) throw new ProtocolException(ErrorCode.BadPayload, "to-be-signed bytes are empty");

            // Checked before the press: a host that lies about the counter gets nothing, not even a wait.
            long next = NextCounter();
            CheckBinding(sign, next);

            byte[] digest = Digest(sign);
            // A press carried over from an identity signature covers this one SIGN only, and only a bound claim.
            bool carried = _link.PressCarried && sign.Bound && _hardware.Clock.UptimeMs() <= _link.PressCarriedUntilMs;
            _link.PressCarried = false;
            if (!carried && !SessionActive())
            {
                CloseSession();
                AwaitPress(sequence, sink);
                if (_config.SessionsEnabled) OpenSession();
            }
            _hardware.Led.Show(LedState.Signing);

            // Reserve the counter durably before the signature exists: a value that ever leaves the token is on
            // flash first, so a power cut at any later step can never make the token hand it out again. With a
            // secure element the value is at least the one the chip's own counter will show after this signature.
            long counter = _counter.ReserveAtLeast(ChipCounter() + 1);
            if (sign.Bound && counter != next)
            {
                // Unreachable while one request is served at a time; the value is burnt, never reused.
                throw new ProtocolException(ErrorCode.BindingRefused, "the counter moved to " + counter.ToString() + " while waiting; sign again");
            }
            byte[] signature;
            try
            {
                signature = _hardware.Key.SignDigest(digest);
            }
            catch (System.Exception)
            {
                _chipCounter = Unknown;
                throw new ProtocolException(ErrorCode.HardwareError, "signing failed");
            }
            if (signature == null || signature.Length != 64) throw new ProtocolException(ErrorCode.HardwareError, "key returned a malformed signature");
            if (_secureElement != null)
            {
                // The chip's counter is the hardware's word on how often the key signed; the token's never lags it.
                // A bound signature already names its counter, so it keeps it and the next one starts above the chip.
                _chipCounter = Unknown;
                long chip = ChipCounter();
                if (chip > counter)
                {
                    if (sign.Bound) _counter.RaiseTo(chip);
                    else counter = _counter.ReserveAtLeast(chip);
                }
            }

            // The log entry is stored before the signature is released, so every released signature is logged.
            LogEntry entry = _log.Append(counter, _hardware.Clock.UnixSeconds(), digest);
            if (!carried) ConsumeSession();
            if (sign.PairedWithNext)
            {
                _link.PressCarried = true;
                _link.PressCarriedUntilMs = _hardware.Clock.UptimeMs() + PressCarryMs;
            }

            SignReply reply = new SignReply();
            reply.Signature = signature;
            reply.Counter = counter;
            reply.EntryHash = entry.Hash;
            reply.Time = entry.Time;
            reply.PreviousHash = entry.PreviousHash;
            return reply.Encode();
        }

        /// <summary>
        /// SHA-256 of the to-be-signed bytes: of all of them, or (revision 3) continued from the host's midstate over
        /// the tail the token has checked. Either way it is the digest of the whole message that the signature and the
        /// log entry cover.
        /// </summary>
        private static byte[] Digest(SignRequest sign)
        {
            if (!sign.Hashed) return Crypto.Sha256.Hash(sign.ToBeSigned);
            Crypto.Sha256 sha = Crypto.Sha256.FromMidstate(sign.Midstate, sign.PrefixLength);
            sha.Update(sign.ToBeSigned, 0, sign.ToBeSigned.Length);
            return sha.Final();
        }

        /// <summary>The counter value the next SIGN will use: one above the token's, and above the chip's.</summary>
        private long NextCounter()
        {
            long next = _counter.Value + 1;
            long chip = ChipCounter();
            if (chip + 1 > next) next = chip + 1;
            return next;
        }

        /// <summary>
        /// Protocol 2 counter binding (PROTOCOL.md, "SIGN"): the field name may appear only once, and only where the
        /// host says, followed by this token's serial and <paramref name="counter"/>. Bytes naming the field without
        /// a binding are refused too, or a host could dodge the check by not asking for it.
        /// </summary>
        private void CheckBinding(SignRequest sign, long counter)
        {
            byte[] toBeSigned = sign.ToBeSigned;
            int names = CounterBinding.CountOccurrences(toBeSigned, 0, CounterBinding.FieldNameBytes());
            if (sign.Hashed && !sign.Bound)
            {
                // The token cannot see the hashed prefix, so it cannot tell that it names no counter: revision 3 is
                // for bound claims only (an unbound message goes whole, as protocol 2).
                throw new ProtocolException(ErrorCode.BindingRefused, "a SIGN with a hashed prefix must name the counter binding in its tail");
            }
            if (!sign.Bound)
            {
                if (names == 0) return;
                throw new ProtocolException(ErrorCode.BindingRefused, "the bytes name a token counter but the request gives no binding offset");
            }
            if (names != 1)
            {
                throw new ProtocolException(ErrorCode.BindingRefused, "the counter field appears " + names.ToString() + " times; it must appear exactly once");
            }
            byte[] expected = CounterBinding.Encode(_hardware.Serial, counter);
            if (!CounterBinding.MatchesAt(toBeSigned, sign.BindingOffset, expected))
            {
                throw new ProtocolException(ErrorCode.BindingRefused, "the bytes at offset " + sign.BindingOffset.ToString()
                    + " do not name serial " + _hardware.Serial + " and counter " + counter.ToString() + ", the value this signature uses");
            }
        }

        private byte[] HandleLog(byte[] request)
        {
            RequireUnlocked();
            LogRequest query = LogRequest.Decode(request);
            long start = query.StartIndex < _log.FirstIndex ? _log.FirstIndex : query.StartIndex;
            LogEntry[] found = new LogEntry[query.Count];
            int count = 0;
            for (long index = start; count < query.Count && index < _log.NextIndex; index++)
            {
                LogEntry entry = _log.Read(index);
                if (entry == null) throw new ProtocolException(ErrorCode.HardwareError, "log entry " + index.ToString() + " unreadable");
                found[count++] = entry;
            }
            LogReply reply = new LogReply();
            reply.LogFirstIndex = _log.FirstIndex;
            reply.LogCount = _log.Count;
            reply.StartIndex = start;
            reply.Entries = new LogEntry[count];
            System.Array.Copy(found, reply.Entries, count);
            return reply.Encode();
        }

        private byte[] HandlePin(byte[] request)
        {
            RequireUnlocked();
            PinRequest pin = PinRequest.Decode(request);
            if (pin.SubCommand == PinRequest.Set)
            {
                if (_pin.IsSet) throw new ProtocolException(ErrorCode.WrongState, "a PIN is set; use CHANGE");
                _pin.SetPin(pin.Pin);
                PinChanged();
            }
            else if (pin.SubCommand == PinRequest.Verify || pin.SubCommand == PinRequest.Change)
            {
                if (!_pin.IsSet) throw new ProtocolException(ErrorCode.WrongState, "no PIN is set");
                CheckPin(pin.Pin);
                if (pin.SubCommand == PinRequest.Change)
                {
                    _pin.SetPin(pin.NewPin);
                    PinChanged();
                }
                else
                {
                    MarkPinVerified();
                }
            }
            PinReply reply = new PinReply();
            reply.PinSet = _pin.IsSet;
            reply.Verified = PinVerifiedHere();
            reply.TriesLeft = _pin.TriesLeft;
            reply.Locked = _pin.Locked;
            return reply.Encode();
        }

        private byte[] HandleAttest(byte[] request)
        {
            // Empty, or a 20-byte challenge for the chip's attestation of the key (PROTOCOL.md, ATTEST).
            if (request.Length != 0 && request.Length != 20)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "ATTEST: challenge at offset 0 is " + request.Length.ToString() + " bytes, expected 0 or 20");
            }
            RequireUnlocked();
            ITokenKey key = _hardware.Key;
            AttestReply reply = new AttestReply();
            reply.KeyProtection = key.Protection;
            reply.Serial = _hardware.Serial;
            reply.PublicKey = KeyPresent() ? PublicKeyBytes() : new byte[0];
            IKeyAttestation attestation = key as IKeyAttestation;
            if (attestation != null)
            {
                try
                {
                    reply.Description = attestation.Describe();
                    reply.CertificateChain = attestation.GetCertificateChain();
                    IChipAttestation chip = key as IChipAttestation;
                    if (chip != null && request.Length == 20 && KeyPresent())
                    {
                        reply.Attestation = chip.Attest(request);
                    }
                }
                catch (System.Exception e)
                {
                    throw new ProtocolException(ErrorCode.HardwareError, "attestation unavailable: " + e.Message);
                }
                if (reply.CertificateChain != null && reply.CertificateChain.Length > MessageAssembler.MaxReplyLength - 512)
                {
                    throw new ProtocolException(ErrorCode.HardwareError, "certificate chain too long");
                }
            }
            else if (key.Protection == KeyProtection.Software)
            {
                reply.Description = "software key in the token's flash, not hardware-protected (development mode)";
            }
            else
            {
                reply.Description = "key without declared protection";
            }
            if (reply.CertificateChain == null) reply.CertificateChain = new byte[0];
            return reply.Encode();
        }

        private byte[] HandleConfig(byte[] request, byte sequence, IFrameSink sink)
        {
            RequireUnlocked();
            if (request.Length != 0)
            {
                ConfigPayload requested = ConfigPayload.Decode(request);
                RequirePinVerified();
                // Widening the session lets one press authorise many signatures, so the owner confirms it.
                AwaitPress(sequence, sink);
                _configRecord.Write(requested.Encode());
                _config = requested;
                // Sessions opened under the old configuration end, on every link.
                _signingGeneration++;
            }
            return _config.Encode();
        }

        private byte[] HandleReset(byte[] request, byte sequence, IFrameSink sink)
        {
            ExpectEmpty(request, "RESET");
            AwaitPress(sequence, sink);
            _hardware.Led.Show(LedState.Signing);
            EndAllGrants();
            // Key first: if power fails part-way, the secret is already gone and RESET can simply be repeated.
            // An unprovisioned secure element holds no key (and cannot make one to overwrite it with).
            try
            {
                if (_secureElement == null || SecureElementProvisioned()) _hardware.Key.Destroy();
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "key destruction failed");
            }
            _pin.Clear();
            _log.Clear();
            ConfigPayload defaults = new ConfigPayload();
            _configRecord.Write(defaults.Encode());
            _config = defaults;
            // The counter is deliberately kept: a value released before RESET must never come back.
            return new byte[0];
        }

        private byte[] HandleProvision(byte[] request, byte sequence, IFrameSink sink)
        {
            ExpectEmpty(request, "PROVISION");
            RequireUnlocked();
            RequirePinVerified();
            if (_secureElement == null) throw new ProtocolException(ErrorCode.WrongState, "this token has no secure element");
            if (SecureElementProvisioned()) throw new ProtocolException(ErrorCode.WrongState, "the secure element is already provisioned");
            // Locking the chip cannot be undone, so the owner confirms it on the token itself.
            AwaitPress(sequence, sink);
            _hardware.Led.Show(LedState.Signing);
            ProvisionReply reply = new ProvisionReply();
            try
            {
                _secureElement.Provision();
                reply.Serial = _secureElement.ReadSerialNumberHex();
                reply.ConfigLocked = _secureElement.IsConfigLocked();
                reply.DataLocked = _secureElement.IsDataLocked();
            }
            catch (System.Exception e)
            {
                _provisioned = Unknown;
                throw new ProtocolException(ErrorCode.HardwareError, "provisioning failed: " + e.Message);
            }
            _provisioned = Unknown;
            RaiseToChipCounter();
            return reply.Encode();
        }

        private bool SecureElementProvisioned()
        {
            if (_secureElement == null) return false;
            if (_provisioned == Unknown)
            {
                try
                {
                    // Locks are permanent, so the answer is kept until PROVISION changes it.
                    _provisioned = _secureElement.IsProvisioned() ? 1 : 0;
                }
                catch (System.Exception)
                {
                    throw new ProtocolException(ErrorCode.HardwareError, "secure element unavailable");
                }
            }
            return _provisioned == 1;
        }

        /// <summary>The chip's signature counter (read when not known), or -1 without a secure element.</summary>
        private long ChipCounter()
        {
            if (_secureElement == null) return Unknown;
            if (_chipCounter == Unknown)
            {
                try
                {
                    _chipCounter = _secureElement.ReadSignatureCounter();
                }
                catch (System.Exception)
                {
                    throw new ProtocolException(ErrorCode.HardwareError, "secure element counter unavailable");
                }
            }
            return _chipCounter;
        }

        private void RaiseToChipCounter()
        {
            try
            {
                long chip = ChipCounter();
                if (chip > 0) _counter.RaiseTo(chip);
            }
            catch (ProtocolException)
            {
                // An unreachable chip at start-up is reported by the first command that needs it; SIGN reads the
                // counter again before it reserves a value.
            }
        }

        private void CheckPin(byte[] pin)
        {
            if (_pin.Verify(pin)) return;
            _link.PinVerified = false;
            if (_pin.Locked)
            {
                EndAllGrants();
                throw new ProtocolException(ErrorCode.Locked, "8 wrong PINs: token locked until RESET");
            }
            throw new ProtocolException(ErrorCode.WrongPin, "wrong PIN, " + _pin.TriesLeft.ToString() + " tries left");
        }

        private int EarlyRefusal(byte type)
        {
            if (type == MessageType.Info || type == MessageType.OpenSession) return 0;
            if (!_link.SessionOpen) return ErrorCode.SessionRequired;
            if (type == MessageType.Reset) return 0;
            if (_pin.Locked) return ErrorCode.Locked;
            if (type == MessageType.Sign || type == MessageType.Batch)
            {
                if (!KeyPresent()) return ErrorCode.NoKey;
                if (_pin.IsSet && !PinVerifiedHere()) return ErrorCode.PinRequired;
            }
            return 0;
        }

        private static string RefusalReason(int code)
        {
            if (code == ErrorCode.Locked) return "token locked after 8 wrong PINs; only INFO and RESET are accepted";
            if (code == ErrorCode.NoKey) return "no signing key; run GENERATE_KEY";
            if (code == ErrorCode.SessionRequired) return "no host session on this connection: send OPEN_SESSION first (a host older than protocol revision 2: update it)";
            return "PIN not verified in this host session";
        }

        private byte[] HandleOpenSession(byte[] request)
        {
            ExpectEmpty(request, "OPEN_SESSION");
            // Whatever the previous host on this wire was granted ends here: the new host starts locked.
            _link.EndSession();
            _link.SessionOpen = true;
            _link.SessionId = ++_sessionsOpened;
            long id = _link.SessionId;
            return new byte[] { (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id };
        }

        private bool PinVerifiedHere()
        {
            return _link.SessionOpen && _link.PinVerified && _link.PinGeneration == _pinGeneration;
        }

        private void MarkPinVerified()
        {
            _link.PinVerified = true;
            _link.PinGeneration = _pinGeneration;
        }

        /// <summary>A new PIN: verifications made with the old one, in any host session, no longer count.</summary>
        private void PinChanged()
        {
            _pinGeneration++;
            MarkPinVerified();
        }

        /// <summary>RESET or a lockout: every host session loses its PIN verification and its signing session.</summary>
        private void EndAllGrants()
        {
            _pinGeneration++;
            _signingGeneration++;
            _link.PinVerified = false;
            CloseSession();
        }

        private static string FrameRejection(int error)
        {
            switch (error)
            {
                case ErrorCode.BadCrc: return "bad CRC";
                case ErrorCode.FrameTooLong: return "frame longer than 250 encoded bytes";
                case ErrorCode.UnsupportedVersion: return "unsupported protocol version";
                default: return "malformed frame";
            }
        }

        private void RequireUnlocked()
        {
            if (_pin.Locked) throw new ProtocolException(ErrorCode.Locked, RefusalReason(ErrorCode.Locked));
        }

        private void RequirePinVerified()
        {
            if (_pin.IsSet && !PinVerifiedHere()) throw new ProtocolException(ErrorCode.PinRequired, RefusalReason(ErrorCode.PinRequired));
        }

        private static void ExpectEmpty(byte[] request, string command)
        {
            if (request.Length != 0)
            {
                throw new ProtocolException(ErrorCode.BadPayload, command + " takes no payload, got " + request.Length.ToString() + " bytes");
            }
        }

        private bool KeyPresent()
        {
            try
            {
                return _hardware.Key.HasKey;
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "key slot unavailable");
            }
        }

        private byte[] PublicKeyBytes()
        {
            byte[] publicKey;
            try
            {
                publicKey = _hardware.Key.GetPublicKey();
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "public key unavailable");
            }
            if (publicKey == null || publicKey.Length != 65 || publicKey[0] != 0x04)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "key returned a malformed public key");
            }
            return publicKey;
        }

        private void AwaitPress(byte sequence, IFrameSink sink)
        {
            int seconds = _config.PressTimeoutSeconds;
            // Payload: the timeout in seconds (2 bytes), so the host can show a countdown.
            Send(sink, new Frame(MessageType.WaitingForPress, 0, sequence, new byte[] { (byte)(seconds >> 8), (byte)seconds }));
            _hardware.Led.Show(LedState.WaitingForPress);
            bool pressed;
            try
            {
                pressed = _hardware.Button.WaitForPress(seconds * 1000);
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "button unavailable");
            }
            if (!pressed) throw new ProtocolException(ErrorCode.PressTimeout, "no button press within " + seconds.ToString() + " s");
        }

        /// <summary>True when the host session of the current link holds an open signing session.</summary>
        private bool SessionActive()
        {
            TokenLink link = _link;
            if (!link.SessionOpen || !link.SigningOpen || link.SigningGeneration != _signingGeneration) return false;
            if (link.SigningBatch)
            {
                // A batch is exactly N signatures within its window, whatever CONFIG says.
                return link.SigningSignaturesLeft > 0 && _hardware.Clock.UptimeMs() < link.SigningEndsMs;
            }
            if (_config.SessionSignatures > 0 && link.SigningSignaturesLeft <= 0) return false;
            if (_config.SessionMinutes > 0 && _hardware.Clock.UptimeMs() >= link.SigningEndsMs) return false;
            return true;
        }

        /// <summary>
        /// BATCH (PROTOCOL.md, revision 3): after a press, this host session may make exactly N signatures within S
        /// seconds without another press. Replaces any signing session it held (the press confirms the new one).
        /// </summary>
        private byte[] HandleBatch(byte[] request, byte sequence, IFrameSink sink)
        {
            BatchPayload batch = BatchPayload.Decode(request);
            RequireUnlocked();
            if (!KeyPresent()) throw new ProtocolException(ErrorCode.NoKey, "no signing key; run GENERATE_KEY");
            RequirePinVerified();
            // The old session ends before the wait: a press that times out leaves nothing authorised.
            CloseSession();
            AwaitPress(sequence, sink);
            _link.SigningOpen = true;
            _link.SigningBatch = true;
            _link.SigningGeneration = _signingGeneration;
            _link.SigningSignaturesLeft = batch.Signatures;
            _link.SigningEndsMs = _hardware.Clock.UptimeMs() + (long)batch.Seconds * 1000;
            BatchPayload granted = new BatchPayload();
            granted.Signatures = batch.Signatures;
            granted.Seconds = batch.Seconds;
            return granted.Encode();
        }

        /// <summary>A SIGN that failed ends a batch: the artist confirmed a batch that signs, not one that retries.</summary>
        private void EndBatchOnFailedSign(byte type)
        {
            if (type == MessageType.Sign && _link.SigningBatch) CloseSession();
        }

        private void OpenSession()
        {
            _link.SigningOpen = true;
            _link.SigningBatch = false;
            _link.SigningGeneration = _signingGeneration;
            _link.SigningSignaturesLeft = _config.SessionSignatures;
            _link.SigningEndsMs = _hardware.Clock.UptimeMs() + (long)_config.SessionMinutes * 60000;
        }

        private void ConsumeSession()
        {
            if (!_link.SigningOpen) return;
            if (_link.SigningBatch || _config.SessionSignatures > 0)
            {
                _link.SigningSignaturesLeft--;
                if (_link.SigningSignaturesLeft <= 0) CloseSession();
            }
        }

        private void CloseSession()
        {
            _link.SigningOpen = false;
            _link.SigningBatch = false;
            _link.SigningSignaturesLeft = 0;
        }

        private ConfigPayload LoadConfig()
        {
            byte[] stored = _configRecord.Read();
            if (stored != null)
            {
                try
                {
                    return ConfigPayload.Decode(stored);
                }
                catch (ProtocolException)
                {
                    // An unreadable configuration falls back to the safe default: a press per signature.
                }
            }
            return new ConfigPayload();
        }

        private void SendError(IFrameSink sink, byte sequence, int code, string reason)
        {
            Send(sink, new Frame(MessageType.Error, 0, sequence, ErrorReply.Encode(code, reason)));
            ShowLed(true);
        }

        private void SendErrorQuietly(IFrameSink sink, byte sequence, int code, string reason)
        {
            try
            {
                SendError(sink, sequence, code, reason);
            }
            catch (System.Exception)
            {
                // The transport itself failed; there is nobody left to tell.
            }
        }

        private static void Send(IFrameSink sink, Frame frame)
        {
            if (sink != null) sink.Send(frame.Encode());
        }

        private void ShowLed(bool error)
        {
            try
            {
                int state = _pin.Locked ? LedState.Locked : error ? LedState.Error : SessionActive() ? LedState.SessionOpen : LedState.Idle;
                _hardware.Led.Show(state);
            }
            catch (System.Exception)
            {
                // A broken LED must not stop the token from answering.
            }
        }
    }
}
