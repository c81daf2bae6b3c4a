using System.Diagnostics;
using System.Threading.Channels;

namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// Produces batches <c>firstIndex, firstIndex + 1, ...</c> ahead of time on a background thread into a bounded queue,
/// so preparing data never stalls the training step. <see cref="Next"/> is called by one consumer thread.
/// A producer failure is rethrown by the next <see cref="Next"/> call. <see cref="StallTime"/> measures how long the
/// consumer waited (the data pipeline's cost as seen by the timed step).
/// </summary>
/// <typeparam name="T">The batch type.</typeparam>
public sealed class BatchPrefetcher<T> : IDisposable
{
    private readonly Channel<(T? Batch, Exception? Error)> _queue;
    private readonly CancellationTokenSource _cts = new();
    private readonly Thread _thread;
    private long _stallTicks;
    private bool _disposed;

    /// <summary>Starts producing <paramref name="produce"/>(i) for i = <paramref name="firstIndex"/>, ... with at most <paramref name="capacity"/> batches queued.</summary>
    public BatchPrefetcher(Func<long, T> produce, long firstIndex = 0, int capacity = 4, string name = "batch-prefetch")
    {
        ArgumentNullException.ThrowIfNull(produce);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        NextIndex = firstIndex;
        _queue = Channel.CreateBounded<(T?, Exception?)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _thread = new Thread(() => Produce(produce, firstIndex)) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Index of the batch the next <see cref="Next"/> call returns.</summary>
    public long NextIndex { get; private set; }

    /// <summary>Total time <see cref="Next"/> spent waiting for the producer.</summary>
    public TimeSpan StallTime => TimeSpan.FromTicks(Interlocked.Read(ref _stallTicks));

    /// <summary>The next batch, waiting for it if the producer is behind.</summary>
    public T Next()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_queue.Reader.TryRead(out var item))
        {
            long t0 = Stopwatch.GetTimestamp();
            var task = _queue.Reader.ReadAsync(_cts.Token).AsTask();
            item = task.GetAwaiter().GetResult();
            Interlocked.Add(ref _stallTicks, Stopwatch.GetElapsedTime(t0).Ticks);
        }

        if (item.Error is not null)
        {
            throw new InvalidOperationException($"preparing batch {NextIndex} failed: {item.Error.Message}", item.Error);
        }

        NextIndex++;
        return item.Batch!;
    }

    private void Produce(Func<long, T> produce, long index)
    {
        var token = _cts.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                T batch;
                try
                {
                    batch = produce(index);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    WriteBlocking((default, e), token);
                    return;
                }

                WriteBlocking((batch, null), token);
                index++;
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
        catch (ChannelClosedException)
        {
            // disposed
        }
    }

    private void WriteBlocking((T?, Exception?) item, CancellationToken token) =>
        _queue.Writer.WriteAsync(item, token).AsTask().GetAwaiter().GetResult();

    /// <summary>Stops the producer and waits for its thread.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cts.Cancel();
        _queue.Writer.TryComplete();
        _thread.Join();
        _cts.Dispose();
    }
}
