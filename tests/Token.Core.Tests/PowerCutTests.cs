using System;
using System.Collections.Generic;
using System.Linq;
using ProvenanceDevice.Token.Protocol;
using Token.Core.Tests.Fakes;

namespace Token.Core.Tests;

/// <summary>
/// Cuts power at every storage write step of a run of SIGNs (crossing a log-meta write), a RESET and a new key,
/// restarts the token on what survived, and checks that no released counter value ever comes back and that
/// the exported log chain verifies.
/// </summary>
public class PowerCutTests
{
    private const int SignaturesBeforeArming = 28;

    private enum Step { Sign, Reset, GenerateKey }

    private static readonly Step[] ArmedSteps =
    {
        Step.Sign, Step.Sign, Step.Sign, Step.Sign, Step.Sign, Step.Reset, Step.GenerateKey, Step.Sign, Step.Sign, Step.Sign,
    };

    private sealed class Released
    {
        public long Counter;
        public byte[] EntryHash = Array.Empty<byte>();
        public bool AfterLastReset;
    }

    [Fact]
    public void CounterNeverRepeatsAndLogVerifiesWhereverPowerIsCut()
    {
        int totalSteps = CountArmedWriteSteps();
        Assert.True(totalSteps >= 20, "expected at least 20 write steps, saw " + totalSteps);

        for (int cutAt = 0; cutAt < totalSteps; cutAt++)
        {
            for (int seed = 1; seed <= 2; seed++)
            {
                RunWithCut(cutAt, seed);
            }
        }
    }

    [Fact]
    public void WrongPinCountedEvenWhenPowerIsCutRightAfterTheTry()
    {
        var rig = new TokenRig();
        rig.Pin(PinRequest.Set, "1357");
        rig.Reconnect();
        // The first write of a VERIFY is the failure count; cut the one after it (the reset to 0 on success).
        rig.Flash.CutPowerAfter(1);
        TokenReply reply = rig.Pin(PinRequest.Verify, "1357");
        Assert.False(reply.Received);
        rig.Restart();
        Assert.Equal(7, rig.InfoFields().PinTriesLeft);
        Assert.False(rig.Pin(PinRequest.Verify, "1357").IsError);
        Assert.Equal(8, rig.InfoFields().PinTriesLeft);
    }

    // The state before arming is built once and copied into every run.
    private static readonly TokenRig Prepared = PrepareOnce(out PreparedReleases);
    private static readonly List<Released> PreparedReleases;

    private static int CountArmedWriteSteps()
    {
        var rig = Prepare(1, out _);
        int before = rig.Flash.Steps;
        foreach (Step step in ArmedSteps) Perform(rig, step, new List<Released>(), new bool[1]);
        return rig.Flash.Steps - before;
    }

    private static TokenRig PrepareOnce(out List<Released> released)
    {
        var rig = new TokenRig();
        rig.Button.AutoPress = true;
        rig.GenerateKeyPressed();
        released = new List<Released>();
        for (int i = 0; i < SignaturesBeforeArming; i++) Perform(rig, Step.Sign, released, new bool[1]);
        return rig;
    }

    private static TokenRig Prepare(int seed, out List<Released> released)
    {
        var rig = new TokenRig(Prepared.Flash.Clone(seed), Prepared.Key.Clone());
        rig.Button.AutoPress = true;
        released = PreparedReleases.Select(r => new Released { Counter = r.Counter, EntryHash = r.EntryHash, AfterLastReset = true }).ToList();
        return rig;
    }

    private static void RunWithCut(int cutAt, int seed)
    {
        string where = "cut at write step " + cutAt + ", tearing seed " + seed;
        TokenRig rig = Prepare(seed, out List<Released> released);
        var resetAttempted = new bool[1];
        rig.Flash.CutPowerAfter(cutAt);
        foreach (Step step in ArmedSteps)
        {
            Perform(rig, step, released, resetAttempted);
            if (rig.Flash.PoweredOff) break;
        }
        Assert.True(rig.Flash.PoweredOff, where + ": power was never cut");

        rig.Restart();
        if (!rig.InfoFields().HasKey) rig.GenerateKeyPressed();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Perform(rig, Step.Sign, released, resetAttempted), where + ": signing after restart failed");
        }

        long[] counters = released.Select(r => r.Counter).ToArray();
        for (int i = 1; i < counters.Length; i++)
        {
            Assert.True(counters[i] > counters[i - 1],
                where + ": counter " + counters[i] + " released after " + counters[i - 1] + " (" + string.Join(",", counters) + ")");
        }
        Assert.True(rig.InfoFields().Counter >= counters[^1], where + ": INFO counter below a released value");

        List<LogEntry> log = rig.ReadWholeLog();
        LogChain.AssertValid(log);
        foreach (Released signature in released.Where(r => r.AfterLastReset))
        {
            Assert.True(log.Any(e => e.Counter == signature.Counter && e.Hash.SequenceEqual(signature.EntryHash)),
                where + ": released signature with counter " + signature.Counter + " missing from the log");
        }
    }

    /// <summary>Runs one step; returns true when the token answered with success.</summary>
    private static bool Perform(TokenRig rig, Step step, List<Released> released, bool[] resetAttempted)
    {
        switch (step)
        {
            case Step.Sign:
                // Bound to the counter INFO predicts, as prov signs (protocol 2): a cut must never make that prediction wrong.
                byte[] toBeSigned = TokenRig.WithBinding(BitConverter.GetBytes(released.Count * 7919L + rig.Flash.Steps),
                    rig.Hardware.Serial, rig.InfoFields().Counter + 1, [0x01], out int offset);
                TokenReply reply = rig.SignBound(toBeSigned, offset);
                if (!reply.Received || reply.IsError) return false;
                SignReply signed = SignReply.Decode(reply.Payload);
                Assert.True(EcdsaTestKey.Verify(rig.Key.GetPublicKey(), toBeSigned, signed.Signature));
                released.Add(new Released { Counter = signed.Counter, EntryHash = signed.EntryHash, AfterLastReset = true });
                return true;
            case Step.Reset:
                resetAttempted[0] = true;
                foreach (Released r in released) r.AfterLastReset = false;
                TokenReply reset = rig.Request(MessageType.Reset);
                return reset.Received && !reset.IsError;
            default:
                TokenReply generated = rig.Request(MessageType.GenerateKey);
                return generated.Received && !generated.IsError;
        }
    }
}
