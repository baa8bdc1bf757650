namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>ATECC608B command opcodes, their names, and their maximum execution times.</summary>
    public static class AteccOpcode
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

        public static string Name(int opcode)
        {
            switch (opcode)
            {
                case Read: return "Read";
                case Write: return "Write";
                case Nonce: return "Nonce";
                case Lock: return "Lock";
                case Random: return "Random";
                case Counter: return "Counter";
                case Info: return "Info";
                case GenKey: return "GenKey";
                case Sign: return "Sign";
                case Sha: return "SHA";
                default: return "Opcode 0x" + ((byte)opcode).ToString("X2");
            }
        }

        /// <summary>
        /// Maximum execution time in milliseconds at the default clock divider (ChipMode bits 3-7 = 0),
        /// the ATECC608 "M0" table of CryptoAuthLib; the driver plans wake sessions with it (it polls for an answer up to
        /// <see cref="Atecc608.PollingMaxMs"/>, as a 608B may take longer).
        /// </summary>
        public static int MaxExecutionMs(int opcode)
        {
            switch (opcode)
            {
                case Read: return 5;
                case Write: return 45;
                case Nonce: return 20;
                case Lock: return 35;
                case Random: return 23;
                case Counter: return 25;
                case Info: return 5;
                case GenKey: return 115;
                case Sign: return 115;
                case Sha: return 36;
                default: return 250;
            }
        }
    }

    /// <summary>The chip's memory zones as the Read, Write and Lock commands number them.</summary>
    public static class AteccZone
    {
        public const int Config = 0x00;
        public const int Otp = 0x01;
        public const int Data = 0x02;

        /// <summary>Param1 bit 7 of Read/Write: transfer 32 bytes instead of 4.</summary>
        public const int Block32 = 0x80;

        public const int ConfigSize = 128;
        public const int OtpSize = 64;
        public const int SlotCount = 16;

        /// <summary>Slot sizes in bytes: slots 0-7 hold 36, slot 8 holds 416, slots 9-15 hold 72.</summary>
        public static int SlotSize(int slot)
        {
            if (slot < 0 || slot >= SlotCount) throw new System.ArgumentOutOfRangeException("slot");
            if (slot < 8) return 36;
            if (slot == 8) return 416;
            return 72;
        }

        /// <summary>Param2 for the config or OTP zone: block in bits 3-4, 4-byte word in bits 0-2.</summary>
        public static int ConfigAddress(int block, int word)
        {
            return ((block & 0x03) << 3) | (word & 0x07);
        }

        /// <summary>Param2 for the data zone: block in bits 8-11, slot in bits 3-6, word in bits 0-2.</summary>
        public static int DataAddress(int slot, int block, int word)
        {
            return ((block & 0x0F) << 8) | ((slot & 0x0F) << 3) | (word & 0x07);
        }
    }
}
