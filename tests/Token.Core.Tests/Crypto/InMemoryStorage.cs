using System.Collections.Generic;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.Crypto;

/// <summary>Named records in a dictionary; stores copies so callers cannot change what was written.</summary>
internal sealed class InMemoryStorage : IStorage
{
    private readonly Dictionary<string, byte[]> _records = new();

    public List<string> Writes { get; } = new();

    public byte[] Read(string name) => _records.TryGetValue(name, out byte[]? data) ? (byte[])data.Clone() : null!;

    /// <summary>When set, the next Write throws before storing anything, like a flash driver error.</summary>
    public bool FailNextWrite { get; set; }

    public void Write(string name, byte[] data)
    {
        if (FailNextWrite)
        {
            FailNextWrite = false;
            throw new System.IO.IOException("simulated flash write failure");
        }
        Writes.Add(name);
        _records[name] = (byte[])data.Clone();
    }

    public void Delete(string name) => _records.Remove(name);

    public bool Contains(string name) => _records.ContainsKey(name);

    /// <summary>Simulates a write cut short by a power loss: keeps only the first <paramref name="length"/> bytes.</summary>
    public void Truncate(string name, int length) => _records[name] = _records[name][..length];

    public void Corrupt(string name, int index) => _records[name][index] ^= 0x01;
}
