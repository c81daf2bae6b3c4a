using System.Diagnostics;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>The harness's clock, in seconds. Only the harness reads it; algorithms never do.</summary>
public interface IClock
{
    /// <summary>Monotonic seconds since an arbitrary origin.</summary>
    double Now();
}

/// <summary>The real monotonic clock. (On CUDA the runner synchronises the device before reading it.)</summary>
public sealed class StopwatchClock : IClock
{
    /// <summary>The shared instance.</summary>
    public static StopwatchClock Instance { get; } = new();

    /// <inheritdoc/>
    public double Now() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}
