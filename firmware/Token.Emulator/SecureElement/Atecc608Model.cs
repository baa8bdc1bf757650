using System;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProvenanceDevice.Token.Hal;

using static ProvenanceDevice.Token.Emulator.SecureElement.Atecc608Datasheet;

namespace ProvenanceDevice.Token.Emulator.SecureElement;

/// <summary>
/// A behavioural model of the ATECC608B as seen on its I2C address: asleep until a wake pulse, then
/// answering command packets the way the chip does (count and CRC checked, status packets for every
/// refusal, correct CRCs on every answer, polling NACKs while a command "executes", the 1.3 s watchdog).
/// Keys are real P-256 keys (System.Security.Cryptography) held in the data slots, which no command
/// reads out once the slot is secret and the data zone locked. Time passes only through
/// <see cref="DelayMs"/>, so tests run instantly. With a state folder, the chip's non-volatile memory
/// (config, slots, OTP, counters) survives across runs, as on the real part; note that there it is a
/// plain file, so this model protects nothing and is for development and tests only.
/// </summary>
public sealed partial class Atecc608Model : II2cBus
{
    /// <summary>Watchdog period after a wake (ChipMode bit 2 = 0).</summary>
    public const int WatchdogMs = 1300;

    /// <summary>Wake pulse: SDA low t_WLO, then t_WHI until the chip answers (data sheet, I/O conditions).</summary>
    public const int WakeLowUs = 60;
    public const int WakeHighUs = 1500;

    /// <summary>Largest value a monotonic counter reaches.</summary>
    public const int CounterMax = 2097151;

    /// <summary>Info revision: ATECC608B.</summary>
    public static readonly byte[] Revision = { 0x00, 0x00, 0x60, 0x03 };

    private const string StateFileName = "atecc608b.json";
    private const int MaxCountByte = Atecc608Datasheet.MaxCommandCount;

    private readonly object _sync = new();
    private readonly string? _stateFolder;
    private readonly byte[] _config;
    private readonly byte[][] _slots;
    private readonly byte[] _otp;
    private readonly int[] _counters;

    private PowerState _power = PowerState.Sleep;
    private long _nowUs;
    private long _wakeAtUs;
    private long _readyAtUs;
    private byte[]? _output;
    private int _outputPosition;
    private byte[]? _tempKey;
    // TempKey's flags (datasheet, TempKey register): the slot GenKey/GenDig used, whether the value came in from outside
    // (pass-through) rather than from the RNG, and whether GenKey made it.
    private int _tempKeyKeyId;
    private bool _tempKeySourceInput;
    private bool _tempKeyGenKeyData;
    private byte[]? _messageDigestBuffer;
    private IncrementalHash? _sha;

    private bool _corruptNextResponseCrc;
    private bool _ignoreNextWake;
    private bool _selfTestFails;
    private readonly System.Collections.Generic.Dictionary<int, int> _executionMsOverrides = new();
    private int _busyReads;
    private bool _outputIsCommandResponse;

    private Atecc608Model(string? stateFolder, byte[] config, byte[][] slots, byte[] otp, int[] counters)
    {
        _stateFolder = stateFolder;
        _config = config;
        _slots = slots;
        _otp = otp;
        _counters = counters;
    }

    private enum PowerState
    {
        Sleep,
        Idle,
        Active,
    }

    /// <summary>A factory-fresh chip (unlocked zones, random serial number) kept in memory only.</summary>
    public static Atecc608Model CreateFactoryNew()
    {
        return CreateFactoryNew(null);
    }

