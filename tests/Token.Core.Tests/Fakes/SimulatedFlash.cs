using System;
using System.Collections.Generic;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.Fakes;

/// <summary>Thrown by <see cref="SimulatedFlash"/> at the moment power is cut.</summary>
public sealed class PowerCutException : Exception
{
    public PowerCutException() : base("power cut") { }
}

/// <summary>
/// Record storage that can lose power at write step k: that write is left torn (only a prefix of the new bytes
/// reached flash; the rest is the old record, erased 0xFF, or missing), the write throws, and every later write
/// fails until the test "restarts" the token with <see cref="PowerOn"/>.
/// </summary>
public sealed class SimulatedFlash : IStorage
{
    private readonly Dictionary<string, byte[]> _records = new(StringComparer.Ordinal);
    private readonly Random _tearing;
    private int _cutAtStep = -1;

    public SimulatedFlash(int seed = 1)
    {
        _tearing = new Random(seed);
    }

    /// <summary>Write and delete calls made while powered (each one a step).</summary>
    public int Steps { get; private set; }

    public bool PoweredOff { get; private set; }

    public int RecordCount => _records.Count;

    /// <summary>A copy of the stored records, powered on, tearing with its own seed.</summary>
    public SimulatedFlash Clone(int seed)
    {
        var copy = new SimulatedFlash(seed);
        foreach (var record in _records) copy._records[record.Key] = (byte[])record.Value.Clone();
        return copy;
    }

    /// <summary>Cuts power during the <paramref name="stepsFromNow"/>-th write or delete from now (0 = the next one).</summary>
    public void CutPowerAfter(int stepsFromNow) => _cutAtStep = Steps + stepsFromNow;

    /// <summary>Power comes back: writes work again (torn records stay torn).</summary>
    public void PowerOn()
    {
        PoweredOff = false;
        _cutAtStep = -1;
    }

    public byte[]? Read(string name)
    {
        return _records.TryGetValue(name, out byte[]? data) ? (byte[])data.Clone() : null;
    }

    public void Write(string name, byte[] data)
    {
        if (PoweredOff) throw new PowerCutException();
        if (Steps++ == _cutAtStep)
        {
            _records[name] = Tear(_records.TryGetValue(name, out byte[]? old) ? old : null, data);
            PoweredOff = true;
            throw new PowerCutException();
        }
        _records[name] = (byte[])data.Clone();
    }

    public void Delete(string name)
    {
        if (PoweredOff) throw new PowerCutException();
        if (Steps++ == _cutAtStep)
        {
            PoweredOff = true;
            throw new PowerCutException();
        }
        _records.Remove(name);
    }

    /// <summary>Overwrites the stored bytes of a record in place (tests of corrupted storage).</summary>
    public void Corrupt(string name, int offset)
    {
        _records[name][offset] ^= 0x5A;
    }

    private byte[] Tear(byte[]? old, byte[] data)
    {
        int written = _tearing.Next(0, data.Length);
        switch (_tearing.Next(3))
        {
            case 0:
                return data[..written];
            case 1:
                var erased = new byte[data.Length];
                Array.Fill(erased, (byte)0xFF);
                Array.Copy(data, erased, written);
                return erased;
            default:
                var mixed = old != null && old.Length == data.Length ? (byte[])old.Clone() : new byte[data.Length];
                Array.Copy(data, mixed, written);
                return mixed;
        }
    }
}
