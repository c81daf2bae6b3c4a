using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Tests;

public sealed class PrefetcherTests
{
    [Fact]
    public void YieldsBatchesInOrderFromTheFirstIndex()
    {
        using var p = new BatchPrefetcher<long>(i => i * i, firstIndex: 5, capacity: 2);
        Assert.Equal(25, p.Next());
        Assert.Equal(36, p.Next());
        Assert.Equal(49, p.Next());
        Assert.Equal(8, p.NextIndex);
    }

    [Fact]
    public void ProducerFailureSurfacesOnTheConsumer()
    {
        using var p = new BatchPrefetcher<int>(i => i < 2 ? (int)i : throw new InvalidDataException("disk gone"), capacity: 4);
        Assert.Equal(0, p.Next());
        Assert.Equal(1, p.Next());
        var e = Assert.Throws<InvalidOperationException>(() => p.Next());
        Assert.Contains("batch 2", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void DisposeStopsABlockedProducer()
    {
        int produced = 0;
        var p = new BatchPrefetcher<int>(i => Interlocked.Increment(ref produced), capacity: 1);
        Thread.Sleep(50);
        p.Dispose(); // the producer is blocked on a full queue; Dispose must not hang
        int after = produced;
        Thread.Sleep(50);
        Assert.Equal(after, produced);
        Assert.Throws<ObjectDisposedException>(() => p.Next());
    }
}
