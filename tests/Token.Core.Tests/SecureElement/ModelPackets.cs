using System;
using Chip = ProvenanceDevice.Token.Emulator.SecureElement.Atecc608Datasheet;

namespace Token.Core.Tests.SecureElement;

/// <summary>Packets built with the chip model's own encoding (never the driver's), for talking to the model directly.</summary>
internal static class ModelPackets
{
    /// <summary>A command packet built from the model's own encoding, not the driver's.</summary>
    internal static byte[] Command(int opcode, int mode, int param2, byte[] data)
    {
        int count = Chip.CommandOverhead + data.Length;
        byte[] packet = new byte[count + 1];
        packet[0] = Chip.WordAddress.Command;
        packet[1] = (byte)count;
        packet[2] = (byte)opcode;
        packet[3] = (byte)mode;
        packet[4] = (byte)param2;
        packet[5] = (byte)(param2 >> 8);
        data.CopyTo(packet, 6);
        ushort crc = Chip.Crc16(packet, 1, count - 2);
        packet[count - 1] = (byte)crc;
        packet[count] = (byte)(crc >> 8);
        return packet;
    }

    internal static byte[] Status(int status)
    {
        byte[] packet = { 0x04, (byte)status, 0, 0 };
        ushort crc = Chip.Crc16(packet, 0, 2);
        packet[2] = (byte)crc;
        packet[3] = (byte)(crc >> 8);
        return packet;
    }
}
