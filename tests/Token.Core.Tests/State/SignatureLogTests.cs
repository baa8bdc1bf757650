using System;
using System.Collections.Generic;
using ProvenanceDevice.Token.Protocol;
using ProvenanceDevice.Token.State;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests.State;

public class SignatureLogTests
{
    private static byte[] Digest(int i) => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i));

    [Fact]
    public void RingKeepsNewestEntriesAndRecoversAfterRestart()
    {
        var flash = new SimulatedFlash();
        var log = new SignatureLog(flash, 64);
        for (int i = 1; i <= 150; i++) log.Append(i, 1000 + i, Digest(i));

        Assert.Equal(150, log.NextIndex);
        Assert.Equal(63, log.Count);
        Assert.Null(log.Read(log.FirstIndex - 1));

        var reopened = new SignatureLog(flash, 64);
        Assert.Equal(log.FirstIndex, reopened.FirstIndex);
        Assert.Equal(log.NextIndex, reopened.NextIndex);
        Assert.Equal(log.LastEntry.Hash, reopened.LastEntry.Hash);

        var entries = new List<LogEntry>();
        for (long index = reopened.FirstIndex; index < reopened.NextIndex; index++) entries.Add(reopened.Read(index));
        LogChain.AssertValid(entries);
        Assert.Equal(150, entries[^1].Counter);

        LogEntry next = reopened.Append(151, 2000, Digest(151));
        Assert.Equal(log.LastEntry.Hash, next.PreviousHash);
    }

    [Fact]
    public void ClearStartsANewChainThatSurvivesRestart()
    {
        var flash = new SimulatedFlash();
        var log = new SignatureLog(flash, 64);
        for (int i = 1; i <= 5; i++) log.Append(i, 0, Digest(i));
        log.Clear();
        LogEntry first = log.Append(6, 0, Digest(6));

        Assert.Equal(new byte[32], first.PreviousHash);
        var reopened = new SignatureLog(flash, 64);
        Assert.Equal(1, reopened.Count);
        Assert.Equal(6, reopened.LastEntry.Counter);
    }

    [Fact]
    public void TornNewestRecordIsDroppedAndItsSlotReused()
    {
        var flash = new SimulatedFlash(3);
        var log = new SignatureLog(flash, 64);
        for (int i = 1; i <= 3; i++) log.Append(i, 0, Digest(i));
        flash.CutPowerAfter(0);
        Assert.Throws<ProtocolException>(() => log.Append(4, 0, Digest(4)));
        flash.PowerOn();

        var reopened = new SignatureLog(flash, 64);
        Assert.Equal(3, reopened.Count);
        Assert.Equal(3, reopened.LastEntry.Counter);
        LogEntry replacement = reopened.Append(5, 0, Digest(5));
        Assert.Equal(5, replacement.Counter);
        Assert.Equal(4, reopened.NextIndex);
        Assert.Equal(reopened.Read(2).Hash, replacement.PreviousHash);
    }

    [Fact]
    public void TooSmallRingIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignatureLog(new SimulatedFlash(), SignatureLog.MetaInterval));
    }

    [Fact]
    public void DurableRecordKeepsPreviousValueWhenAWriteIsTorn()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var flash = new SimulatedFlash(seed);
            var record = new DurableRecord(flash, "value");
            record.Write(new byte[] { 1, 2, 3 });
            record.Write(new byte[] { 4, 5, 6 });
            flash.CutPowerAfter(0);
            Assert.Throws<ProtocolException>(() => record.Write(new byte[] { 7, 8, 9 }));
            flash.PowerOn();

            Assert.Equal(new byte[] { 4, 5, 6 }, new DurableRecord(flash, "value").Read());
        }
    }
}
