using System.Diagnostics;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>Small timing helpers shared by the runners (medians of repeated inner loops, like ats_native_bench).</summary>
public static class Stats
{
    /// <summary>The median of <paramref name="values"/> (mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("no samples", nameof(values));
        var s = values.Order().ToArray();
        int mid = s.Length / 2;
        return s.Length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    /// <summary>
    /// Median over <paramref name="reps"/> repetitions of the mean time (ns) of <paramref name="inner"/> calls of
    /// <paramref name="action"/> — the same estimator as the C++ yardstick.
    /// </summary>
    public static double MedianNanoseconds(Action action, int inner, int reps)
    {
        ArgumentNullException.ThrowIfNull(action);
        var samples = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < inner; i++) action();
            long t1 = Stopwatch.GetTimestamp();
            samples[r] = (t1 - t0) * (1e9 / Stopwatch.Frequency) / inner;
        }

        return Median(samples);
    }
}
