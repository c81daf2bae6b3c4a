using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Gate;

/// <summary>The gate's four paired verdicts on one workload.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="StepTime">Per-study median step time, candidate vs baseline; null when no study has both measured.</param>
/// <param name="StepsToTarget">Per-study steps-to-target (+∞ for a study that missed the target); null without pairs.</param>
/// <param name="TimeToTarget">Per-study time-to-target (+∞ for a study that missed the target); null without pairs.</param>
/// <param name="FinalMetric">Per-study validation metric at the last eval, as a cost (the metric when lower is better,
/// its reciprocal when higher is better; +∞ when not finite); null without pairs that ended at the same step.</param>
/// <param name="Notes">Studies left out and why (missing on one side, no step time recorded).</param>
public sealed record GateRow(
    string Workload, PairedComparisonResult? StepTime, PairedComparisonResult? StepsToTarget, PairedComparisonResult? TimeToTarget,
    PairedComparisonResult? FinalMetric, IReadOnlyList<string> Notes)
{
    /// <summary>The four results in report order with their names.</summary>
    public IEnumerable<(string Name, PairedComparisonResult? Result)> Cells =>
        [("step time", StepTime), ("steps-to-target", StepsToTarget), ("time-to-target", TimeToTarget), ("final metric", FinalMetric)];

    /// <summary>True when any verdict is <see cref="ComparisonVerdict.Regression"/>.</summary>
    public bool IsRegression => Cells.Any(c => c.Result?.Verdict == ComparisonVerdict.Regression);
}
