namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>Small builders for hand-computed scoring tables.</summary>
internal static class Fixtures
{
    public const string Acc = "validation/accuracy";
    public const string TestAcc = "test/accuracy";
    public const string Loss = "validation/loss";
    public const double Inf = double.PositiveInfinity;

    /// <summary>Accuracy workload: target 0.9 (≥), test target 0.88, budget 100 s.</summary>
    public static WorkloadScoringSpec Mnist { get; } =
        new("mnist", Acc, 0.9, MetricDirection.HigherIsBetter, 100, TestAcc, 0.88);

    /// <summary>Loss workload: target 3.0 (≤), no test target, budget 200 s.</summary>
    public static WorkloadScoringSpec Lm { get; } = new("lm", Loss, 3.0, MetricDirection.LowerIsBetter, 200);

    /// <summary>A trial on <see cref="Mnist"/> whose rows are (step, seconds, validation accuracy[, test accuracy]).</summary>
    public static TrialRecord MnistTrial(
        int study, int trial, TrialState state, params (long Step, double Seconds, double Val)[] rows) =>
        new("sub", "mnist", study, trial, state,
            rows.Select(r => new EvalRow("sub", "mnist", study, trial, r.Step, r.Seconds,
                new Dictionary<string, double> { [Acc] = r.Val })));

    /// <summary>A trial that reaches nothing but the given validation value at the given times.</summary>
    public static TrialRecord Trial(
        string submission, WorkloadScoringSpec spec, int study, int trial, params (double Seconds, double Value)[] rows) =>
        new(submission, spec.Name, study, trial, TrialState.Completed,
            rows.Select((r, i) => new EvalRow(submission, spec.Name, study, trial, 100 * (i + 1), r.Seconds,
                new Dictionary<string, double> { [spec.ValidationMetric] = r.Value })));

    /// <summary>A trial on <paramref name="spec"/> that first meets its target at <paramref name="seconds"/> (∞: never).</summary>
    public static TrialRecord ReachesAt(string submission, WorkloadScoringSpec spec, int study, int trial, double seconds)
    {
        var miss = spec.Direction == MetricDirection.HigherIsBetter ? spec.ValidationTarget - 1 : spec.ValidationTarget + 1;
        return double.IsPositiveInfinity(seconds)
            ? Trial(submission, spec, study, trial, (1, miss), (2, miss))
            : Trial(submission, spec, study, trial, (seconds / 2, miss), (seconds, spec.ValidationTarget));
    }

    public static SubmissionTimes Times(string submission, params (string Workload, double Seconds)[] times) =>
        new(submission, times.ToDictionary(t => t.Workload, t => t.Seconds));

    public static WorkloadScoringSpec Base(string name, double budget = 1000) =>
        new(name, Loss, 1.0, MetricDirection.LowerIsBetter, budget);

    public static WorkloadScoringSpec Variant(string name, string of, double budget = 1000) =>
        new(name, Loss, 1.0, MetricDirection.LowerIsBetter, budget, variantOf: of);

    /// <summary>
    /// Credit one base workload with ratio r earns on AlgoPerf's grid (τ_i = 1 + 3i/99, i = 0..99), divided by 3:
    /// ρ is 0 before the first grid index k with τ_k ≥ r and 1 from it on, so the trapezoid integral is
    /// (99 − k)·d + d/2 (the half interval straddling the step) for k ≥ 1, and 99·d for k = 0, with d = 3/99.
    /// Returned as a fraction of 99 to keep hand tables exact: credit = (99 − k + ½)/99.
    /// </summary>
    public static double Credit(int k) => k == 0 ? 1.0 : (99 - k + 0.5) / 99;
}
