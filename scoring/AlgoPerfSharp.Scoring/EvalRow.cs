namespace AlgoPerfSharp.Scoring;

/// <summary>
/// One logged evaluation of one trial: the row a results store (or AlgoPerf's <c>eval_measurements.csv</c>) holds.
/// </summary>
/// <remarks>
/// <see cref="SubmissionTimeSeconds"/> is the accumulated <em>submission</em> time when the eval was taken (timed
/// update steps and prepare-for-eval, not the eval itself) — AlgoPerf's <c>score</c> column. Metric values may be
/// NaN or ∞ (a diverged model); such values never meet a target. Whether a row met a target is derived by
/// <see cref="WorkloadScoringSpec.MeetsValidationTarget"/> and <see cref="WorkloadScoringSpec.MeetsTestTarget"/>.
/// Immutable (the metrics are copied) and thread-safe.
/// </remarks>
public sealed record EvalRow
{
    /// <summary>Creates a row; every argument is validated.</summary>
    /// <param name="submission">Submission (training algorithm) identifier.</param>
    /// <param name="workload">Workload identifier.</param>
    /// <param name="study">Study index (≥ 0).</param>
    /// <param name="trial">Trial index within the study (≥ 0).</param>
    /// <param name="globalStep">Number of update steps taken when the eval ran (≥ 0).</param>
    /// <param name="submissionTimeSeconds">Accumulated submission time in seconds (finite, ≥ 0).</param>
    /// <param name="metrics">Metric name → value, e.g. <c>"validation/accuracy" → 0.91</c>; copied.</param>
    /// <exception cref="ArgumentException">A name is empty or a number is out of range.</exception>
    public EvalRow(
        string submission,
        string workload,
        int study,
        int trial,
        long globalStep,
        double submissionTimeSeconds,
        IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Submission = Require.Name(submission, nameof(submission));
        Workload = Require.Name(workload, nameof(workload));
        if (study < 0)
        {
            throw new ArgumentException($"study must be ≥ 0, got {study}.", nameof(study));
        }

        if (trial < 0)
        {
            throw new ArgumentException($"trial must be ≥ 0, got {trial}.", nameof(trial));
        }

        if (globalStep < 0)
        {
            throw new ArgumentException($"globalStep must be ≥ 0, got {globalStep}.", nameof(globalStep));
        }

        if (!double.IsFinite(submissionTimeSeconds) || submissionTimeSeconds < 0)
        {
            throw new ArgumentException(
                $"submissionTimeSeconds must be finite and ≥ 0, got {submissionTimeSeconds} " +
                $"({submission}/{workload} study {study} trial {trial} step {globalStep}).",
                nameof(submissionTimeSeconds));
        }

        Study = study;
        Trial = trial;
        GlobalStep = globalStep;
        SubmissionTimeSeconds = submissionTimeSeconds;
        Metrics = new Dictionary<string, double>(metrics, StringComparer.Ordinal);
    }

    /// <summary>Submission identifier.</summary>
    public string Submission { get; }

    /// <summary>Workload identifier.</summary>
    public string Workload { get; }

    /// <summary>Study index.</summary>
    public int Study { get; }

    /// <summary>Trial index within the study.</summary>
    public int Trial { get; }

    /// <summary>Update steps taken when the eval ran.</summary>
    public long GlobalStep { get; }

    /// <summary>Accumulated submission time in seconds when the eval ran.</summary>
    public double SubmissionTimeSeconds { get; }

    /// <summary>Logged metrics by name (ordinal keys).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }
}
