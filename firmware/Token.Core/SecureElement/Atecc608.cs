using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// Driver for the Microchip ATECC608B over I2C. Every public operation is one wake session:
    /// wake pulse and wake response, one or more commands (each polled until its answer is ready),
    /// then idle. A session that fails on the wire (no acknowledge, CRC error either way, unexpected
    /// wake, watchdog) is repeated from the wake, up to <see cref="MaxAttempts"/> times; a command the
    /// chip refuses throws <see cref="SecureElementException"/> at once. All waiting goes through
    /// <see cref="II2cBus.DelayMs"/>, so a simulated chip can skip it.
    /// </summary>
    public sealed class Atecc608 : ISecureElement
    {
        /// <summary>How often a wake session is tried before a transient failure is reported.</summary>
        public const int MaxAttempts = 3;

        /// <summary>Wake pulses per session before the chip is declared absent.</summary>
        public const int WakeAttempts = 3;

        /// <summary>
        /// Longest stretch of a wake session before the driver idles and wakes the chip again: the watchdog puts the chip
        /// to sleep about 1.3 s after the wake pulse (ChipMode bit 2 = 0; CryptoAuthLib's ATCA_CHIPMODE_WATCHDOG_SHORT
        /// "~1.3s"), counting I2C transfers as well as execution, and idle keeps TempKey and the SHA context. The margin
        /// covers the watchdog oscillator's tolerance.
        /// </summary>
        public const int SessionBudgetMs = 1000;

        /// <summary>The I2C clock the driver budgets transfers at: 100 kHz, the slowest the token's boards run the chip at.</summary>
        public const int I2cClockKhz = 100;

        /// <summary>Wake pulse (t_WLO 60 us) plus the wait until the chip answers (t_WHI 1.5 ms), counted against the watchdog.</summary>
        public const int WakeDelayUs = 60 + 1500;

        /// <summary>First wait after sending a command, then the interval between polls (CryptoAuthLib's polling defaults).</summary>
        public const int InitialPollDelayMs = 1;
        public const int PollIntervalMs = 2;

        /// <summary>
        /// How long the driver polls for any command's answer before giving up: CryptoAuthLib's ATCA_POLLING_MAX_TIME_MSEC
        /// (lib/atca_execution.c). The ATECC608B supports polling only and its execution times differ from the 608A table
        /// (<see cref="AteccOpcode.MaxExecutionMs"/>, used to plan wake sessions); giving up at the table's figure made a
        /// slow Sign fail and its retry advance Counter0 a second time for one signature.
        /// </summary>
        public const int PollingMaxMs = 2500;

        private const int WordAddressSleep = 0x01;
        private static readonly byte[] ResetAddressCounter = new byte[] { 0x00 };
        private const int WordAddressIdle = 0x02;

        private readonly II2cBus _bus;
        private long _sessionUs;

        public Atecc608(II2cBus bus)
        {
            if (bus == null) throw new System.ArgumentNullException("bus");
            _bus = bus;
        }

        /// <summary>
        /// Runs the commands in one wake session and returns each command's response data.
        /// If the session fails on the wire it is repeated whole, so a command may run twice
        /// (a Counter increment then skips a value; it never repeats one).
        /// </summary>
        public byte[][] ExecuteSequence(AteccCommand[] commands)
        {
            if (commands == null || commands.Length == 0) throw new System.ArgumentException("no commands", "commands");
            SecureElementException last = null;
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                try
                {
                    WakeUp();
                    byte[][] results = new byte[commands.Length][];
                    for (int i = 0; i < commands.Length; i++)
                    {
                        if (_sessionUs + WorstCaseUs(commands[i]) > (long)SessionBudgetMs * 1000)
                        {
                            // Idle stops the watchdog and keeps TempKey and the SHA context; the next wake restarts it.
                            Idle();
                            WakeUp();
                        }
                        results[i] = Transceive(commands[i]);
                    }
                    Idle();
                    return results;
                }
                catch (SecureElementException e)
                {
                    if (!e.IsTransient)
                    {
                        Idle();
                        throw;
                    }
                    last = e;
                    // Sleep clears the chip's volatile state and watchdog, so the retry starts clean.
                    Sleep();
                }
            }
            throw last;
        }

        /// <summary>Runs one command in its own wake session (see <see cref="ExecuteSequence"/>).</summary>
        public byte[] Execute(AteccCommand command)
        {
            return ExecuteSequence(new AteccCommand[] { command })[0];
        }

        /// <summary>Puts the chip in idle: the watchdog stops, TempKey survives.</summary>
        public void Idle()
        {
            _bus.Write(new byte[] { WordAddressIdle });
        }

        /// <summary>Puts the chip to sleep: lowest power, volatile state (TempKey, SHA context) cleared.</summary>
        public void Sleep()
        {
            _bus.Write(new byte[] { WordAddressSleep });
        }

        /// <summary>The 4-byte revision from Info (00 00 60 xx on an ATECC608).</summary>
        public byte[] Info()
        {
            return Execute(AteccCommand.Info());
        }

        /// <summary>All 128 bytes of the configuration zone (always readable).</summary>
        public byte[] ReadConfigZone()
        {
            AteccCommand[] reads = new AteccCommand[4];
            for (int block = 0; block < 4; block++)
            {
                reads[block] = AteccCommand.Read(AteccZone.Config, AteccZone.ConfigAddress(block, 0), true);
            }
            byte[][] blocks = ExecuteSequence(reads);
            byte[] config = new byte[AteccZone.ConfigSize];
            for (int block = 0; block < 4; block++)
            {
                System.Array.Copy(blocks[block], 0, config, block * 32, 32);
            }
            return config;
        }

        /// <summary>The 9-byte serial number SN[0:8] (config bytes 0-3 then 8-12).</summary>
        public byte[] ReadSerialNumber()
        {
            byte[] block0 = Execute(AteccCommand.Read(AteccZone.Config, AteccZone.ConfigAddress(0, 0), true));
            byte[] serial = new byte[9];
            System.Array.Copy(block0, Atecc608Config.SerialNumber0, serial, 0, 4);
            System.Array.Copy(block0, Atecc608Config.SerialNumber4, serial, 4, 5);
            return serial;
        }

        /// <summary>The serial number as 18 upper-case hex digits, the token's stable serial.</summary>
        public string ReadSerialNumberHex()
        {
            return ToHex(ReadSerialNumber());
        }

        /// <summary>True once the configuration zone is locked (LockConfig byte 87 is no longer 0x55).</summary>
        public bool IsConfigLocked()
        {
            return ReadLockWord()[3] != Atecc608Config.Unlocked;
        }

        /// <summary>True once the data and OTP zones are locked (LockValue byte 86 is no longer 0x55).</summary>
        public bool IsDataLocked()
        {
            return ReadLockWord()[2] != Atecc608Config.Unlocked;
        }

        /// <summary>Reads 32 bytes of a data slot (refused by the chip for secret slots and before the data lock).</summary>
        public byte[] ReadSlotBlock(int slot, int block)
        {
            return Execute(AteccCommand.Read(AteccZone.Data, AteccZone.DataAddress(slot, block, 0), true));
        }

        /// <summary>Reads 4 bytes of a data slot.</summary>
        public byte[] ReadSlotWord(int slot, int block, int word)
        {
            return Execute(AteccCommand.Read(AteccZone.Data, AteccZone.DataAddress(slot, block, word), false));
        }

        /// <summary>Writes 4 bytes of the config zone at a byte offset (a multiple of 4, not 0-15 nor 84-87).</summary>
        public void WriteConfigWord(int byteOffset, byte[] value4)
        {
            if (byteOffset < 0 || byteOffset >= AteccZone.ConfigSize || byteOffset % 4 != 0) throw new System.ArgumentOutOfRangeException("byteOffset");
            Execute(AteccCommand.Write(AteccZone.Config, AteccZone.ConfigAddress(byteOffset / 32, (byteOffset % 32) / 4), value4));
        }

        /// <summary>Writes a whole 32-byte config block (1 or 3: blocks 0 and 2 hold bytes Write cannot change).</summary>
        public void WriteConfigBlock(int block, byte[] value32)
        {
            Execute(AteccCommand.Write(AteccZone.Config, AteccZone.ConfigAddress(block, 0), value32));
        }

        /// <summary>Writes 4 or 32 clear-text bytes into a data slot.</summary>
        public void WriteSlot(int slot, int block, int word, byte[] value)
        {
            Execute(AteccCommand.Write(AteccZone.Data, AteccZone.DataAddress(slot, block, word), value));
        }

        /// <summary>Writes 32 bytes of the OTP zone (block 0 or 1), before the data lock.</summary>
        public void WriteOtpBlock(int block, byte[] value32)
        {
            Execute(AteccCommand.Write(AteccZone.Otp, AteccZone.ConfigAddress(block, 0), value32));
        }

        /// <summary>Locks the config zone; <paramref name="configCrc"/> must be the CRC of the 128 bytes the chip holds.</summary>
        public void LockConfigZone(int configCrc)
        {
            Execute(AteccCommand.LockConfig(configCrc));
        }

        /// <summary>Locks the data and OTP zones; <paramref name="dataCrc"/> covers the non-private slots then OTP.</summary>
        public void LockDataZone(int dataCrc)
        {
            Execute(AteccCommand.LockData(dataCrc));
        }

        /// <summary>Generates a new private key in the slot; returns its 64-byte public key X || Y.</summary>
        public byte[] GenerateKey(int slot)
        {
            return Execute(AteccCommand.GenKeyNew(slot));
        }

        /// <summary>The 64-byte public key X || Y of the slot's private key.</summary>
        public byte[] GetPublicKey(int slot)
        {
            return Execute(AteccCommand.GenKeyPublicKey(slot));
        }

        /// <summary>
        /// ECDSA P-256 over a 32-byte digest with the slot's key, in one wake session, in CryptoAuthLib's order
        /// (calib_sign in lib/calib/calib_sign.c): Random to update the RNG seed, Nonce pass-through of the digest, Sign
        /// external. Returns r || s (64 bytes).
        /// </summary>
        public byte[] SignDigest(int slot, byte[] digest32, bool useMessageDigestBuffer)
        {
            byte[][] results = ExecuteSequence(SignSequence(slot, digest32, useMessageDigestBuffer, null));
            return results[2];
        }

        /// <summary>
        /// The commands of an external-message signature: Random (mode 0, update seed), Nonce pass-through (mode 0x03) into
        /// TempKey or, as CryptoAuthLib does on the 608, the message digest buffer, then Sign external (mode 0x80, plus
        /// 0x20 for the message digest buffer); <paramref name="then"/> is appended after them. The Sign's answer is at index 2.
        /// </summary>
        public static AteccCommand[] SignSequence(int slot, byte[] digest32, bool useMessageDigestBuffer, AteccCommand then)
        {
            if (digest32 == null || digest32.Length != 32) throw new System.ArgumentException("digest must be 32 bytes", "digest32");
            AteccCommand[] commands = new AteccCommand[then == null ? 3 : 4];
            commands[0] = AteccCommand.Random();
            commands[1] = AteccCommand.NonceLoad(digest32, useMessageDigestBuffer);
            commands[2] = AteccCommand.SignDigest(slot, useMessageDigestBuffer);
            if (then != null) commands[3] = then;
            return commands;
        }

        /// <summary>
        /// The first <paramref name="count"/> bytes of a readable data slot in one wake session: 32-byte blocks, then 4-byte
        /// words (as CryptoAuthLib's calib_read_bytes_zone). <paramref name="count"/> is a multiple of 4, within the slot.
        /// </summary>
        public byte[] ReadSlotBytes(int slot, int count)
        {
            if (slot < 0 || slot >= AteccZone.SlotCount) throw new System.ArgumentOutOfRangeException("slot");
            if (count <= 0 || count % 4 != 0 || count > AteccZone.SlotSize(slot)) throw new System.ArgumentOutOfRangeException("count");
            int blocks = count / 32;
            int words = (count % 32) / 4;
            AteccCommand[] reads = new AteccCommand[blocks + words];
            for (int b = 0; b < blocks; b++)
            {
                reads[b] = AteccCommand.Read(AteccZone.Data, AteccZone.DataAddress(slot, b, 0), true);
            }
            for (int w = 0; w < words; w++)
            {
                reads[blocks + w] = AteccCommand.Read(AteccZone.Data, AteccZone.DataAddress(slot, blocks, w), false);
            }
            byte[][] parts = ExecuteSequence(reads);
            byte[] result = new byte[count];
            int at = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                System.Array.Copy(parts[i], 0, result, at, parts[i].Length);
                at += parts[i].Length;
            }
            return result;
        }

        /// <summary>
        /// Has the key in <paramref name="attestingSlot"/> attest the key in <paramref name="signingSlot"/>, in one wake session
        /// (TempKey does not survive sleep): Nonce random with the host's 20-byte challenge, GenKey in digest mode on the
        /// signing slot (the chip computes the public key and digests it into TempKey), Sign internal with the serial number.
        /// Returns { RandOut (32), public key X || Y (64), signature r || s (64) }. The chip refuses the Sign unless TempKey was
        /// made by GenKey in this session and the attesting slot allows internal signatures (SlotConfig.ReadKey bit 1).
        /// </summary>
        public byte[][] AttestKey(int attestingSlot, int signingSlot, byte[] challenge20)
        {
            AteccCommand[] commands = new AteccCommand[3];
            commands[0] = AteccCommand.NonceRandom(challenge20);
            commands[1] = AteccCommand.GenKeyDigest(signingSlot);
            commands[2] = AteccCommand.SignInternal(attestingSlot, true);
            return ExecuteSequence(commands);
        }

        /// <summary>32 bytes from the chip's RNG. Before the config lock the chip answers FF FF 00 00 repeated.</summary>
        public byte[] Random()
        {
            return Execute(AteccCommand.Random());
        }

        /// <summary>The monotonic counter's value (0 or 1); 0 to 2,097,151.</summary>
        public int ReadCounter(int counterId)
        {
            return ToInt32(Execute(AteccCommand.Counter(counterId, false)));
        }

        /// <summary>Counter0, which every signature with the token key advances (SlotConfig[0].LimitedUse).</summary>
        public long ReadSignatureCounter()
        {
            return ReadCounter(0);
        }

        /// <summary>Increments the monotonic counter and returns its new value.</summary>
        public int IncrementCounter(int counterId)
        {
            return ToInt32(Execute(AteccCommand.Counter(counterId, true)));
        }

        /// <summary>SHA-256 computed by the chip (start, one update per 64-byte block, end), in one wake session.</summary>
        public byte[] Sha256(byte[] data, int offset, int count)
        {
            if (data == null) throw new System.ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset > data.Length - count) throw new System.ArgumentOutOfRangeException("count");
            int blocks = count / 64;
            AteccCommand[] commands = new AteccCommand[blocks + 2];
            commands[0] = AteccCommand.ShaBegin();
            for (int i = 0; i < blocks; i++)
            {
                byte[] block = new byte[64];
                System.Array.Copy(data, offset + (i * 64), block, 0, 64);
                commands[i + 1] = AteccCommand.ShaBlock(block);
            }
            byte[] tail = new byte[count - (blocks * 64)];
            System.Array.Copy(data, offset + (blocks * 64), tail, 0, tail.Length);
            commands[blocks + 1] = AteccCommand.ShaFinish(tail);
            byte[][] results = ExecuteSequence(commands);
            return results[blocks + 1];
        }

        /// <summary>
        /// Brings the chip into the token's configuration and locks it, for good: writes the config zone
        /// (<see cref="Atecc608Config.BuildTokenConfiguration"/>), locks it with the CRC of what the chip
        /// holds, clears every non-private slot and tags the OTP zone, then locks the data zone with the
        /// CRC of those contents. Steps already done are skipped, so an interrupted provisioning can be
        /// run again. Throws <see cref="SecureElementException"/> with <see cref="AteccStatus.WrongConfiguration"/>
        /// when the config zone was locked earlier with different slot settings.
        /// </summary>
        public void Provision()
        {
            byte[] wanted = Atecc608Config.BuildTokenConfiguration();
            byte[] config = ReadConfigZone();
            if (config[Atecc608Config.LockConfig] == Atecc608Config.Unlocked)
            {
                WriteConfiguration(wanted);
                config = ReadConfigZone();
                if (!WritableBytesMatch(config, wanted))
                {
                    throw new SecureElementException(AteccStatus.WrongConfiguration, "Write", "config zone read back differs from what was written");
                }
                LockConfigZoneOnce(AteccCrc.Compute(config, 0, config.Length));
            }
            else if (!Atecc608Config.MatchesTokenConfiguration(config))
            {
                throw new SecureElementException(AteccStatus.WrongConfiguration, "Lock", "config zone is locked with slot settings this firmware does not use");
            }

            if (!IsDataLocked())
            {
                LockDataZoneOnce(WriteInitialData(config));
            }
        }

        /// <summary>True when both zones are locked with this token's slot settings.</summary>
        public bool IsProvisioned()
        {
            byte[] config = ReadConfigZone();
            return config[Atecc608Config.LockConfig] != Atecc608Config.Unlocked
                && config[Atecc608Config.LockValue] != Atecc608Config.Unlocked
                && Atecc608Config.MatchesTokenConfiguration(config);
        }

        private void WriteConfiguration(byte[] wanted)
        {
            // Blocks 1 and 3 in one 32-byte write each; blocks 0 and 2 word by word, skipping the
            // read-only bytes 0-15 and the UserExtra/LockValue/LockConfig word 84-87 (changed only by
            // UpdateExtra and Lock).
            for (int offset = Atecc608Config.FirstWritableByte; offset < AteccZone.ConfigSize; )
            {
                if (offset == 32 || offset == 96)
                {
                    byte[] block = new byte[32];
                    System.Array.Copy(wanted, offset, block, 0, 32);
                    WriteConfigBlock(offset / 32, block);
                    offset += 32;
                    continue;
                }
                if (offset != Atecc608Config.UserExtra)
                {
                    byte[] word = new byte[4];
                    System.Array.Copy(wanted, offset, word, 0, 4);
                    WriteConfigWord(offset, word);
                }
                offset += 4;
            }
        }

        private static bool WritableBytesMatch(byte[] config, byte[] wanted)
        {
            for (int i = Atecc608Config.FirstWritableByte; i < AteccZone.ConfigSize; i++)
            {
                if (i >= Atecc608Config.UserExtra && i < Atecc608Config.SlotLocked) continue;
                if (config[i] != wanted[i]) return false;
            }
            return true;
        }

        /// <summary>Writes zeros to every non-private slot and the tag to OTP; returns the data-zone CRC the Lock expects.</summary>
        private int WriteInitialData(byte[] config)
        {
            AteccCrcAccumulator crc = new AteccCrcAccumulator();
            byte[] zeroBlock = new byte[32];
            byte[] zeroWord = new byte[4];
            for (int slot = 0; slot < AteccZone.SlotCount; slot++)
            {
                int keyConfig = Atecc608Config.GetUInt16(config, Atecc608Config.KeyConfigBase + (2 * slot));
                if ((keyConfig & Atecc608Config.KeyPrivate) != 0) continue;  // private keys are outside the summary CRC
                int size = AteccZone.SlotSize(slot);
                for (int offset = 0; offset < size; )
                {
                    int block = offset / 32;
                    if (offset % 32 == 0 && size - offset >= 32)
                    {
                        WriteSlot(slot, block, 0, zeroBlock);
                        crc.Update(zeroBlock, 0, 32);
                        offset += 32;
                    }
                    else
                    {
                        WriteSlot(slot, block, (offset % 32) / 4, zeroWord);
                        crc.Update(zeroWord, 0, 4);
                        offset += 4;
                    }
                }
            }
            byte[] otp = new byte[AteccZone.OtpSize];
            string tag = Atecc608Config.OtpTag;
            for (int i = 0; i < tag.Length && i < otp.Length; i++)
            {
                otp[i] = (byte)tag[i];
            }
            for (int block = 0; block < 2; block++)
            {
                byte[] value = new byte[32];
                System.Array.Copy(otp, block * 32, value, 0, 32);
                WriteOtpBlock(block, value);
            }
            crc.Update(otp, 0, otp.Length);
            return crc.Value;
        }

        private void LockConfigZoneOnce(int crc)
        {
            try
            {
                LockConfigZone(crc);
            }
            catch (SecureElementException e)
            {
                // A Lock whose answer was lost is retried and then refused as "already locked".
                if (e.Status != AteccStatus.ExecutionError || !IsConfigLocked()) throw;
            }
        }

        private void LockDataZoneOnce(int crc)
        {
            try
            {
                LockDataZone(crc);
            }
            catch (SecureElementException e)
            {
                if (e.Status != AteccStatus.ExecutionError || !IsDataLocked()) throw;
            }
        }

        private byte[] ReadLockWord()
        {
            // Word 5 of block 2: UserExtra, UserExtraAdd, LockValue, LockConfig (bytes 84-87).
            return Execute(AteccCommand.Read(AteccZone.Config, AteccZone.ConfigAddress(2, 5), false));
        }

        private void WakeUp()
        {
            byte[] response = new byte[4];
            bool selfTestFailed = false;
            for (int attempt = 0; attempt < WakeAttempts; attempt++)
            {
                _bus.Wake();
                _sessionUs = WakeDelayUs;
                bool answered = _bus.Read(response);
                _sessionUs += I2cTransferUs(response.Length);
                if (answered && SameBytes(response, AteccResponse.WakeResponse)) return;
                selfTestFailed = answered && AteccResponse.IsSelfTestFailure(response);
                // No or wrong wake response: the chip may have been awake already; send it to sleep and pulse again.
                // A failed self test is pulsed again too, as CryptoAuthLib's calib_wakeup_i2c does, then reported.
                Sleep();
                _bus.DelayMs(1);
            }
            if (selfTestFailed)
            {
                throw new SecureElementException(AteccStatus.SelfTestError, "Wake", "the chip's power-on self test failed (wake answered status 0x07)");
            }
            throw new SecureElementException(AteccStatus.NoResponse, "Wake", "no wake response after " + WakeAttempts.ToString() + " pulses");
        }

        private byte[] Transceive(AteccCommand command)
        {
            byte[] packet = command.ToPacket();
            if (!_bus.Write(packet))
            {
                throw new SecureElementException(AteccStatus.NoResponse, command.Name, "command not acknowledged");
            }
            _sessionUs += I2cTransferUs(packet.Length);
            int limit = PollingMaxMs;
            _bus.DelayMs(InitialPollDelayMs);
            int waited = InitialPollDelayMs;
            byte[] countByte = new byte[1];
            // Each poll first writes word address 0x00, which the chip NACKs while busy and which resets its I/O buffer's
            // address counter once done, so the count byte is read from the start of the answer even after a read that
            // was cut short (CryptoAuthLib's calib_execute_receive does the same).
            while (!PollForCount(countByte))
            {
                if (waited >= limit)
                {
                    _sessionUs += (long)waited * 1000;
                    throw new SecureElementException(AteccStatus.NoResponse, command.Name, "no answer within " + limit.ToString() + " ms");
                }
                _bus.DelayMs(PollIntervalMs);
                waited += PollIntervalMs;
            }
            _sessionUs += (long)waited * 1000;
            int count = countByte[0];
            if (count < AteccResponse.StatusPacketLength || count > AteccResponse.MaxPacketLength)
            {
                throw new SecureElementException(AteccStatus.MalformedResponse, command.Name, "count byte " + count.ToString());
            }
            byte[] rest = new byte[count - 1];
            bool complete = _bus.Read(rest);
            _sessionUs += I2cTransferUs(rest.Length);
            if (!complete)
            {
                throw new SecureElementException(AteccStatus.NoResponse, command.Name, "response cut short");
            }
            byte[] response = new byte[count];
            response[0] = countByte[0];
            System.Array.Copy(rest, 0, response, 1, rest.Length);
            return AteccResponse.Parse(command, response);
        }

        /// <summary>
        /// What one command may add to the wake session at most: sending it, the table's execution time, the last poll,
        /// reading the longest answer and the idle that ends the session.
        /// </summary>
        private static long WorstCaseUs(AteccCommand command)
        {
            return I2cTransferUs(AteccCommand.PacketOverhead + 1 + command.DataLength)
                + ((long)command.MaxExecutionMs * 1000)
                + ((long)PollIntervalMs * 1000) + (2 * I2cTransferUs(1))
                + I2cTransferUs(AteccResponse.MaxPacketLength)
                + I2cTransferUs(1);
        }

        private bool PollForCount(byte[] countByte)
        {
            if (!_bus.Write(ResetAddressCounter)) return false;
            bool read = _bus.Read(countByte);
            _sessionUs += I2cTransferUs(1) + I2cTransferUs(1);
            return read;
        }

        /// <summary>
        /// Microseconds one I2C transfer of <paramref name="bytes"/> data bytes takes at the chip's slowest documented clock,
        /// 100 kHz: start, address byte and each data byte with its acknowledge (9 bits), stop.
        /// </summary>
        internal static long I2cTransferUs(int bytes)
        {
            return ((long)(bytes + 1) * 9 * 1000 / I2cClockKhz) + 10;
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i]) return false;
            }
            return true;
        }

        private static int ToInt32(byte[] littleEndian)
        {
            return littleEndian[0] | (littleEndian[1] << 8) | (littleEndian[2] << 16) | (littleEndian[3] << 24);
        }

        internal static string ToHex(byte[] data)
        {
            const string digits = "0123456789ABCDEF";
            char[] chars = new char[data.Length * 2];
            for (int i = 0; i < data.Length; i++)
            {
                chars[2 * i] = digits[data[i] >> 4];
                chars[(2 * i) + 1] = digits[data[i] & 0x0F];
            }
            return new string(chars);
        }
    }
}
