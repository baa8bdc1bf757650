namespace ProvenanceDevice.Token.Emulator.SecureElement;

/// <summary>
/// The ATECC608B's wire encoding as the chip model knows it, written from Microchip's documentation and kept apart
/// from the driver (firmware/Token.Core/SecureElement) on purpose: the model judges the driver, so an opcode, status
/// code, layout offset or CRC shared by both would let a shared mistake pass every test
/// (<c>ModelIndependenceTests</c> checks that nothing is shared).
/// Sources: the ATECC508A data sheet (DS20005927, public; the 608B keeps its I/O and command encoding), the ATECC608B
/// summary data sheet and ATECC508A-to-608B migration note, and CryptoAuthLib's execution-time table for the 608.
/// </summary>
public static class Atecc608Datasheet
{
    /// <summary>I2C word addresses: the first byte of every write.</summary>
    public static class WordAddress
    {
        public const int Reset = 0x00;
        public const int Sleep = 0x01;
        public const int Idle = 0x02;
        public const int Command = 0x03;
    }

    /// <summary>Opcodes of the commands the model implements.</summary>
    public static class Opcode
    {
        public const int Read = 0x02;
        public const int Write = 0x12;
        public const int Nonce = 0x16;
        public const int Lock = 0x17;
        public const int Random = 0x1B;
        public const int Counter = 0x24;
        public const int Info = 0x30;
        public const int GenKey = 0x40;
        public const int Sign = 0x41;
        public const int Sha = 0x47;
    }

    /// <summary>The status byte of a 4-byte status packet.</summary>
    public static class Status
    {
        public const int Success = 0x00;
        public const int ParseError = 0x03;
        public const int EccFault = 0x05;
        public const int SelfTestError = 0x07;
        public const int ExecutionError = 0x0F;
        public const int AfterWake = 0x11;
        public const int WatchdogAboutToExpire = 0xEE;
        public const int CommunicationError = 0xFF;

        public static string Name(int status) => status switch
        {
            Success => "success",
            ParseError => "parse error",
            EccFault => "ECC fault",
            SelfTestError => "self-test error",
            ExecutionError => "execution error",
            AfterWake => "after wake",
            WatchdogAboutToExpire => "watchdog about to expire",
            CommunicationError => "communication error",
            _ => "status 0x" + status.ToString("X2"),
        };
    }

    /// <summary>Param1 modes of the commands the model implements.</summary>
    public static class Mode
    {
        public const int ZoneConfig = 0x00;
        public const int ZoneOtp = 0x01;
        public const int ZoneData = 0x02;
        public const int ZoneBlock32 = 0x80;
        public const int LockData = 0x01;
        public const int LockNoSummaryCrc = 0x80;
        public const int GenKeyPublic = 0x00;
        public const int GenKeyPrivate = 0x04;
        public const int NoncePassThrough = 0x03;
        public const int NonceTargetMessageDigestBuffer = 0x40;
        public const int SignExternal = 0x80;
        public const int SignFromMessageDigestBuffer = 0x20;
        public const int CounterIncrement = 0x01;
        public const int ShaStart = 0x00;
        public const int ShaUpdate = 0x01;
        public const int ShaEnd = 0x02;
        public const int InfoRevision = 0x00;
        /// <summary>Nonce random modes (0 seed update, 1 no seed update): NumIn is 20 bytes, RandOut 32 is returned.</summary>
        public const int NonceRandomNoSeedUpdate = 0x01;
        /// <summary>GenKey mode bit 3: after computing the public key, digest it into TempKey (datasheet, GenKey, "Digest").</summary>
        public const int GenKeyDigest = 0x08;
        /// <summary>Sign mode bit 6 with internal mode (bit 7 clear): the internal message carries the whole serial number.</summary>
        public const int SignIncludeSerial = 0x40;
    }

    /// <summary>Packet sizes: count, opcode, param1, param2 (2 bytes), CRC (2 bytes) around the data.</summary>
    public const int CommandOverhead = 7;

