namespace AlgoPerfSharp.Scoring;

/// <summary>Time-to-target of one submission on one workload: the median over studies, ∞ participating.</summary>
/// <param name="Submission">Submission identifier.</param>
/// <param name="Workload">Workload identifier.</param>
/// <param name="ValidationSeconds">Median over studies of the study times (numpy semantics: an even count averages the two middle values, so ∞ if either is ∞); missing studies count as ∞.</param>
/// <param name="TestSeconds">The same median over the studies' test times; <see langword="null"/> without a test target.</param>
/// <param name="Studies">Per-study detail of the studies present, by study index.</param>
/// <param name="MissingStudies">Studies the ruleset requires but the data lacks; each entered the median as ∞.</param>
/// <param name="TrialCount">Number of trials scored.</param>
/// <param name="TrialsReachingTarget">Number of those trials that met the validation target within the budget.</param>
/// <param name="BudgetSeconds">The budget applied (max runtime × ruleset multiplier).</param>
public sealed record WorkloadTimeToTarget(
    string Submission,
    string Workload,
    double ValidationSeconds,
    double? TestSeconds,
    IReadOnlyList<StudyTimeToTarget> Studies,
    int MissingStudies,
    int TrialCount,
    int TrialsReachingTarget,
    double BudgetSeconds)
{
    /// <summary>True when the median time is finite.</summary>
    public bool ReachedValidationTarget => double.IsFinite(ValidationSeconds);

    /// <summary>
    /// Steps-to-target: the median over studies of <see cref="StudyTimeToTarget.ValidationSteps"/>, combined exactly
    /// as <see cref="ValidationSeconds"/> is (numpy median, ∞ participating, missing studies entering as ∞) — so it is
    /// finite exactly when <see cref="ValidationSeconds"/> is. Not an integer when an even count averages two steps.
    /// It does not enter the score: it separates "fewer steps" from "faster steps".
    /// </summary>
    public double ValidationSteps => Studies.Count + MissingStudies == 0
        ? double.PositiveInfinity
        : SampleStatistics.Median(Studies.Select(s => s.ValidationSteps).Concat(Enumerable.Repeat(double.PositiveInfinity, MissingStudies)).ToList());

    /// <summary>
    /// The per-study validation times the median <see cref="ValidationSeconds"/> is taken over: the studies present
    /// in study order, then one +∞ per missing study. The bootstrap resamples exactly these values.
    /// </summary>
    public IReadOnlyList<double> StudySeconds =>
        Studies.Select(s => s.ValidationSeconds).Concat(Enumerable.Repeat(double.PositiveInfinity, MissingStudies)).ToList();
}
