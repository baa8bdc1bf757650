namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>
    /// The ATECC608B configuration zone layout and the configuration this token writes
    /// (documented field by field in SecureElement/README.md).
    /// </summary>
    public static class Atecc608Config
    {
        public const int SerialNumber0 = 0;
        public const int RevisionNumber = 4;
        public const int SerialNumber4 = 8;
        public const int I2cAddress = 16;
        public const int CountMatch = 18;
        public const int ChipMode = 19;
        public const int SlotConfigBase = 20;
        public const int Counter0 = 52;
        public const int Counter1 = 60;
        public const int UseLock = 68;
        public const int UserExtra = 84;
        public const int LockValue = 86;
        public const int LockConfig = 87;
        public const int SlotLocked = 88;
        public const int ChipOptions = 90;
        public const int X509Format = 92;
        public const int KeyConfigBase = 96;

        /// <summary>Value of LockValue/LockConfig while the zone is unlocked; 0x00 once locked.</summary>
        public const int Unlocked = 0x55;

        /// <summary>The first 16 bytes (serial, revision) are read-only.</summary>
        public const int FirstWritableByte = 16;

        /// <summary>The slot holding the token's P-256 signing key.</summary>
        public const int SigningSlot = 0;

        /// <summary>The clear-text slot holding the key record (SHA-256 of the public key, or zeros when destroyed).</summary>
        public const int KeyRecordSlot = 8;

        // SlotConfig bits (16-bit little-endian per slot).
        public const int SlotReadKeyExternalSignatures = 0x0001;
        public const int SlotNoMac = 0x0010;
        public const int SlotLimitedUse = 0x0020;
        public const int SlotEncryptRead = 0x0040;
        public const int SlotIsSecret = 0x0080;
        public const int SlotWriteConfigShift = 12;

        /// <summary>WriteConfig 0b0000: clear-text Write always allowed.</summary>
        public const int WriteConfigAlways = 0x0;

        /// <summary>WriteConfig 0b0010: Write never; for private keys, GenKey may replace the key after the data lock (bit 1).</summary>
        public const int WriteConfigNeverGenKeyAllowed = 0x2;

        /// <summary>WriteConfig 0b1000: Write never, GenKey never, PrivWrite never.</summary>
        public const int WriteConfigNever = 0x8;

        // KeyConfig bits.
        public const int KeyPrivate = 0x0001;
        public const int KeyPubInfo = 0x0002;
        public const int KeyTypeShift = 2;
        public const int KeyTypeP256 = 4;
        public const int KeyTypeData = 7;
        public const int KeyLockable = 0x0020;

        /// <summary>SlotConfig of the signing slot: external signatures only, Counter0 attached, secret, Write never, GenKey allowed.</summary>
        public const int SigningSlotConfig = SlotReadKeyExternalSignatures | SlotNoMac | SlotLimitedUse | SlotIsSecret
            | (WriteConfigNeverGenKeyAllowed << SlotWriteConfigShift);

        /// <summary>KeyConfig of the signing slot: private P-256 key whose public key may be generated, not slot-lockable.</summary>
        public const int SigningKeyConfig = KeyPrivate | KeyPubInfo | (KeyTypeP256 << KeyTypeShift);

        /// <summary>SlotConfig of the key-record slot: clear data, readable, always writable.</summary>
        public const int KeyRecordSlotConfig = WriteConfigAlways << SlotWriteConfigShift;

        /// <summary>SlotConfig of every unused slot: clear data, never writable after the data lock.</summary>
        public const int UnusedSlotConfig = WriteConfigNever << SlotWriteConfigShift;

        /// <summary>KeyConfig of data slots: not a key (KeyType 7).</summary>
        public const int DataKeyConfig = KeyTypeData << KeyTypeShift;

        /// <summary>Marker written to the OTP zone before the data lock, so the data-zone CRC covers known, non-trivial bytes.</summary>
        public const string OtpTag = "ProvenanceDevice token ATECC608B configuration v1";

        /// <summary>
        /// The 128-byte configuration image this token writes. Bytes 0-15 (serial, revision) and 84-87
        /// (UserExtra, UserExtraAdd, LockValue, LockConfig) are not written by Write and are zero here.
        /// </summary>
        public static byte[] BuildTokenConfiguration()
        {
            byte[] config = new byte[AteccZone.ConfigSize];
            config[I2cAddress] = 0xC0;  // 7-bit address 0x60, the factory default
            config[17] = 0x00;
            config[CountMatch] = 0x00;  // CountMatch disabled
            config[ChipMode] = 0x00;    // default I2C address, fixed reference, 1.3 s watchdog, clock divider M0
            for (int slot = 0; slot < AteccZone.SlotCount; slot++)
            {
                int slotConfig = UnusedSlotConfig;
                int keyConfig = DataKeyConfig;
                if (slot == SigningSlot)
                {
                    slotConfig = SigningSlotConfig;
                    keyConfig = SigningKeyConfig;
                }
                else if (slot == KeyRecordSlot)
                {
                    slotConfig = KeyRecordSlotConfig;
                }
                PutUInt16(config, SlotConfigBase + (2 * slot), slotConfig);
                PutUInt16(config, KeyConfigBase + (2 * slot), keyConfig);
            }
            // Counter0 and Counter1 start at zero: the chip's encoding of 0 is FF FF FF FF 00 00 00 00.
            for (int i = 0; i < 4; i++)
            {
                config[Counter0 + i] = 0xFF;
                config[Counter1 + i] = 0xFF;
            }
            config[SlotLocked] = 0xFF;  // no slot individually locked
            config[SlotLocked + 1] = 0xFF;
            // UseLock, VolatileKeyPermission, SecureBoot, KDF IV, ChipOptions and X509format stay 0: features unused.
            return config;
        }

        /// <summary>True when a config zone read from the chip has the slot settings this token relies on.</summary>
        public static bool MatchesTokenConfiguration(byte[] config)
        {
            if (config == null || config.Length != AteccZone.ConfigSize) return false;
            byte[] wanted = BuildTokenConfiguration();
            for (int i = SlotConfigBase; i < Counter0; i++)
            {
                if (config[i] != wanted[i]) return false;
            }
            for (int i = KeyConfigBase; i < AteccZone.ConfigSize; i++)
            {
                if (config[i] != wanted[i]) return false;
            }
            return true;
        }

        public static int GetUInt16(byte[] data, int offset)
        {
            return data[offset] | (data[offset + 1] << 8);
        }

        private static void PutUInt16(byte[] data, int offset, int value)
        {
            data[offset] = (byte)(value & 0xFF);
            data[offset + 1] = (byte)((value >> 8) & 0xFF);
        }
    }
}
