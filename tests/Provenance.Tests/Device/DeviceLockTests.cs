using System;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Tests.Device;

public sealed class DeviceLockTests
{
    private static string UniqueEndpoint() => "tcp://127.0.0.1:" + Random.Shared.Next(1, 65535) + "/" + Guid.NewGuid().ToString("N");

    [Fact]
    public void ASecondHolderIsRefusedAndToldWhoHoldsTheToken()
    {
        string endpoint = UniqueEndpoint();
        using (DeviceLock? first = DeviceLock.TryAcquire(endpoint, "prov watch", out _))
        {
            Assert.NotNull(first);
            DeviceLock? second = DeviceLock.TryAcquire(endpoint, "prov sign", out DeviceLockHolder? holder);

            Assert.Null(second);
            Assert.Equal("in use by PID " + Environment.ProcessId + " (prov watch)", holder!.Describe());
        }
        using DeviceLock? after = DeviceLock.TryAcquire(endpoint, "prov sign", out _);
        Assert.NotNull(after);
    }

    [Fact]
    public async Task AWaiterIsToldOnceAndGetsTheTokenWhenItIsReleased()
    {
        string endpoint = UniqueEndpoint();
        DeviceLock first = DeviceLock.TryAcquire(endpoint, "prov watch", out _)!;
        int told = 0;
        Task<DeviceLock> waiting = DeviceLock.AcquireAsync(endpoint, "prov sign", _ => Interlocked.Increment(ref told), CancellationToken.None);
        await Task.Delay(400);
        Assert.False(waiting.IsCompleted);

        first.Dispose();
        using DeviceLock second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, told);
    }

    [Fact]
    public void DistinctEndpointsHaveDistinctLockFiles()
    {
        Assert.NotEqual(DeviceLock.FileNameFor("tcp://127.0.0.1:7000"), DeviceLock.FileNameFor("tcp://127.0.0.1:7001"));
        Assert.Equal(DeviceLock.FileNameFor("tcp://127.0.0.1:7000"), DeviceLock.FileNameFor("TCP://127.0.0.1:7000"));
    }
}