    /// <summary>
    /// Opens the chip whose state is saved in <paramref name="stateFolder"/>, or makes a factory-fresh
    /// one there; every change of non-volatile state is saved (atomically) before the chip answers.
    /// </summary>
    public static Atecc608Model OpenOrCreate(string stateFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateFolder);
        Directory.CreateDirectory(stateFolder);
        string path = Path.Combine(stateFolder, StateFileName);
        if (!File.Exists(path))
        {
            Atecc608Model fresh = CreateFactoryNew(stateFolder);
            fresh.Save();
            return fresh;
        }
        return Load(stateFolder, path);
    }

    /// <summary>
    /// A chip as its maker ships a pre-provisioned part (Trust&amp;GO-like): <paramref name="config"/> (128 bytes, serial
    /// number included) and <paramref name="slots"/> (each slot's full contents; a private key slot holds 4 zero bytes then
    /// the 32-byte scalar, as the model keeps them) are taken as they are, and both zones are locked. Kept in memory only.
    /// </summary>
    public static Atecc608Model CreateLocked(byte[] config, byte[][] slots)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(slots);
        if (config.Length != Atecc608Datasheet.ConfigSize) throw new ArgumentException("config zone is 128 bytes", nameof(config));
        if (slots.Length != Atecc608Datasheet.SlotCount) throw new ArgumentException("16 slots", nameof(slots));
        byte[] zone = (byte[])config.Clone();
        Array.Copy(Revision, 0, zone, Config.RevNum, 4);
        zone[Config.LockConfig] = 0x00;
        zone[Config.LockValue] = 0x00;
        byte[][] contents = new byte[Atecc608Datasheet.SlotCount][];
        for (int slot = 0; slot < contents.Length; slot++)
        {
            contents[slot] = new byte[Atecc608Datasheet.SlotSize(slot)];
            if (slots[slot] != null)
            {
                if (slots[slot].Length > contents[slot].Length) throw new ArgumentException("slot " + slot + " holds at most " + contents[slot].Length + " bytes", nameof(slots));
                Array.Copy(slots[slot], contents[slot], slots[slot].Length);
            }
        }
        byte[] otp = new byte[Atecc608Datasheet.OtpSize];
        return new Atecc608Model(null, zone, contents, otp, new int[2]);
    }

    /// <summary>Number of wake pulses seen (including ignored ones).</summary>
    public int WakePulses { get; private set; }

    /// <summary>Number of command packets the chip accepted and executed.</summary>
    public int CommandsExecuted { get; private set; }

    /// <summary>Model time in milliseconds: the sum of all <see cref="DelayMs"/> calls.</summary>
    public long NowMs => _nowUs / 1000;

    /// <summary>Model time in microseconds: delays, wake pulses and I2C transfers at <see cref="I2cClockKhz"/>.</summary>
    public long NowUs => _nowUs;

    /// <summary>
    /// The I2C clock the model charges transfers at (100 kHz by default, the standard-mode clock CryptoAuthLib wakes the
    /// chip with): 9 bits per byte, address byte included, so a 71-byte SHA update costs 6.5 ms of the watchdog's 1.3 s.
    /// </summary>
    public int I2cClockKhz { get; set; } = 100;

    /// <summary>Every command packet the chip took in (count and CRC correct), in order, with the status it answered.</summary>
    public System.Collections.Generic.List<ReceivedCommand> Received { get; } = new();

    /// <summary>How often the watchdog put the chip to sleep (a driver that budgets its wake sessions keeps this at 0).</summary>
    public int WatchdogSleeps { get; private set; }

    /// <summary>How often the chip answered 0xEE because a command would have outlasted the watchdog.</summary>
    public int WatchdogRefusals { get; private set; }

    public bool IsAwake => _power == PowerState.Active;

    public bool IsConfigLocked => _config[Config.LockConfig] != Config.Unlocked;

    public bool IsDataLocked => _config[Config.LockValue] != Config.Unlocked;

    /// <summary>The 9-byte serial number SN[0:8].</summary>
    public byte[] SerialNumber
    {
        get
        {
            byte[] serial = new byte[9];
            Array.Copy(_config, 0, serial, 0, 4);
            Array.Copy(_config, 8, serial, 4, 5);
            return serial;
        }
    }

    /// <summary>A monotonic counter's value, as the chip holds it.</summary>
    public int CounterValue(int counterId) => _counters[counterId];

    /// <summary>Error injection: flips one bit of the CRC of the next command response.</summary>
    public void CorruptNextResponseCrc() => _corruptNextResponseCrc = true;

    /// <summary>
    /// Error injection: the power-on self test fails (ChipOptions POSTEnable, or a damaged part): every wake answers
    /// status 0x07 instead of 0x11, and every command answers the 0x07 status packet, until <see cref="RepairSelfTest"/>.
    /// </summary>
    public void FailSelfTest() => _selfTestFails = true;

    /// <summary>Ends <see cref="FailSelfTest"/>.</summary>
    public void RepairSelfTest() => _selfTestFails = false;

    /// <summary>
    /// Makes one opcode take <paramref name="ms"/> instead of the table's maximum, as a part faster than the table does
    /// (real parts usually are): the driver's watchdog budget must not rely on time spent polling.
    /// </summary>
    public void SetExecutionMs(int opcode, int ms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ms);
        _executionMsOverrides[opcode] = ms;
    }

    /// <summary>Error injection: the next wake pulse leaves the chip asleep (as a too-short pulse would).</summary>
    public void IgnoreNextWake() => _ignoreNextWake = true;

    /// <summary>Error injection: the next <paramref name="reads"/> polls for a command's answer are not acknowledged, as while busy.</summary>
    public void AnswerBusy(int reads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reads);
        _busyReads = reads;
    }

    /// <inheritdoc />
    public void Wake()
    {
        lock (_sync) WakeLocked();
    }

    /// <inheritdoc />
    public bool Write(byte[] data)
    {
        lock (_sync) return WriteLocked(data);
    }

    /// <inheritdoc />
    public bool Read(byte[] buffer)
    {
        lock (_sync) return ReadLocked(buffer);
    }

    /// <inheritdoc />
    public void DelayMs(int ms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ms);
        lock (_sync)
        {
            _nowUs += (long)ms * 1000;
            CheckWatchdog();
        }
    }

    private void WakeLocked()
    {
        // The wake pulse holds SDA low for t_WLO (60 us); the chip is ready t_WHI (1.5 ms) later, and its watchdog runs from the pulse.
        _nowUs += WakeLowUs;
        CheckWatchdog();
        WakePulses++;
        long pulseEndUs = _nowUs;
        _nowUs += WakeHighUs;
        if (_ignoreNextWake)
        {
            _ignoreNextWake = false;
            return;
        }
        if (_power == PowerState.Active)
        {
            CheckWatchdog();
            return;
        }
        if (_power == PowerState.Sleep) ClearVolatileState();
        _power = PowerState.Active;
        _wakeAtUs = pulseEndUs;
        _readyAtUs = _nowUs;
        _output = StatusPacket(_selfTestFails ? Status.SelfTestError : Status.AfterWake);
        _outputIsCommandResponse = false;
        _outputPosition = 0;
    }

    private bool WriteLocked(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckWatchdog();
        bool acknowledged = _power == PowerState.Active && _nowUs >= _readyAtUs && data.Length > 0;
        PassBusTime(acknowledged ? data.Length : 0);
        if (!acknowledged || _power != PowerState.Active) return false;
        switch (data[0])
        {
            case WordAddress.Reset:
                // Resets the I/O buffer's address counter: the next read starts at the count byte again.
                _outputPosition = 0;
                return true;
            case WordAddress.Sleep:
                _power = PowerState.Sleep;
                ClearVolatileState();
                return true;
            case WordAddress.Idle:
                _power = PowerState.Idle;
                return true;
            case Atecc608Datasheet.WordAddress.Command:
                ReceiveCommand(data);
                return true;
            default:
                return false;
        }
    }

    private bool ReadLocked(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckWatchdog();
        if (_power != PowerState.Active)
        {
            PassBusTime(0);
            return false;
        }
        if (_busyReads > 0 && _outputIsCommandResponse)
        {
            _busyReads--;
            PassBusTime(0);
            return false;
        }
        if (_nowUs < _readyAtUs || _output == null || _outputPosition + buffer.Length > _output.Length)
        {
            PassBusTime(0);
            return false;
        }
        PassBusTime(buffer.Length);
        if (_power != PowerState.Active) return false;
        Array.Copy(_output, _outputPosition, buffer, 0, buffer.Length);
        _outputPosition += buffer.Length;
        return true;
    }

    private static Atecc608Model CreateFactoryNew(string? stateFolder)
    {
        byte[] config = new byte[Atecc608Datasheet.ConfigSize];
        byte[] random = RandomNumberGenerator.GetBytes(6);
        config[0] = 0x01;
        config[1] = 0x23;
        config[2] = random[0];
        config[3] = random[1];
        Array.Copy(Revision, 0, config, Config.RevNum, 4);
        Array.Copy(random, 2, config, 8, 4);
        config[12] = 0xEE;
        config[13] = 0x01;  // AES enabled
        config[14] = 0x01;  // I2C interface
        config[Config.I2cAddress] = 0xC0;
        for (int slot = 0; slot < Atecc608Datasheet.SlotCount; slot++)
        {
            // Factory slots: plain data, always writable, lockable (KeyConfig 0x3C).
            config[Config.KeyConfig + (2 * slot)] = 0x3C;
        }
        for (int i = 0; i < 4; i++)
        {
            config[Config.Counter0 + i] = 0xFF;
            config[Config.Counter1 + i] = 0xFF;
        }
        config[Config.LockValue] = Config.Unlocked;
        config[Config.LockConfig] = Config.Unlocked;
        config[Config.SlotLocked] = 0xFF;
        config[Config.SlotLocked + 1] = 0xFF;

        byte[][] slots = new byte[Atecc608Datasheet.SlotCount][];
        for (int slot = 0; slot < slots.Length; slot++)
        {
            slots[slot] = new byte[Atecc608Datasheet.SlotSize(slot)];
            Array.Fill(slots[slot], (byte)0xFF);
        }
        byte[] otp = new byte[Atecc608Datasheet.OtpSize];
        Array.Fill(otp, (byte)0xFF);
        return new Atecc608Model(stateFolder, config, slots, otp, new int[2]);
    }

    private void CheckWatchdog()
    {
        if (_power == PowerState.Active && _nowUs - _wakeAtUs >= (long)WatchdogMs * 1000)
        {
            WatchdogSleeps++;
            _power = PowerState.Sleep;
            ClearVolatileState();
        }
    }

    /// <summary>
    /// The time an I2C transfer of <paramref name="dataBytes"/> bytes takes (start, address byte, data, each 9 bits with
    /// its acknowledge); the watchdog keeps running meanwhile. A NACKed transfer costs the address byte.
    /// </summary>
    private void PassBusTime(int dataBytes)
    {
        _nowUs += ((long)(dataBytes + 1) * 9 * 1000) / I2cClockKhz;
        CheckWatchdog();
    }

    private void ClearVolatileState()
    {
        _tempKey = null;
        _tempKeyGenKeyData = false;
        _messageDigestBuffer = null;
        _sha?.Dispose();
        _sha = null;
        _output = null;
        _outputPosition = 0;
    }

    private void ReceiveCommand(byte[] packet)
    {
        _outputPosition = 0;
        int count = packet.Length > 1 ? packet[1] : 0;
        // The chip reads exactly `count` bytes after the word address and checks their CRC; any
        // mismatch of length or CRC is reported as status 0xFF and nothing is executed.
        if (count < Atecc608Datasheet.CommandOverhead || count > MaxCountByte || packet.Length != count + 1
            || !CrcMatches(packet, 1, count - 2))
        {
            Answer(StatusPacket(Status.CommunicationError), 0);
            return;
        }
        int opcode = packet[2];
        int param1 = packet[3];
        int param2 = packet[4] | (packet[5] << 8);
        byte[] data = new byte[count - Atecc608Datasheet.CommandOverhead];
        Array.Copy(packet, 6, data, 0, data.Length);
        int executionMs = ExecutionMs(opcode);
        if (_nowUs + ((long)executionMs * 1000) >= _wakeAtUs + ((long)WatchdogMs * 1000))
        {
            WatchdogRefusals++;
            Answer(StatusPacket(Status.WatchdogAboutToExpire), 0);
            return;
        }
        byte[] response;
        if (_selfTestFails)
        {
            Received.Add(new ReceivedCommand(opcode, param1, param2, data.Length, Status.SelfTestError));
            Answer(StatusPacket(Status.SelfTestError), 0);
            return;
        }
        int status = Status.Success;
        try
        {
            response = DataPacket(Execute(opcode, param1, param2, data));
            CommandsExecuted++;
        }
        catch (ChipStatusException e)
        {
            status = e.Status;
            response = StatusPacket(e.Status);
        }
        Received.Add(new ReceivedCommand(opcode, param1, param2, data.Length, status));
        if (_corruptNextResponseCrc)
        {
            _corruptNextResponseCrc = false;
            response[^1] ^= 0x01;
        }
        Answer(response, executionMs);
    }

    private void Answer(byte[] packet, int executionMs)
    {
        _output = packet;
        _outputIsCommandResponse = true;
        _outputPosition = 0;
        _readyAtUs = _nowUs + ((long)executionMs * 1000);
    }

    private int ExecutionMs(int opcode) => _executionMsOverrides.TryGetValue(opcode, out int ms) ? ms : MaxExecutionMs(opcode);

    private static bool CrcMatches(byte[] data, int offset, int count)
    {
        ushort crc = Crc16(data, offset, count);
        return data[offset + count] == (byte)crc && data[offset + count + 1] == (byte)(crc >> 8);
    }

    private static void AppendCrc(byte[] data, int offset, int count)
    {
        ushort crc = Crc16(data, offset, count);
        data[offset + count] = (byte)crc;
        data[offset + count + 1] = (byte)(crc >> 8);
    }

    private static int UInt16At(byte[] data, int offset) => data[offset] | (data[offset + 1] << 8);

    private static byte[] StatusPacket(int status) => DataPacket(new[] { (byte)status });

    private static byte[] DataPacket(byte[] data)
    {
        byte[] packet = new byte[data.Length + 3];
        packet[0] = (byte)packet.Length;
        Array.Copy(data, 0, packet, 1, data.Length);
        AppendCrc(packet, 0, data.Length + 1);
        return packet;
    }

    private byte[] Execute(int opcode, int param1, int param2, byte[] data)
    {
        switch (opcode)
        {
            case Opcode.Info: return Info(param1, param2, data);
            case Opcode.Read: return ReadZone(param1, param2, data);
            case Opcode.Write: return WriteZone(param1, param2, data);
            case Opcode.Lock: return Lock(param1, param2, data);
            case Opcode.GenKey: return GenKey(param1, param2, data);
            case Opcode.Nonce: return Nonce(param1, param2, data);
            case Opcode.Sign: return Sign(param1, param2, data);
            case Opcode.Random: return RandomBytes(param1, param2, data);
            case Opcode.Counter: return Counter(param1, param2, data);
            case Opcode.Sha: return Sha(param1, param2, data);
            default: throw new ChipStatusException(Status.ParseError);
        }
    }

    private static readonly byte[] Ok = { 0x00 };

    private static void Require(bool condition, int status)
    {
        if (!condition) throw new ChipStatusException(status);
    }

    private byte[] Info(int mode, int param2, byte[] data)
    {
        // Only the revision mode is modelled; KeyValid, State and GPIO modes answer a parse error.
        Require(mode == Mode.InfoRevision && param2 == 0 && data.Length == 0, Status.ParseError);
        return (byte[])Revision.Clone();
    }

    private byte[] ReadZone(int param1, int address, byte[] data)
    {
        Require((param1 & 0x7C) == 0 && data.Length == 0, Status.ParseError);
        int zone = param1 & 0x03;
        int length = (param1 & Mode.ZoneBlock32) != 0 ? 32 : 4;
        byte[] source;
        int offset;
        switch (zone)
        {
            case Mode.ZoneConfig:
                source = _config;
                offset = ConfigOffset(address, length);
                break;
            case Mode.ZoneOtp:
                Require(IsDataLocked, Status.ExecutionError);
                source = _otp;
                offset = ConfigOffset(address, length);
                break;
            case Mode.ZoneData:
                int slot = (address >> 3) & 0x0F;
                source = _slots[slot];
                offset = DataOffset(address, length, source.Length);
                Require(IsDataLocked, Status.ExecutionError);
                int slotConfig = SlotConfig(slot);
                // Secret slots are never read in the clear; encrypted reads are not modelled.
                Require((slotConfig & (Config.IsSecret | Config.EncryptRead)) == 0, Status.ExecutionError);
                break;
            default:
                throw new ChipStatusException(Status.ParseError);
        }
        Require(offset + length <= source.Length, Status.ParseError);
        byte[] result = new byte[length];
        Array.Copy(source, offset, result, 0, length);
        return result;
    }

    private byte[] WriteZone(int param1, int address, byte[] data)
    {
        Require((param1 & 0x3C) == 0, Status.ParseError);
        // Encrypted writes (bit 6) need GenDig and a write MAC, which this model does not implement.
        Require((param1 & 0x40) == 0, Status.ExecutionError);
        int zone = param1 & 0x03;
        int length = (param1 & Mode.ZoneBlock32) != 0 ? 32 : 4;
        Require(data.Length == length, Status.ParseError);
        switch (zone)
        {
            case Mode.ZoneConfig:
            {
                int offset = ConfigOffset(address, length);
                Require(!IsConfigLocked, Status.ExecutionError);
                // Bytes 0-15 are read-only; 84-87 change only through UpdateExtra and Lock.
                Require(offset >= Config.FirstWritable, Status.ExecutionError);
                Require(offset + length <= Config.UserExtra || offset >= Config.SlotLocked, Status.ExecutionError);
                Array.Copy(data, 0, _config, offset, length);
                break;
            }
            case Mode.ZoneOtp:
            {
                int offset = ConfigOffset(address, length);
                Require(offset + length <= _otp.Length, Status.ParseError);
                Require(!IsDataLocked, Status.ExecutionError);
                Array.Copy(data, 0, _otp, offset, length);
                break;
            }
            case Mode.ZoneData:
            {
                int slot = (address >> 3) & 0x0F;
                int offset = DataOffset(address, length, _slots[slot].Length);
                Require(offset + length <= _slots[slot].Length, Status.ParseError);
                if (IsDataLocked)
                {
                    int writeConfig = (SlotConfig(slot) >> Config.WriteConfigShift) & 0x0F;
                    Require(length == 32 && writeConfig == Config.WriteConfigAlways && !IsSlotLocked(slot), Status.ExecutionError);
                }
                Array.Copy(data, 0, _slots[slot], offset, length);
                break;
            }
            default:
                throw new ChipStatusException(Status.ParseError);
        }
        Save();
        return Ok;
    }

    private byte[] Lock(int mode, int summaryCrc, byte[] data)
    {
        Require(data.Length == 0 && (mode & 0x7C) == 0, Status.ParseError);
        bool checkCrc = (mode & Mode.LockNoSummaryCrc) == 0;
        switch (mode & 0x03)
        {
            case Mode.ZoneConfig:
                Require(!IsConfigLocked, Status.ExecutionError);
                Require(!checkCrc || Atecc608Datasheet.Crc16(_config, 0, _config.Length) == summaryCrc, Status.ExecutionError);
                _config[Config.LockConfig] = 0x00;
                break;
            case 0x01:
                Require(IsConfigLocked && !IsDataLocked, Status.ExecutionError);
                Require(!checkCrc || DataZoneCrc() == summaryCrc, Status.ExecutionError);
                _config[Config.LockValue] = 0x00;
                break;
            default:
                // Single-slot locks are not modelled.
                throw new ChipStatusException(Status.ParseError);
        }
        Save();
        return Ok;
    }

    private byte[] GenKey(int mode, int slot, byte[] data)
    {
        Require(data.Length == 0 && slot < Atecc608Datasheet.SlotCount, Status.ParseError);
        Require(mode == Mode.GenKeyPrivate || mode == Mode.GenKeyPublic || mode == (Mode.GenKeyPublic | Mode.GenKeyDigest), Status.ParseError);
        Require(IsConfigLocked, Status.ExecutionError);
        int keyConfig = KeyConfig(slot);
        bool isP256Private = (keyConfig & Config.Private) != 0
            && ((keyConfig >> Config.KeyTypeShift) & 0x07) == Config.KeyTypeP256;
        Require(isP256Private, Status.ExecutionError);
        if (mode == Mode.GenKeyPrivate)
        {
            if (IsDataLocked)
            {
                int writeConfig = (SlotConfig(slot) >> Config.WriteConfigShift) & 0x0F;
                Require((writeConfig & 0x02) != 0 && !IsSlotLocked(slot), Status.ExecutionError);
            }
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            ECParameters parameters = key.ExportParameters(true);
            Array.Clear(_slots[slot], 0, 4);
            Array.Copy(parameters.D!, 0, _slots[slot], 4, 32);
            Save();
            return PublicKeyBytes(parameters);
        }
        Require((keyConfig & Config.PubInfo) != 0, Status.ExecutionError);
        // Digest mode needs a valid TempKey (a Nonce in this wake session) to fold into the digest.
        Require((mode & Mode.GenKeyDigest) == 0 || _tempKey != null, Status.ExecutionError);
        using ECDsa existing = LoadPrivateKey(slot);
        byte[] publicKey = PublicKeyBytes(existing.ExportParameters(false));
        if ((mode & Mode.GenKeyDigest) != 0)
        {
            // TempKey || opcode || mode || KeyID (LSB first) || SN[8] || SN[0:1] || 25 zeros || X || Y: 128 bytes.
            byte[] message = new byte[128];
            Array.Copy(_tempKey!, message, 32);
            message[32] = Opcode.GenKey;
            message[33] = (byte)mode;
            message[34] = (byte)slot;
            message[35] = (byte)(slot >> 8);
            message[36] = _config[12];
            message[37] = _config[0];
            message[38] = _config[1];
            Array.Copy(publicKey, 0, message, 64, 64);
            _tempKey = SHA256.HashData(message);
            _tempKeyKeyId = slot;
            _tempKeyGenKeyData = true;
        }
        return publicKey;
    }

    private byte[] Nonce(int mode, int param2, byte[] data)
    {
        Require(param2 == 0, Status.ParseError);
        if ((mode & 0x03) <= Mode.NonceRandomNoSeedUpdate)
        {
            // Random mode: NumIn is 20 bytes; TempKey = SHA-256(RandOut || NumIn || opcode || mode || 0x00), source "random".
            Require(data.Length == 20 && (mode & 0xFC) == 0, Status.ParseError);
            byte[] randOut = RandomBytes(0, 0, []);
            byte[] message = new byte[32 + 20 + 3];
            Array.Copy(randOut, message, 32);
            Array.Copy(data, 0, message, 32, 20);
            message[52] = Opcode.Nonce;
            message[53] = (byte)mode;
            _tempKey = SHA256.HashData(message);
            _tempKeyKeyId = 0;
            _tempKeySourceInput = false;
            _tempKeyGenKeyData = false;
            return randOut;
        }
        // Pass-through (mode bits 1:0 = 11); mode 2 is invalid.
        Require((mode & 0x03) == Mode.NoncePassThrough, Status.ParseError);
        // 64-byte pass-through (mode bit 5) and the alternate key buffer target are not modelled.
        int target = (mode >> 6) & 0x03;
        Require(data.Length == 32 && target <= 1 && (mode & 0x3C) == 0, Status.ParseError);
        if (target == 0)
        {
            _tempKey = (byte[])data.Clone();
            _tempKeyKeyId = 0;
            _tempKeySourceInput = true;
            _tempKeyGenKeyData = false;
        }
        else
        {
            _messageDigestBuffer = (byte[])data.Clone();
        }
        return Ok;
    }

    private byte[] Sign(int mode, int slot, byte[] data)
    {
        // External signatures only (mode bit 7); internal signatures of GenDig/GenKey digests are not modelled.
        Require(data.Length == 0 && slot < Atecc608Datasheet.SlotCount, Status.ParseError);
        bool external = (mode & Mode.SignExternal) != 0;
        Require(mode == Mode.SignExternal || mode == (Mode.SignExternal | Mode.SignFromMessageDigestBuffer)
            || mode == 0x00 || mode == Mode.SignIncludeSerial, Status.ParseError);
        Require(IsConfigLocked && IsDataLocked, Status.ExecutionError);
        if (!external) return SignInternal(mode, slot);
        int keyConfig = KeyConfig(slot);
        int slotConfig = SlotConfig(slot);
        Require((keyConfig & Config.Private) != 0, Status.ExecutionError);
        Require((slotConfig & Config.ReadKeyExternalSign) != 0, Status.ExecutionError);
        bool fromBuffer = (mode & Mode.SignFromMessageDigestBuffer) != 0;
        byte[]? digest = fromBuffer ? _messageDigestBuffer : _tempKey;
        Require(digest != null, Status.ExecutionError);
        using ECDsa key = LoadPrivateKey(slot);
        if ((slotConfig & Config.LimitedUse) != 0)
        {
            // Counter0 is attached to this key: each use advances it, and at its limit the key is spent.
            Require(_counters[0] < CounterMax, Status.ExecutionError);
            _counters[0]++;
            Save();
        }
        _tempKey = null;
        _messageDigestBuffer = null;
        return key.SignHash(digest!, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>
    /// Sign in internal mode: the slot's key signs SHA-256 of the 55-byte message the datasheet defines from TempKey, which
    /// GenKey (or GenDig, not modelled) must have made: TempKey || opcode || mode || KeyID || SlotConfig and KeyConfig of
    /// TempKey's slot || TempKey flags || 2 zeros || SN[8] || SN[4:7] or zeros || SN[0:1] || SN[2:3] or zeros || that slot's
    /// SlotLocked bit || 2 zeros.
    /// </summary>
    private byte[] SignInternal(int mode, int slot)
    {
        int keyConfig = KeyConfig(slot);
        int slotConfig = SlotConfig(slot);
        Require((keyConfig & Config.Private) != 0, Status.ExecutionError);
        Require((slotConfig & Config.ReadKeyInternalSign) != 0, Status.ExecutionError);
        Require(_tempKey != null && _tempKeyGenKeyData, Status.ExecutionError);
        int source = _tempKeyKeyId;
        byte[] message = new byte[55];
        Array.Copy(_tempKey!, message, 32);
        message[32] = Opcode.Sign;
        message[33] = (byte)mode;
        message[34] = (byte)slot;
        message[35] = (byte)(slot >> 8);
        message[36] = _config[Config.SlotConfig + (2 * source)];
        message[37] = _config[Config.SlotConfig + (2 * source) + 1];
        message[38] = _config[Config.KeyConfig + (2 * source)];
        message[39] = _config[Config.KeyConfig + (2 * source) + 1];
        message[40] = (byte)((source & 0x0F) | (_tempKeySourceInput ? 0x10 : 0) | (_tempKeyGenKeyData ? 0x40 : 0));
        bool includeSerial = (mode & Mode.SignIncludeSerial) != 0;
        message[43] = _config[12];
        if (includeSerial) Array.Copy(_config, 8, message, 44, 4);
        message[48] = _config[0];
        message[49] = _config[1];
        if (includeSerial) Array.Copy(_config, 2, message, 50, 2);
        message[52] = IsSlotLocked(source) ? (byte)0x00 : (byte)0x01;
        using ECDsa key = LoadPrivateKey(slot);
        if ((slotConfig & Config.LimitedUse) != 0)
        {
            Require(_counters[0] < CounterMax, Status.ExecutionError);
            _counters[0]++;
            Save();
        }
        _tempKey = null;
        _tempKeyGenKeyData = false;
        return key.SignHash(SHA256.HashData(message), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private byte[] RandomBytes(int mode, int param2, byte[] data)
    {
        Require(mode <= 1 && param2 == 0 && data.Length == 0, Status.ParseError);
        byte[] result = new byte[32];
        if (!IsConfigLocked)
        {
            // Until the config zone is locked the chip answers this fixed pattern instead of random bytes.
            for (int i = 0; i < result.Length; i += 4)
            {
                result[i] = 0xFF;
                result[i + 1] = 0xFF;
            }
            return result;
        }
        RandomNumberGenerator.Fill(result);
        return result;
    }

    private byte[] Counter(int mode, int counterId, byte[] data)
    {
        Require(mode <= 1 && counterId <= 1 && data.Length == 0, Status.ParseError);
        if (mode == Mode.CounterIncrement)
        {
            Require(_counters[counterId] < CounterMax, Status.ExecutionError);
            _counters[counterId]++;
            Save();
        }
        int value = _counters[counterId];
        return new[] { (byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24) };
    }

    private byte[] Sha(int mode, int length, byte[] data)
    {
        switch (mode)
        {
            case Mode.ShaStart:
                Require(length == 0 && data.Length == 0, Status.ParseError);
                _sha?.Dispose();
                _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                return Ok;
            case Mode.ShaUpdate:
                Require(length == 64 && data.Length == 64, Status.ParseError);
                Require(_sha != null, Status.ExecutionError);
                _sha!.AppendData(data);
                return Ok;
            case Mode.ShaEnd:
                Require(length == data.Length && data.Length <= 63, Status.ParseError);
                Require(_sha != null, Status.ExecutionError);
                _sha!.AppendData(data);
                byte[] digest = _sha.GetHashAndReset();
                _sha.Dispose();
                _sha = null;
                return digest;
            default:
                throw new ChipStatusException(Status.ParseError);
        }
    }

    private static int ConfigOffset(int address, int length)
    {
        int block = (address >> 3) & 0x03;
        int word = address & 0x07;
        Require((address & ~0x1F) == 0 && (length == 4 || word == 0), Status.ParseError);
        return (block * 32) + (word * 4);
    }

    private static int DataOffset(int address, int length, int slotSize)
    {
        int block = (address >> 8) & 0x0F;
        int word = address & 0x07;
        Require((address & ~0x0FFF) == 0 && (length == 4 || word == 0), Status.ParseError);
        int offset = (block * 32) + (word * 4);
        Require(offset + length <= slotSize, Status.ParseError);
        return offset;
    }

    private int SlotConfig(int slot) => UInt16At(_config, Config.SlotConfig + (2 * slot));

    private int KeyConfig(int slot) => UInt16At(_config, Config.KeyConfig + (2 * slot));

    private bool IsSlotLocked(int slot) => (UInt16At(_config, Config.SlotLocked) & (1 << slot)) == 0;

    private int DataZoneCrc()
    {
        // Summary CRC of the data-zone lock: every slot that is not a private key, in slot order, then OTP.
        var crc = new Atecc608Datasheet.Crc16Stream();
        for (int slot = 0; slot < Atecc608Datasheet.SlotCount; slot++)
        {
            if ((KeyConfig(slot) & Config.Private) != 0) continue;
            crc.Append(_slots[slot], 0, _slots[slot].Length);
        }
        crc.Append(_otp, 0, _otp.Length);
        return crc.Value;
    }

    private ECDsa LoadPrivateKey(int slot)
    {
        byte[] scalar = new byte[32];
        Array.Copy(_slots[slot], 4, scalar, 0, 32);
        ECDsa key = ECDsa.Create();
        try
        {
            key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
            return key;
        }
        catch (CryptographicException)
        {
            // No valid scalar in the slot (never generated): the chip reports an ECC fault.
            key.Dispose();
            throw new ChipStatusException(Status.EccFault);
        }
    }

    private static byte[] PublicKeyBytes(ECParameters parameters)
    {
        byte[] xy = new byte[64];
        Array.Copy(parameters.Q.X!, 0, xy, 0, 32);
        Array.Copy(parameters.Q.Y!, 0, xy, 32, 32);
        return xy;
    }

    private void Save()
    {
        if (_stateFolder == null) return;
        var state = new ModelState
        {
            Version = 1,
            Config = Convert.ToHexString(_config),
            Otp = Convert.ToHexString(_otp),
            Slots = Array.ConvertAll(_slots, Convert.ToHexString),
            Counters = (int[])_counters.Clone(),
        };
        string path = Path.Combine(_stateFolder, StateFileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, ModelStateJson.Default.ModelState);
            stream.Flush(true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static Atecc608Model Load(string folder, string path)
    {
        ModelState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllBytes(path), ModelStateJson.Default.ModelState);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("secure element state " + path + " is not valid JSON: " + e.Message, e);
        }
        if (state == null || state.Version != 1)
        {
            throw new InvalidDataException("secure element state " + path + " has an unsupported version");
        }
        byte[] config = DecodeHex(state.Config, Atecc608Datasheet.ConfigSize, path, "config");
        byte[] otp = DecodeHex(state.Otp, Atecc608Datasheet.OtpSize, path, "otp");
        if (state.Slots == null || state.Slots.Length != Atecc608Datasheet.SlotCount)
        {
            throw new InvalidDataException("secure element state " + path + ": expected " + Atecc608Datasheet.SlotCount + " slots");
        }
        byte[][] slots = new byte[Atecc608Datasheet.SlotCount][];
        for (int slot = 0; slot < slots.Length; slot++)
        {
            slots[slot] = DecodeHex(state.Slots[slot], Atecc608Datasheet.SlotSize(slot), path, "slot " + slot);
        }
        if (state.Counters == null || state.Counters.Length != 2 || state.Counters[0] < 0 || state.Counters[1] < 0
            || state.Counters[0] > CounterMax || state.Counters[1] > CounterMax)
        {
            throw new InvalidDataException("secure element state " + path + ": counters must be two values 0.." + CounterMax);
        }
        return new Atecc608Model(folder, config, slots, otp, (int[])state.Counters.Clone());
    }

    private static byte[] DecodeHex(string? hex, int length, string path, string field)
    {
        if (hex == null || hex.Length != length * 2)
        {
            throw new InvalidDataException("secure element state " + path + ": " + field + " must be " + length + " bytes of hex");
        }
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("secure element state " + path + ": " + field + " is not hex", e);
        }
    }

    /// <summary>One command packet as the chip parsed it, and the status byte it answered (0 for success or data).</summary>
    public readonly record struct ReceivedCommand(int Opcode, int Mode, int Param2, int DataLength, int Status);

    private sealed class ChipStatusException : Exception
    {
        public ChipStatusException(int status)
            : base(Atecc608Datasheet.Status.Name(status))
        {
            Status = status;
        }

        public int Status { get; }
    }

    private sealed class ModelState
    {
        public int Version { get; set; }

        public string? Config { get; set; }

        public string? Otp { get; set; }

        public string[]? Slots { get; set; }

        public int[]? Counters { get; set; }
    }

    /// <summary>The state file's serialiser, generated at compile time (no reflection: prov's native AOT build runs this model).</summary>
    [JsonSourceGenerationOptions(WriteIndented = true)]
    [JsonSerializable(typeof(ModelState))]
    private sealed partial class ModelStateJson : JsonSerializerContext;
}
