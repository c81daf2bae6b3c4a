namespace AlgoPerfSharp.Scoring;

/// <summary>Everything scoring derives from a set of trials: per-workload times and the performance profiles.</summary>
/// <param name="Rules">The rules scored under (ruleset, budget multiplier, studies).</param>
/// <param name="Specs">The workload specs scored.</param>
/// <param name="Times">Time-to-target per (submission, workload) that has trials, ordered by submission then workload.</param>
/// <param name="Profile">Performance profiles and scores of all submissions, scored together.</param>
public sealed record BenchmarkScoringResult(
    ScoringRules Rules,
    IReadOnlyList<WorkloadScoringSpec> Specs,
    IReadOnlyList<WorkloadTimeToTarget> Times,
    PerformanceProfileResult Profile);
