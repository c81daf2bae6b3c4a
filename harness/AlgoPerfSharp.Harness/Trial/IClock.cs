using System.Diagnostics;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>The harness's clock, in seconds. Only the harness reads it; algorithms never do.</summary>
public interface IClock
{
    /// <summary>Monotonic seconds since an arbitrary origin.</summary>
    double Now();

    /// <summary>
    /// CPU seconds (user + system, all threads) this process has used since it started. Non-decreasing. Spinning
    /// threads count as busy: CPU time is meaningful only under a passive OpenMP wait policy
    /// (<c>OMP_WAIT_POLICY=PASSIVE</c>, which scripts/timing-noise.sh and test.sh set and workers inherit), under which
    /// idle libtorch threads sleep instead of burning CPU.
    /// </summary>
    double CpuSeconds();
}

/// <summary>The real monotonic clock. (On CUDA the runner synchronises the device before reading it.)</summary>
public sealed class StopwatchClock : IClock
{
    /// <summary>The shared instance.</summary>
    public static StopwatchClock Instance { get; } = new();

    /// <inheritdoc/>
    public double Now() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <inheritdoc/>
    /// <remarks>getrusage(RUSAGE_SELF) on Linux and macOS (microsecond accounting); elsewhere
    /// <see cref="Process.TotalProcessorTime"/>.</remarks>
    public double CpuSeconds() => Workers.Libc.ProcessCpuSeconds() ?? Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
