using System;
using System.Collections.Generic;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.SecureElement;

/// <summary>Passes everything to an inner bus and records what was written; can corrupt chosen command packets on the way.</summary>
internal sealed class RecordingBus : II2cBus
{
    private readonly II2cBus _inner;
    private int _corruptCommands;

    public RecordingBus(II2cBus inner)
    {
        _inner = inner;
    }

    public List<byte[]> Writes { get; } = new();

    public IEnumerable<byte[]> CommandPackets
    {
        get
        {
            foreach (byte[] write in Writes)
            {
                if (write.Length > 1 && write[0] == 0x03) yield return write;
            }
        }
    }

    /// <summary>Flips a data bit in the next <paramref name="count"/> command packets, as noise on SDA would.</summary>
    public void CorruptNextCommands(int count) => _corruptCommands = count;

    public bool Write(byte[] data)
    {
        byte[] copy = (byte[])data.Clone();
        Writes.Add(copy);
        if (_corruptCommands > 0 && copy.Length > 3 && copy[0] == 0x03)
        {
            _corruptCommands--;
            byte[] noisy = (byte[])data.Clone();
            noisy[2] ^= 0x40;
            return _inner.Write(noisy);
        }
        return _inner.Write(data);
    }

    public bool Read(byte[] buffer) => _inner.Read(buffer);

    public void Wake() => _inner.Wake();

    public void DelayMs(int ms) => _inner.DelayMs(ms);
}

/// <summary>A bus with nothing on it: no device ever acknowledges.</summary>
internal sealed class EmptyBus : II2cBus
{
    public int WakePulses { get; private set; }

    public bool Write(byte[] data) => false;

    public bool Read(byte[] buffer) => false;

    public void Wake() => WakePulses++;

    public void DelayMs(int ms)
    {
    }
}

/// <summary>Answers every read with fixed bytes, for testing response parsing in the driver.</summary>
internal sealed class ScriptedBus : II2cBus
{
    private readonly Queue<byte[]> _answers = new();
    private byte[]? _current;
    private int _position;

    public int CommandsSent { get; private set; }

    public void Enqueue(params byte[] answer) => _answers.Enqueue(answer);

    public bool Write(byte[] data)
    {
        if (data.Length > 0 && data[0] == 0x03)
        {
            CommandsSent++;
            _current = _answers.Count > 0 ? _answers.Dequeue() : null;
            _position = 0;
        }
        return true;
    }

    public bool Read(byte[] buffer)
    {
        if (buffer.Length == 4 && _current == null)
        {
            new byte[] { 0x04, 0x11, 0x33, 0x43 }.CopyTo(buffer, 0);
            return true;
        }
        if (_current == null || _position + buffer.Length > _current.Length) return false;
        Array.Copy(_current, _position, buffer, 0, buffer.Length);
        _position += buffer.Length;
        return true;
    }

    public void Wake() => _current = null;

    public void DelayMs(int ms)
    {
    }
}

/// <summary>Passes everything through until <c>commandsBeforeCut</c> command packets were sent, then goes dead, as when the board loses power.</summary>
internal sealed class PowerCutBus : II2cBus
{
    private readonly II2cBus _inner;
    private int _commandsLeft;

    public PowerCutBus(II2cBus inner, int commandsBeforeCut)
    {
        _inner = inner;
        _commandsLeft = commandsBeforeCut;
    }

    public bool Write(byte[] data)
    {
        if (_commandsLeft <= 0) return false;
        if (data.Length > 1 && data[0] == 0x03) _commandsLeft--;
        return _inner.Write(data);
    }

    public bool Read(byte[] buffer) => _commandsLeft > 0 && _inner.Read(buffer);

    public void Wake()
    {
        if (_commandsLeft > 0) _inner.Wake();
    }

    public void DelayMs(int ms) => _inner.DelayMs(ms);
}
