namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// One ATECC608B command: opcode, param1 (mode), param2, data. Only builds the wire packet;
    /// <see cref="AteccResponse"/> parses the answer. Factory methods name the commands the token uses.
    /// </summary>
    public sealed class AteccCommand
    {
        /// <summary>I2C word address that precedes a command packet.</summary>
        public const int WordAddressCommand = 0x03;

        /// <summary>Count byte, opcode, param1, param2 (2 bytes), CRC (2 bytes).</summary>
        public const int PacketOverhead = 7;

        /// <summary>Largest data field this driver sends (a 32-byte write with a 32-byte MAC).</summary>
        public const int MaxDataLength = 64;

        public const int LockConfigWithCrc = 0x00;
        public const int LockDataWithCrc = 0x01;
        public const int LockIgnoreCrc = 0x80;
        public const int GenKeyPublic = 0x00;
        public const int GenKeyCreate = 0x04;
        public const int NoncePassThrough = 0x03;
        public const int NonceTargetTempKey = 0x00;
        public const int NonceTargetMessageDigestBuffer = 0x40;
        public const int SignExternal = 0x80;
        /// <summary>Sign mode 0x00: internal message (TempKey from GenKey/GenDig).</summary>
        public const int SignInternalMode = 0x00;
        /// <summary>Sign mode bit 6: the internal message carries SN[2:3] and SN[4:7] too.</summary>
        public const int SignIncludeSerial = 0x40;
        /// <summary>Nonce mode 0x00: random, seed updated; NumIn is 20 bytes.</summary>
        public const int NonceRandomSeedUpdate = 0x00;
        /// <summary>GenKey mode bit 3: a digest of the computed public key goes into TempKey.</summary>
        public const int GenKeyDigestMode = 0x08;
        public const int SignSourceMessageDigestBuffer = 0x20;
        public const int CounterRead = 0x00;
        public const int CounterIncrement = 0x01;
        public const int ShaStart = 0x00;
        public const int ShaUpdate = 0x01;
        public const int ShaEnd = 0x02;
        public const int InfoRevision = 0x00;

        private readonly byte[] _data;

        /// <summary>A command; <paramref name="responseLength"/> is the data length of a successful answer (1 for a bare status).</summary>
        public AteccCommand(int opcode, int param1, int param2, byte[] data, int responseLength)
        {
            if (data == null) data = new byte[0];
            if (data.Length > MaxDataLength) throw new System.ArgumentException("command data longer than " + MaxDataLength.ToString() + " bytes", "data");
            Opcode = opcode & 0xFF;
            Param1 = param1 & 0xFF;
            Param2 = param2 & 0xFFFF;
            _data = data;
            ResponseLength = responseLength;
        }

        public int Opcode { get; }

        public int Param1 { get; }

        public int Param2 { get; }

        /// <summary>Expected data bytes of a successful response: 1 for a bare status byte, else 4, 32 or 64.</summary>
        public int ResponseLength { get; }

        public string Name
        {
            get { return AteccOpcode.Name(Opcode); }
        }

        public int MaxExecutionMs
        {
            get { return AteccOpcode.MaxExecutionMs(Opcode); }
        }

        public int DataLength
        {
            get { return _data.Length; }
        }

        /// <summary>
        /// The bytes written to the chip: word address 0x03, count (itself + opcode + params + data + CRC),
        /// opcode, param1, param2 little-endian, data, CRC-16 over count..data little-endian.
        /// </summary>
        public byte[] ToPacket()
        {
            int count = PacketOverhead + _data.Length;
            byte[] packet = new byte[1 + count];
            packet[0] = WordAddressCommand;
            packet[1] = (byte)count;
            packet[2] = (byte)Opcode;
            packet[3] = (byte)Param1;
            packet[4] = (byte)(Param2 & 0xFF);
            packet[5] = (byte)(Param2 >> 8);
            System.Array.Copy(_data, 0, packet, 6, _data.Length);
            AteccCrc.Append(packet, 1, count - 2);
            return packet;
        }

        /// <summary>Info, mode 0: the 4-byte revision (00 00 60 xx for the ATECC608).</summary>
        public static AteccCommand Info()
        {
            return new AteccCommand(AteccOpcode.Info, InfoRevision, 0, null, 4);
        }

        /// <summary>Read 4 or 32 bytes of a zone at a word address (see <see cref="AteccZone"/>).</summary>
        public static AteccCommand Read(int zone, int address, bool block32)
        {
            return new AteccCommand(AteccOpcode.Read, zone | (block32 ? AteccZone.Block32 : 0), address, null, block32 ? 32 : 4);
        }

        /// <summary>Clear-text Write of 4 or 32 bytes.</summary>
        public static AteccCommand Write(int zone, int address, byte[] data)
        {
            if (data == null || (data.Length != 4 && data.Length != 32)) throw new System.ArgumentException("a write carries 4 or 32 bytes", "data");
            return new AteccCommand(AteccOpcode.Write, zone | (data.Length == 32 ? AteccZone.Block32 : 0), address, data, 1);
        }

        /// <summary>Lock the config zone; the chip refuses unless <paramref name="configCrc"/> is the CRC of all 128 config bytes.</summary>
        public static AteccCommand LockConfig(int configCrc)
        {
            return new AteccCommand(AteccOpcode.Lock, LockConfigWithCrc, configCrc, null, 1);
        }

        /// <summary>Lock the data and OTP zones; <paramref name="dataCrc"/> covers every non-private slot in order, then OTP.</summary>
        public static AteccCommand LockData(int dataCrc)
        {
            return new AteccCommand(AteccOpcode.Lock, LockDataWithCrc, dataCrc, null, 1);
        }

        /// <summary>GenKey mode 0x04: a new P-256 private key in the slot; answers with the 64-byte public key X || Y.</summary>
        public static AteccCommand GenKeyNew(int slot)
        {
            return new AteccCommand(AteccOpcode.GenKey, GenKeyCreate, slot, null, 64);
        }

        /// <summary>GenKey mode 0x00: the 64-byte public key of the slot's private key.</summary>
        public static AteccCommand GenKeyPublicKey(int slot)
        {
            return new AteccCommand(AteccOpcode.GenKey, GenKeyPublic, slot, null, 64);
        }

        /// <summary>Nonce pass-through (mode 0x03): 32 bytes into TempKey or the message digest buffer.</summary>
        public static AteccCommand NonceLoad(byte[] value32, bool messageDigestBuffer)
        {
            if (value32 == null || value32.Length != 32) throw new System.ArgumentException("pass-through nonce is 32 bytes", "value32");
            int mode = NoncePassThrough | (messageDigestBuffer ? NonceTargetMessageDigestBuffer : NonceTargetTempKey);
            return new AteccCommand(AteccOpcode.Nonce, mode, 0, value32, 1);
        }

        /// <summary>Sign mode 0x80: ECDSA over the 32 bytes in TempKey (or the message digest buffer); answers r || s.</summary>
        public static AteccCommand SignDigest(int slot, bool messageDigestBuffer)
        {
            int mode = SignExternal | (messageDigestBuffer ? SignSourceMessageDigestBuffer : 0);
            return new AteccCommand(AteccOpcode.Sign, mode, slot, null, 64);
        }

        /// <summary>Random mode 0 (update seed): 32 random bytes.</summary>
        /// <summary>
        /// Nonce in random mode (mode 0x00, the RNG seed updated) with a 20-byte NumIn: the chip answers RandOut (32 bytes)
        /// and sets TempKey = SHA-256(RandOut || NumIn || 0x16 || 0x00 || 0x00), source flag "random" (datasheet, Nonce
        /// command; CryptoAuthLib's atcah_nonce). Whoever chose NumIn can recompute TempKey from RandOut.
        /// </summary>
        public static AteccCommand NonceRandom(byte[] numIn20)
        {
            if (numIn20 == null || numIn20.Length != 20) throw new System.ArgumentException("random-mode nonce input is 20 bytes", "numIn20");
            return new AteccCommand(AteccOpcode.Nonce, NonceRandomSeedUpdate, 0, numIn20, 32);
        }

        /// <summary>
        /// GenKey public-key computation with digest (mode 0x08, CryptoAuthLib's GENKEY_MODE_DIGEST): returns the slot's public
        /// key and leaves in TempKey SHA-256(TempKey || 0x40 || 0x08 || KeyID (2, LSB first) || SN[8] || SN[0:1] || 25 zeros
        /// || public key), with TempKey.GenKeyData = 1 and TempKey.KeyID = the slot (atcah_gen_key_msg).
        /// </summary>
        public static AteccCommand GenKeyDigest(int slot)
        {
            return new AteccCommand(AteccOpcode.GenKey, GenKeyPublic | GenKeyDigestMode, slot, null, 64);
        }

        /// <summary>
        /// Sign in internal mode (mode 0x00, plus 0x40 to include the whole serial number): the slot's key signs SHA-256 of the
        /// 55-byte message built from TempKey (made by GenKey or GenDig) and TempKey's slot's SlotConfig, KeyConfig and flags
        /// (datasheet, Sign command, internal message; CryptoAuthLib's atcah_sign_internal_msg).
        /// </summary>
        public static AteccCommand SignInternal(int slot, bool includeSerial)
        {
            return new AteccCommand(AteccOpcode.Sign, SignInternalMode | (includeSerial ? SignIncludeSerial : 0), slot, null, 64);
        }

        public static AteccCommand Random()
        {
            return new AteccCommand(AteccOpcode.Random, 0, 0, null, 32);
        }

        /// <summary>Counter read (mode 0) or increment (mode 1) of counter 0 or 1; answers the 4-byte value, little-endian.</summary>
        public static AteccCommand Counter(int counterId, bool increment)
        {
            if (counterId != 0 && counterId != 1) throw new System.ArgumentOutOfRangeException("counterId");
            return new AteccCommand(AteccOpcode.Counter, increment ? CounterIncrement : CounterRead, counterId, null, 4);
        }

        /// <summary>SHA start: begins a SHA-256 context in the chip.</summary>
        public static AteccCommand ShaBegin()
        {
            return new AteccCommand(AteccOpcode.Sha, ShaStart, 0, null, 1);
        }

        /// <summary>SHA update with exactly one 64-byte block.</summary>
        public static AteccCommand ShaBlock(byte[] block64)
        {
            if (block64 == null || block64.Length != 64) throw new System.ArgumentException("SHA update takes one 64-byte block", "block64");
            return new AteccCommand(AteccOpcode.Sha, ShaUpdate, 64, block64, 1);
        }

        /// <summary>SHA end with the last 0-63 bytes; answers the 32-byte digest.</summary>
        public static AteccCommand ShaFinish(byte[] tail)
        {
            if (tail == null) tail = new byte[0];
            if (tail.Length > 63) throw new System.ArgumentException("SHA end takes at most 63 bytes", "tail");
            return new AteccCommand(AteccOpcode.Sha, ShaEnd, tail.Length, tail, 32);
        }
    }
}
