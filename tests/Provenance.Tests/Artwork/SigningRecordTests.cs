using System;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using Provenance.Artwork;

namespace Provenance.Tests.Artwork;

/// <summary>The artist's signing record (issue 15): what it keeps, what a revocation window lists, and the log's gaps.</summary>
public sealed class SigningRecordTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("prov-record-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static SignatureRecord Work(string serial, long counter, DateTimeOffset? stamp = null) =>
        new(serial, counter, "artwork", $"/art/work{counter}.jpg", new string('a', 64), counter.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), new DateTimeOffset(2026, 12, 6, 9, 0, (int)counter, TimeSpan.Zero), stamp, CounterBound: true);

    [Fact]
    public void KeepsEachSignatureAndListsARevocationWindowPerToken()
    {
        string path = Path.Combine(_folder, "record.db");
        using (SigningRecord record = SigningRecord.Open(path))
        {
            for (long c = 1; c <= 5; c++) record.Add(Work("TK-1", c, c == 2 ? new DateTimeOffset(2026, 12, 6, 9, 30, 0, TimeSpan.Zero) : null));
            record.Add(Work("TK-2", 4));
        }
        // Reopened, as the next prov run does.
        using SigningRecord reopened = SigningRecord.Open(path);
        Assert.Equal([4L, 5L], reopened.List("TK-1", fromCounter: 4).Select(s => s.Counter));
        Assert.Equal(6, reopened.List().Count);
        SignatureRecord stamped = reopened.List("TK-1").Single(s => s.Counter == 2);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 9, 30, 0, TimeSpan.Zero), stamped.TimeStamp);
        Assert.Equal("/art/work2.jpg", stamped.File);
        Assert.Null(reopened.List("TK-1").Single(s => s.Counter == 3).TimeStamp);
    }

    [Fact]
    public void ACounterIsKeptOnceTheFirstRecordStays()
    {
        string path = Path.Combine(_folder, "record.db");
        using SigningRecord record = SigningRecord.Open(path);
        record.Add(Work("TK-1", 7));
        record.Add(Work("TK-1", 7) with { File = "/elsewhere/other.jpg" });
        Assert.Equal("/art/work7.jpg", Assert.Single(record.List("TK-1")).File);
    }

    [Fact]
    public void ANewerSchemaIsRefusedAndLeftAsItWas()
    {
        string path = Path.Combine(_folder, "future.db");
        using (var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE signatures (x); PRAGMA user_version = 9;";
            command.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(path);
        var refused = Assert.Throws<InvalidDataException>(() => SigningRecord.Open(path));
        Assert.Contains("schema version 9", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.NotNull(SigningRecord.TryAdd(Work("TK-1", 1), path));
    }

    [Fact]
    public void CountersInTheLogThatTheRecordNeverSawAreMadeElsewhere()
    {
        SignatureRecord[] ours = [Work("TK-1", 1), Work("TK-1", 2), Work("TK-1", 5)];
        (long, string)[] log = [.. new long[] { 1, 2, 3, 4, 5, 6 }.Select(c => (c, c.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)))];
        Assert.Equal([3L, 4L, 6L], SignatureGaps.MadeElsewhere(log, ours));
        // The same counter with another log entry (a record from another token state) is not the artist's signature either.
        log[1] = (2, new string('f', 64));
        Assert.Equal([2L, 3L, 4L, 6L], SignatureGaps.MadeElsewhere(log, ours));
        Assert.Empty(SignatureGaps.MadeElsewhere(log.Take(1), ours));
    }
}
