using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>
/// How finely a workload's time-to-target is measured: a target is only seen at an eval, so a time is known to within
/// one eval period. Resolution = eval period ÷ median time-to-target; AlgoPerf's is about 1–2 %, and above
/// <see cref="CoarseAbove"/> a cell measures the eval grid more than the optimizer.
/// </summary>
/// <param name="Workload">Workload name.</param>
/// <param name="EvalPeriodSeconds">The eval period as the trials applied it: the median gap in submission time between
/// consecutive evals over all the workload's trials (so a <c>--eval-period</c> override is what is measured; each gap
/// exceeds the nominal period by less than one step). NaN when no trial logged two evals.</param>
/// <param name="MedianTimeToTargetSeconds">Median over the algorithms that reached the target of their time-to-target;
/// NaN when none did.</param>
public sealed record WorkloadResolution(string Workload, double EvalPeriodSeconds, double MedianTimeToTargetSeconds)
{
    /// <summary>Resolutions above this fraction are flagged (the benchmark's design bound: 5 %).</summary>
    public const double CoarseAbove = 0.05;

    /// <summary>Eval period ÷ median time-to-target; NaN when either is unknown.</summary>
    public double Resolution => EvalPeriodSeconds / MedianTimeToTargetSeconds;

    /// <summary>True when <see cref="Resolution"/> is known and above <see cref="CoarseAbove"/>.</summary>
    public bool IsCoarse => Resolution > CoarseAbove;

    /// <summary>The resolution of every workload scored, in spec order.</summary>
    internal static IReadOnlyList<WorkloadResolution> Of(ScoringInput input, BenchmarkScoringResult result) =>
        input.Specs.Select(spec =>
        {
            var gaps = input.Trials.Where(t => t.Stored.Workload == spec.Name)
                .SelectMany(t => t.Evals.Zip(t.Evals.Skip(1), (a, b) => b.SubmissionSeconds - a.SubmissionSeconds))
                .ToList();
            var reached = result.Times.Where(t => t.Workload == spec.Name && t.ReachedValidationTarget).Select(t => t.ValidationSeconds).ToList();
            return new WorkloadResolution(
                spec.Name,
                gaps.Count == 0 ? double.NaN : SampleStatistics.Median(gaps),
                reached.Count == 0 ? double.NaN : SampleStatistics.Median(reached));
        }).ToList();
}
