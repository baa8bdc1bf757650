namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// Payload of the PIN request: sub-command (1 byte), then the PIN as a length-prefixed byte string, and for
    /// CHANGE the new PIN the same way. PINs are 4..32 bytes (UTF-8 of what the user typed).
    /// </summary>
    public sealed class PinRequest
    {
        /// <summary>Sets a PIN when none is set: [0x01][len][pin].</summary>
        public const int Set = 0x01;
        /// <summary>Verifies the PIN for this connection: [0x02][len][pin].</summary>
        public const int Verify = 0x02;
        /// <summary>Replaces the PIN: [0x03][len][old pin][len][new pin].</summary>
        public const int Change = 0x03;
        /// <summary>Reports the PIN state only: [0x04].</summary>
        public const int Status = 0x04;

        /// <summary>Shortest PIN, bytes.</summary>
        public const int MinLength = 4;
        /// <summary>Longest PIN, bytes.</summary>
        public const int MaxLength = 32;

        /// <summary>Set, Verify, Change or Status.</summary>
        public int SubCommand;
        /// <summary>The PIN (the old one for Change).</summary>
        public byte[] Pin;
        /// <summary>The new PIN (Change only).</summary>
        public byte[] NewPin;

        /// <summary>The request payload.</summary>
        public byte[] Encode()
        {
            PayloadWriter writer = new PayloadWriter(68);
            writer.WriteByte(SubCommand);
            if (SubCommand != Status) writer.WriteShortBytes(Pin);
            if (SubCommand == Change) writer.WriteShortBytes(NewPin);
            return writer.ToArray();
        }

        /// <summary>Parses and checks the request (strict: known sub-command, PIN lengths 4..32, no trailing bytes).</summary>
        public static PinRequest Decode(byte[] payload)
        {
            PayloadReader reader = new PayloadReader(payload);
            PinRequest request = new PinRequest();
            request.SubCommand = reader.ReadByte("sub-command");
            if (request.SubCommand < Set || request.SubCommand > Status)
            {
                throw new ProtocolException(ErrorCode.BadPayload, "sub-command at offset 0 is " + request.SubCommand.ToString() + ", expected 1..4");
            }
            if (request.SubCommand != Status) request.Pin = ReadPin(reader, "PIN");
            if (request.SubCommand == Change) request.NewPin = ReadPin(reader, "new PIN");
            reader.ExpectEnd("PIN request");
            return request;
        }

        private static byte[] ReadPin(PayloadReader reader, string field)
        {
            int at = reader.Position;
            byte[] pin = reader.ReadShortBytes(field);
            if (pin.Length < MinLength || pin.Length > MaxLength)
            {
                throw new ProtocolException(ErrorCode.BadPayload, field + " at offset " + at.ToString() + " is "
                    + pin.Length.ToString() + " bytes, expected 4..32");
            }
            return pin;
        }
    }
}
