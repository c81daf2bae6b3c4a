using System.Globalization;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// Writes one trial's record into the results store after checking every row, whoever produced it (this process or a
/// worker): an eval row's step is ≥ 1, after the previous row's and within the step cap; its four times are finite,
/// non-negative, no smaller than the previous row's, and the wall time is no smaller than the timed time; metrics are
/// <c>train/</c>, <c>validation/</c> or <c>test/</c> values, finite or NaN (a diverged evaluation); the end comes once,
/// after a rewind, with steps and timed seconds no smaller than the last row's. A violation throws
/// <see cref="TrialRecordException"/> and writes nothing. Not thread-safe.
/// </summary>
/// <param name="store">The database.</param>
/// <param name="trialId">The trial's row id.</param>
/// <param name="maxSteps">The trial's step cap, when it has one.</param>
public sealed class StoreRecorder(ResultsStore store, long trialId, long? maxSteps) : ITrialRecorder
{
    /// <summary>Tolerance of the wall-time ≥ timed-time check (rounding of two sums of the same clock readings).</summary>
    private const double Slack = 1e-6;

    private StoredEval? _last;
    private bool _started;
    private bool _rewound;
    private bool _finished;

    /// <inheritdoc/>
    public bool Start()
    {
        _started = true;
        return store.MarkRunning(trialId);
    }

    /// <inheritdoc/>
    public StoredEval? Rewind(long step)
    {
        if (!_started || _rewound || _finished) throw new TrialRecordException("trial record out of order: a rewind must come once, after the start and before any row");
        if (step < 0) throw new TrialRecordException(Invariant($"trial record: cannot continue after step {step} (< 0)"));
        store.DeleteEvalsAfter(trialId, step);
        _rewound = true;
        var rows = store.Evals(trialId);
        _last = rows.Count > 0 ? rows[^1] : null;
        return _last;
    }

    /// <inheritdoc/>
    public void Append(StoredEval row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!_rewound || _finished) throw new TrialRecordException(Invariant($"eval row at step {row.Step} out of order: rows come after the rewind and before the end"));
        Check(row);
        store.AppendEval(trialId, row);
        _last = row;
    }

    /// <inheritdoc/>
    public void Finish(TrialEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (_finished) throw new TrialRecordException("trial end recorded twice");
        if (end.State is TrialState.Pending or TrialState.Running) throw new TrialRecordException($"trial end with state {end.State}, which is not an end");
        Time("trial end: submission seconds", end.SubmissionSeconds, _last?.SubmissionSeconds);
        Time("trial end: median step seconds", end.MedianStepSeconds, null);
        if (end.Steps < (_last?.Step ?? 0)) throw new TrialRecordException(Invariant($"trial end after {end.Steps} steps, before its last eval row at step {_last!.Step}"));
        if (maxSteps is { } max && end.Steps > max) throw new TrialRecordException(Invariant($"trial end after {end.Steps} steps, above the cap of {max}"));
        store.FinishTrial(trialId, end.State, end.Error, end.Steps, end.SubmissionSeconds, end.MedianStepSeconds);
        _finished = true;
    }

    private void Check(StoredEval row)
    {
        string at = Invariant($"eval row at step {row.Step}");
        if (row.Step < 1) throw new TrialRecordException(at + ": steps start at 1");
        if (_last is { } last && row.Step <= last.Step) throw new TrialRecordException(Invariant($"{at} is not after the previous row's step {last.Step}"));
        if (maxSteps is { } max && row.Step > max) throw new TrialRecordException(Invariant($"{at} is above the step cap of {max}"));
        Time(at + ": submission seconds", row.SubmissionSeconds, _last?.SubmissionSeconds);
        Time(at + ": eval seconds", row.EvalSeconds, _last?.EvalSeconds);
        Time(at + ": logging seconds", row.LoggingSeconds, _last?.LoggingSeconds);
        Time(at + ": total seconds", row.TotalSeconds, _last?.TotalSeconds);
        if (row.TotalSeconds + Slack < row.SubmissionSeconds)
        {
            throw new TrialRecordException(Invariant($"{at}: total seconds {row.TotalSeconds:R} are below the submission seconds {row.SubmissionSeconds:R}"));
        }

        foreach (var (k, v) in row.Metrics)
        {
            if (!k.StartsWith("train/", StringComparison.Ordinal) && !k.StartsWith("validation/", StringComparison.Ordinal) && !k.StartsWith("test/", StringComparison.Ordinal))
            {
                throw new TrialRecordException($"{at}: metric '{Short(k)}' is not a train/, validation/ or test/ metric");
            }

            if (double.IsInfinity(v)) throw new TrialRecordException($"{at}: metric {Short(k)} is {v} (only finite values or NaN are recorded)");
        }
    }

    private static void Time(string what, double value, double? previous)
    {
        if (!double.IsFinite(value) || value < 0) throw new TrialRecordException(Invariant($"{what} are {value} (must be finite and ≥ 0)"));
        if (previous is { } p && value < p) throw new TrialRecordException(Invariant($"{what} went back from {p:R} to {value:R}"));
    }

    private static string Short(string key) => key.Length > 80 ? key[..80] + "…" : key.ReplaceLineEndings(" ");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
