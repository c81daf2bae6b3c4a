namespace AlgoPerfSharp.Scoring;

/// <summary>
/// The whole scoring pipeline from logged trials to benchmark scores: <see cref="TimeToTarget.ForAll"/> then
/// <see cref="PerformanceProfile.Compute"/>.
/// </summary>
/// <remarks>Every submission that has at least one trial is scored, together with all the others. Pure and thread-safe.</remarks>
public static class BenchmarkScoring
{
    /// <summary>Scores every submission found in <paramref name="trials"/>.</summary>
    /// <param name="trials">All trials of all submissions to score together.</param>
    /// <param name="specs">Every workload scored (base and held-out variants).</param>
    /// <param name="rules">How trials combine and the budget multiplier.</param>
    /// <param name="options">Performance-profile options; AlgoPerf's when null.</param>
    /// <exception cref="ArgumentException">No trials, or any error of the steps.</exception>
    public static BenchmarkScoringResult Score(
        IEnumerable<TrialRecord> trials,
        IReadOnlyList<WorkloadScoringSpec> specs,
        ScoringRules rules,
        PerformanceProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("There are no trials to score.", nameof(trials));
        }

        var times = TimeToTarget.ForAll(list, specs, rules);
        var profile = PerformanceProfile.Compute(SubmissionTimes.From(times), specs, options);
        return new BenchmarkScoringResult(rules, specs, times, profile);
    }
}
