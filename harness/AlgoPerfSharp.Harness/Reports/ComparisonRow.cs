using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>The comparison of one (workload, algorithm) pair between a baseline and a candidate release.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="TimeToTarget">Per-seed (per-study) time-to-target, candidate vs baseline (∞ for a seed that missed the target).</param>
/// <param name="StepTime">Per-seed median step time, candidate vs baseline; null when either side recorded no step times.</param>
public sealed record ComparisonRow(string Workload, string Algorithm, ComparisonResult TimeToTarget, ComparisonResult? StepTime)
{
    /// <summary>True when either verdict is <see cref="ComparisonVerdict.Regression"/>.</summary>
    public bool IsRegression => TimeToTarget.Verdict == ComparisonVerdict.Regression || StepTime?.Verdict == ComparisonVerdict.Regression;
}
