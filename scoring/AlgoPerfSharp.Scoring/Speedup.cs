namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Geometric-mean speed-up of a submission over a chosen baseline, as AlgoPerf's <c>scoring/compute_speedups.py</c>.
/// </summary>
/// <remarks>
/// Over the base workloads only (variants ignored): a time of ∞ — and, unlike AlgoPerf where it would be NaN, a
/// workload the submission lacks — is replaced by the workload's budget + 1 second, the budget being
/// <see cref="WorkloadScoringSpec.MaxRuntimeSeconds"/> × <see cref="ScoringRules.BudgetMultiplier"/> (AlgoPerf: ×3 for
/// v0.5 self-tuning). Then <c>gmean = exp(mean(log(t_candidate / t_baseline)))</c>. Pure and thread-safe.
/// </remarks>
public static class Speedup
{
    /// <summary>Compares <paramref name="candidate"/> against <paramref name="baseline"/>.</summary>
    /// <exception cref="ArgumentException">Inconsistent specs, or a time for a workload no spec describes.</exception>
    public static SpeedupResult Compute(
        SubmissionTimes baseline,
        SubmissionTimes candidate,
        IReadOnlyList<WorkloadScoringSpec> specs,
        ScoringRules rules)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(rules);
        var byName = SpecSet.Index(specs);
        foreach (var row in new[] { baseline, candidate })
        {
            var unknown = row.Seconds.Keys.FirstOrDefault(k => !byName.ContainsKey(k));
            if (unknown is not null)
            {
                throw new ArgumentException(
                    $"Submission '{row.Submission}' has a time for workload '{unknown}', which no workload spec describes.",
                    row == baseline ? nameof(baseline) : nameof(candidate));
            }
        }

        var entries = new List<WorkloadSpeedup>();
        var logSum = 0.0;
        foreach (var spec in specs.Where(s => s.IsBase))
        {
            var cap = rules.BudgetSeconds(spec) + 1.0;
            double b = baseline[spec.Name], c = candidate[spec.Name];
            var entry = new WorkloadSpeedup(
                spec.Name,
                double.IsFinite(b) ? b : cap,
                double.IsFinite(c) ? c : cap,
                double.IsFinite(b),
                double.IsFinite(c));
            entries.Add(entry);
            logSum += Math.Log(entry.TimeRatio);
        }

        return new SpeedupResult(
            baseline.Submission, candidate.Submission, entries.AsReadOnly(), Math.Exp(logSum / entries.Count));
    }
}