    /// <summary>Largest command packet the chip's input buffer takes (count byte included).</summary>
    public const int MaxCommandCount = 155;

    /// <summary>Zone sizes.</summary>
    public const int ConfigSize = 128;
    public const int OtpSize = 64;
    public const int SlotCount = 16;

    public static int SlotSize(int slot) => slot < 8 ? 36 : slot == 8 ? 416 : 72;

    /// <summary>Byte offsets in the configuration zone.</summary>
    public static class Config
    {
        public const int RevNum = 4;
        public const int I2cAddress = 16;
        public const int FirstWritable = 16;
        public const int SlotConfig = 20;
        public const int Counter0 = 52;
        public const int Counter1 = 60;
        public const int UserExtra = 84;
        public const int LockValue = 86;
        public const int LockConfig = 87;
        public const int SlotLocked = 88;
        public const int KeyConfig = 96;
        public const byte Unlocked = 0x55;

        // SlotConfig bits.
        public const int ReadKeyExternalSign = 0x0001;
        /// <summary>SlotConfig ReadKey bit 1 for a private key: internal signatures (of GenKey/GenDig digests) allowed.</summary>
        public const int ReadKeyInternalSign = 0x0002;
        public const int LimitedUse = 0x0020;
        public const int EncryptRead = 0x0040;
        public const int IsSecret = 0x0080;
        public const int WriteConfigShift = 12;
        public const int WriteConfigAlways = 0x0;
        public const int WriteConfigGenKey = 0x2;

        // KeyConfig bits.
        public const int Private = 0x0001;
        public const int PubInfo = 0x0002;
        public const int KeyTypeShift = 2;
        public const int KeyTypeP256 = 4;
    }

    /// <summary>
    /// Maximum execution times in ms of the 608 at the default clock divider (ChipMode M0), the figures CryptoAuthLib
    /// waits in its no-polling build (<c>device_execution_time_608_m0</c> in lib/calib/calib_execution.c). The model
    /// takes them all, so the driver's polling runs every time.
    /// </summary>
    public static int MaxExecutionMs(int opcode) => opcode switch
    {
        Opcode.Read => 5,
        Opcode.Write => 45,
        Opcode.Nonce => 20,
        Opcode.Lock => 35,
        Opcode.Random => 23,
        Opcode.Counter => 25,
        Opcode.Info => 5,
        Opcode.GenKey => 115,
        Opcode.Sign => 115,
        Opcode.Sha => 36,
        _ => 1,
    };

    /// <summary>
    /// CRC-16 of the data sheet's I/O section: polynomial x^16 + x^15 + x^2 + 1 (0x8005), register starting at 0,
    /// each byte entering least-significant bit first, no final inversion; sent low byte first. Written as the
    /// reflected table-free form (register shifted right, polynomial reversed to 0xA001) and the result bit-reversed
    /// back, which is a different computation from the driver's, with the same answer only if both are right.
    /// </summary>
    public static ushort Crc16(byte[] data, int offset, int count)
    {
        int reflected = 0;
        for (int i = offset; i < offset + count; i++)
        {
            reflected ^= data[i];
            for (int bit = 0; bit < 8; bit++)
            {
                reflected = (reflected & 1) != 0 ? (reflected >> 1) ^ 0xA001 : reflected >> 1;
            }
        }
        int crc = 0;
        for (int bit = 0; bit < 16; bit++)
        {
            if ((reflected & (1 << bit)) != 0) crc |= 0x8000 >> bit;
        }
        return (ushort)crc;
    }

    /// <summary>Incremental CRC over several pieces: the data-zone lock's summary covers slots then OTP.</summary>
    public sealed class Crc16Stream
    {
        private readonly System.Collections.Generic.List<byte> _bytes = new();

        public void Append(byte[] data, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++) _bytes.Add(data[i]);
        }

        public ushort Value
        {
            get
            {
                byte[] all = _bytes.ToArray();
                return Crc16(all, 0, all.Length);
            }
        }
    }
}
