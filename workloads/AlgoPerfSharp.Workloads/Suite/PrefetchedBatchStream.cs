using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// An <see cref="IBatchStream"/> over a <see cref="BatchPrefetcher{T}"/>: host-side batches (arrays) are prepared on a
/// background thread; <see cref="Next"/> only turns the next one into tensors in the caller's DisposeScope.
/// </summary>
/// <typeparam name="T">The host-side batch type.</typeparam>
internal sealed class PrefetchedBatchStream<T> : IBatchStream
{
    private readonly BatchPrefetcher<T> _prefetcher;
    private readonly Func<T, Batch> _toTensors;

    public PrefetchedBatchStream(Func<long, T> produce, Func<T, Batch> toTensors, long startIndex, string name)
    {
        _toTensors = toTensors;
        _prefetcher = new BatchPrefetcher<T>(produce, startIndex, capacity: 4, name: name);
    }

    public long NextIndex => _prefetcher.NextIndex;

    public TimeSpan StallTime => _prefetcher.StallTime;

    public Batch Next() => _toTensors(_prefetcher.Next());

    public void Dispose() => _prefetcher.Dispose();
}
