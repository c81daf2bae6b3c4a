using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;


namespace AlgoPerfSharp.Harness.TimingNoise;

/// <summary>
/// The pure arithmetic of the timing-noise experiment (docs/timing-noise.md), from a trial's eval rows:
/// <list type="bullet">
/// <item>each <see cref="TimingFigure"/> as a cumulative series over the rows: wall-clock = the rows' submission
///   seconds; CPU = their CPU seconds; probe-normalised = Σ over eval intervals of (Δ submission seconds) ×
///   reference ÷ probe, the probe being the one run at the eval that closes the interval;</item>
/// <item>time-to-target = the series at the first row that meets the target;</item>
/// <item>step time = the median over eval intervals of Δ series ÷ Δ steps, leaving out the first interval (from the
///   start to the first eval, which holds the warm-up step) when later intervals exist;</item>
/// <item>coefficient of variation = sample standard deviation (n − 1) ÷ mean.</item>
/// </list>
/// A series is null when a row lacks what it needs (a CPU or probe time, e.g. rows recorded before schema 3, or a probe
/// of 0 s). Stateless and thread-safe.
/// </summary>
public static class TimingStatistics
{
    /// <summary>
    /// Coefficient of variation of <paramref name="values"/>: the sample standard deviation (divisor n − 1) over the
    /// mean. Null for fewer than two values or a mean that is not positive.
    /// </summary>
    public static double? CoefficientOfVariation(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2) return null;
        double mean = values.Average();
        if (!(mean > 0)) return null;
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(ss / (values.Count - 1)) / mean;
    }

    /// <summary>
    /// The idle reference probe time: the fastest positive probe among <paramref name="probeSeconds"/> (the machine at
    /// its least disturbed), or null when there is none. Any one constant gives the same coefficients of variation; the
    /// reference only sets the normalised figure's unit (seconds on an undisturbed machine).
    /// </summary>
    public static double? IdleReference(IEnumerable<double?> probeSeconds)
    {
        ArgumentNullException.ThrowIfNull(probeSeconds);
        double? best = null;
        foreach (var p in probeSeconds)
        {
            if (p is double v && v > 0 && double.IsFinite(v) && (best is null || v < best)) best = v;
        }

        return best;
    }

    /// <summary>
    /// <paramref name="figure"/> accumulated at each of <paramref name="rows"/> (in step order), or null when a row lacks
    /// its input. <paramref name="reference"/> is the idle probe time (needed for <see cref="TimingFigure.ProbeNormalised"/>).
    /// </summary>
    public static double[]? Cumulative(IReadOnlyList<StoredEval> rows, TimingFigure figure, double? reference)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var series = new double[rows.Count];
        double previousSubmission = 0, normalised = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            switch (figure)
            {
                case TimingFigure.WallClock:
                    series[i] = r.SubmissionSeconds;
                    break;
                case TimingFigure.CpuTime:
                    if (r.SubmissionCpuSeconds is not { } cpu) return null;
                    series[i] = cpu;
                    break;
                default:
                    if (reference is not { } idle || r.ProbeSeconds is not > 0) return null;
                    normalised += (r.SubmissionSeconds - previousSubmission) * idle / r.ProbeSeconds.Value; // interval ÷ (probe ÷ idle)
                    series[i] = normalised;
                    break;
            }

            previousSubmission = r.SubmissionSeconds;
        }

        return series;
    }

    /// <summary>The series' value at the first of <paramref name="rows"/> that <paramref name="meetsTarget"/>, or null.</summary>
    public static double? TimeToTarget(IReadOnlyList<StoredEval> rows, IReadOnlyList<double> series, Func<StoredEval, bool> meetsTarget)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(meetsTarget);
        for (int i = 0; i < rows.Count; i++)
        {
            if (meetsTarget(rows[i])) return series[i];
        }

        return null;
    }

    /// <summary>
    /// Median over eval intervals of Δ series ÷ Δ steps (the first interval, from step 0, left out when later ones
    /// exist); null without rows.
    /// </summary>
    public static double? StepSeconds(IReadOnlyList<StoredEval> rows, IReadOnlyList<double> series)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(series);
        if (rows.Count == 0) return null;
        if (rows.Count == 1) return rows[0].Step > 0 ? series[0] / rows[0].Step : null;
        var perStep = new List<double>();
        for (int i = 1; i < rows.Count; i++)
        {
            long steps = rows[i].Step - rows[i - 1].Step;
            if (steps > 0) perStep.Add((series[i] - series[i - 1]) / steps);
        }

        return perStep.Count == 0 ? null : Scoring.SampleStatistics.Median(perStep);
    }
}
