namespace AlgoPerfSharp.Scoring;

/// <summary>Geometric-mean comparison of a candidate submission's times against a baseline's.</summary>
/// <param name="Baseline">Baseline submission.</param>
/// <param name="Candidate">Candidate submission.</param>
/// <param name="Workloads">Per base workload, in spec order.</param>
/// <param name="GeometricMeanTimeRatio">Geometric mean over base workloads of candidate/baseline time — the number
/// AlgoPerf's <c>compute_speedups.py</c> prints as "speedup" (&lt; 1: the candidate is faster).</param>
public sealed record SpeedupResult(
    string Baseline,
    string Candidate,
    IReadOnlyList<WorkloadSpeedup> Workloads,
    double GeometricMeanTimeRatio)
{
    /// <summary>The rules' speed-up, baseline/candidate time (&gt; 1: faster): <c>1 / GeometricMeanTimeRatio</c>.</summary>
    public double GeometricMeanSpeedup => 1.0 / GeometricMeanTimeRatio;

    /// <summary>AlgoPerf's "roughly (1 − gmean) faster" figure, e.g. 0.28 for 28% less time.</summary>
    public double FractionLessTime => 1.0 - GeometricMeanTimeRatio;
}
