using ProvenanceDevice.Token.Hal;
using ProvenanceDevice.Token.Protocol;

namespace ProvenanceDevice.Token.State
{
    /// <summary>
    /// A small value kept in two alternating storage records ("name.0", "name.1") so that a power cut while writing
    /// one never loses the other. Each slot holds: sequence (4, big-endian), length (2), data, and a check value,
    /// the first 8 bytes of SHA-256(sequence || length || data). Reading picks the valid slot with the higher
    /// sequence; writing always goes to the other slot, so the newest intact value survives a torn write.
    /// </summary>
    public sealed class DurableRecord
    {
        private const int CheckLength = 8;
        private const int MaxDataLength = 1024;

        private readonly IStorage _storage;
        private readonly string _name;
        private long _sequence = -1;

        /// <summary>A record kept as name.0 / name.1 in storage.</summary>
        public DurableRecord(IStorage storage, string name)
        {
            _storage = storage;
            _name = name;
        }

        /// <summary>The newest intact value, or null when neither slot holds one.</summary>
        public byte[] Read()
        {
            byte[] best = null;
            long bestSequence = -1;
            for (int slot = 0; slot < 2; slot++)
            {
                byte[] raw = Storage.Read(_storage, SlotName(slot));
                long sequence = ParseSequence(raw);
                if (sequence > bestSequence)
                {
                    bestSequence = sequence;
                    best = ParseData(raw);
                }
            }
            _sequence = bestSequence;
            return best;
        }

        /// <summary>Writes a new value into the slot not holding the newest one.</summary>
        public void Write(byte[] data)
        {
            if (data.Length > MaxDataLength) throw new System.ArgumentException("record data too long", "data");
            if (_sequence < 0) Read();
            long sequence = (_sequence + 1) & 0xFFFFFFFFL;
            byte[] raw = new byte[6 + data.Length + CheckLength];
            raw[0] = (byte)(sequence >> 24);
            raw[1] = (byte)(sequence >> 16);
            raw[2] = (byte)(sequence >> 8);
            raw[3] = (byte)sequence;
            raw[4] = (byte)(data.Length >> 8);
            raw[5] = (byte)data.Length;
            System.Array.Copy(data, 0, raw, 6, data.Length);
            byte[] check = Check(raw, 6 + data.Length);
            System.Array.Copy(check, 0, raw, 6 + data.Length, CheckLength);
            Storage.Write(_storage, SlotName((int)(sequence & 1)), raw);
            _sequence = sequence;
        }

        private string SlotName(int slot)
        {
            return slot == 0 ? _name + ".0" : _name + ".1";
        }

        private static long ParseSequence(byte[] raw)
        {
            if (raw == null || raw.Length < 6 + CheckLength) return -1;
            int length = (raw[4] << 8) | raw[5];
            if (raw.Length != 6 + length + CheckLength) return -1;
            byte[] check = Check(raw, 6 + length);
            for (int i = 0; i < CheckLength; i++)
            {
                if (raw[6 + length + i] != check[i]) return -1;
            }
            return ((long)raw[0] << 24) | ((long)raw[1] << 16) | ((long)raw[2] << 8) | raw[3];
        }

        private static byte[] ParseData(byte[] raw)
        {
            int length = (raw[4] << 8) | raw[5];
            byte[] data = new byte[length];
            System.Array.Copy(raw, 6, data, 0, length);
            return data;
        }

        private static byte[] Check(byte[] raw, int count)
        {
            Crypto.Sha256 sha = new Crypto.Sha256();
            sha.Update(raw, 0, count);
            return sha.Final();
        }
    }

    /// <summary>Storage calls that turn any failure into a <see cref="ErrorCode.HardwareError"/>.</summary>
    internal static class Storage
    {
        public static byte[] Read(IStorage storage, string name)
        {
            try
            {
                return storage.Read(name);
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "storage read failed: " + name);
            }
        }

        public static void Write(IStorage storage, string name, byte[] data)
        {
            try
            {
                storage.Write(name, data);
            }
            catch (System.Exception)
            {
                throw new ProtocolException(ErrorCode.HardwareError, "storage write failed: " + name);
            }
        }
    }
}
