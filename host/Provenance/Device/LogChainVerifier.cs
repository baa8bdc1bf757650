using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Security.Cryptography;

namespace Provenance.Device;

/// <summary>The outcome of checking a token's signature log.</summary>
/// <param name="Intact">True when every hash recomputes and every entry links to the one before.</param>
/// <param name="Problems">One line per problem, naming the entry (empty when intact).</param>
public sealed record LogChainResult(bool Intact, IReadOnlyList<string> Problems);

/// <summary>
/// Checks the hash chain of an exported log independently of the token: each entry's hash is recomputed as
/// SHA-256(counter (8, big-endian) ‖ time (8, big-endian) ‖ digest (32) ‖ previous hash (32)), each entry's previous
/// hash must equal the hash of the entry before it, the first entry of an unwrapped log must point at 32 zero bytes,
/// and counters must strictly increase (a counter value is never reused).
/// </summary>
public static class LogChainVerifier
{
    /// <summary>Checks <paramref name="log"/>; an empty log is intact.</summary>
    public static LogChainResult Verify(TokenLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var problems = new List<string>();
        TokenLogEntry? previous = null;
        foreach (TokenLogEntry entry in log.Entries)
        {
            string where = "entry " + entry.Index + " (counter " + entry.Counter + ")";
            if (entry.Digest.Length != 32 || entry.PreviousHash.Length != 32 || entry.Hash.Length != 32)
            {
                problems.Add(where + ": hash fields are not 32 bytes");
                previous = entry;
                continue;
            }
            if (!CryptographicOperations.FixedTimeEquals(ComputeHash(entry), entry.Hash))
            {
                problems.Add(where + ": hash does not match its contents");
            }
            if (previous is null)
            {
                // Entries before FirstIndex were dropped when the log wrapped; only a log starting at 0 must start from zeros.
                if (entry.Index == 0 && entry.PreviousHash.AsSpan().ContainsAnyExcept((byte)0))
                {
                    problems.Add(where + ": first entry does not start the chain (previous hash is not zero)");
                }
            }
            else
            {
                if (entry.Index != previous.Index + 1) problems.Add(where + ": follows entry " + previous.Index + " (entries missing)");
                if (!entry.PreviousHash.AsSpan().SequenceEqual(previous.Hash)) problems.Add(where + ": previous hash does not match entry " + previous.Index);
                if (entry.Counter <= previous.Counter) problems.Add(where + ": counter does not increase after " + previous.Counter);
            }
            previous = entry;
        }
        return new LogChainResult(problems.Count == 0, problems);
    }

    /// <summary>SHA-256(counter ‖ time ‖ digest ‖ previous hash), as the token computes an entry's hash.</summary>
    public static byte[] ComputeHash(TokenLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var input = new byte[8 + 8 + 32 + 32];
        BinaryPrimitives.WriteInt64BigEndian(input.AsSpan(0, 8), entry.Counter);
        BinaryPrimitives.WriteInt64BigEndian(input.AsSpan(8, 8), entry.UnixTime);
        entry.Digest.CopyTo(input, 16);
        entry.PreviousHash.CopyTo(input, 48);
        return SHA256.HashData(input);
    }
}
