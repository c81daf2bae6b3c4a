using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Results;

/// <summary>A run (one invocation of run/sweep) as stored.</summary>
/// <param name="Id">Row id.</param>
/// <param name="Label">User-facing label (unique in a database).</param>
/// <param name="CreatedUtc">Creation time.</param>
/// <param name="Command">The command line that created it.</param>
/// <param name="SweepSeed">The seed every trial's seeds derive from.</param>
/// <param name="EnvironmentJson">Machine and software facts (JSON).</param>
public sealed record StoredRun(long Id, string Label, DateTime CreatedUtc, string Command, ulong SweepSeed, string EnvironmentJson);

/// <summary>A trial as stored.</summary>
/// <param name="Id">Row id.</param>
/// <param name="RunId">Owning run.</param>
/// <param name="Key">Stable key (workload/algorithm/ruleset/study/trial).</param>
/// <param name="Workload">Workload name.</param>
/// <param name="Algorithm">Algorithm name or plugin spec.</param>
/// <param name="Ruleset">The tuning ruleset (stored as its <see cref="TuningRulesets.Key"/>).</param>
/// <param name="Study">Study index.</param>
/// <param name="Trial">Trial index.</param>
/// <param name="HyperparametersJson">Hyperparameters (JSON object).</param>
/// <param name="DataSeed">Data-order seed.</param>
/// <param name="InitSeed">Model-init seed.</param>
/// <param name="AlgorithmSeed">Algorithm seed.</param>
/// <param name="BudgetMultiplier">Budget multiplier.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="Error">Error message for failed/timed-out trials.</param>
/// <param name="Steps">Update steps completed.</param>
/// <param name="SubmissionSeconds">Accumulated submission time at the end.</param>
/// <param name="MedianStepSeconds">Median wall time of one update step.</param>
public sealed record StoredTrial(
    long Id, long RunId, string Key, string Workload, string Algorithm, TuningRuleset Ruleset, int Study, int Trial,
    string HyperparametersJson, ulong DataSeed, ulong InitSeed, ulong AlgorithmSeed, double BudgetMultiplier,
    TrialState State, string? Error, long Steps, double SubmissionSeconds, double MedianStepSeconds);

/// <summary>One evaluation of a trial, with AlgoPerf's time columns.</summary>
/// <param name="Step">Global step at the eval.</param>
/// <param name="SubmissionSeconds">Accumulated submission (timed) seconds — AlgoPerf's <c>score</c>.</param>
/// <param name="EvalSeconds">Accumulated evaluation seconds (untimed).</param>
/// <param name="LoggingSeconds">Accumulated logging/checkpoint seconds (untimed).</param>
/// <param name="TotalSeconds">Wall-clock seconds since the trial started.</param>
/// <param name="Metrics">Metric name → value (train/…, validation/…, test/…).</param>
/// <param name="Diagnostics">Algorithm diagnostics at the eval.</param>
/// <param name="SubmissionCpuSeconds">Accumulated process CPU seconds (user + system, all threads) inside the same timed
/// calls as <paramref name="SubmissionSeconds"/>; null in rows recorded before schema 3.</param>
/// <param name="ProbeSeconds">Wall seconds of this eval's untimed <see cref="TimingNoise.SpeedProbe"/>; null in rows
/// recorded before schema 3 or without the probe.</param>
public sealed record StoredEval(
    long Step, double SubmissionSeconds, double EvalSeconds, double LoggingSeconds, double TotalSeconds,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, double> Diagnostics,
    double? SubmissionCpuSeconds = null, double? ProbeSeconds = null);

/// <summary>The constants scoring needs about a workload, as a run used them.</summary>
/// <param name="Name">Workload name.</param>
/// <param name="TargetMetric">Validation metric key, e.g. <c>validation/error_rate</c>.</param>
/// <param name="ValidationTarget">Validation target.</param>
/// <param name="TestMetric">Test metric key, e.g. <c>test/error_rate</c>.</param>
/// <param name="TestTarget">Test target.</param>
/// <param name="LowerIsBetter">Whether the metric is minimised.</param>
/// <param name="MaxRuntimeSeconds">Budget before the ruleset multiplier.</param>
/// <param name="VariantOf">Base workload of a held-out variant.</param>
/// <param name="Preset">The workload's size preset (tiny, quick, cpu, gpu); null in databases written before it was
/// recorded. An extra JSON field of the stored spec: older readers ignore it, so no schema change.</param>
public sealed record StoredWorkloadSpec(
    string Name, string TargetMetric, double ValidationTarget, string TestMetric, double TestTarget, bool LowerIsBetter,
    double MaxRuntimeSeconds, string? VariantOf, string? Preset = null)
{
    /// <summary>From a workload's spec.</summary>
    public static StoredWorkloadSpec From(AlgoPerfSharp.Workloads.WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new StoredWorkloadSpec(spec.Name, "validation/" + spec.TargetMetric, spec.ValidationTarget, "test/" + spec.TargetMetric,
            spec.TestTarget, spec.Direction == AlgoPerfSharp.Workloads.Direction.LowerIsBetter, spec.MaxRuntimeSeconds, spec.VariantOf, spec.Preset);
    }

    /// <summary>Whether <paramref name="row"/> logs the validation metric at or beyond the validation target (NaN never does).</summary>
    public bool MeetsValidationTarget(StoredEval row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Metrics.TryGetValue(TargetMetric, out double v) && (LowerIsBetter ? v <= ValidationTarget : v >= ValidationTarget);
    }

    /// <summary>
    /// The first difference from <paramref name="other"/> (the same workload as another run, shard or release used it)
    /// that makes the two sides' times incomparable, in words — e.g. "the preset differs (tiny vs cpu)", this side
    /// first — or null when scoring both against one set of constants is right. An unrecorded preset matches any.
    /// </summary>
    public string? Difference(StoredWorkloadSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Preset is { } mine && other.Preset is { } theirs && mine != theirs) return $"the preset differs ({mine} vs {theirs})";
        if (TargetMetric != other.TargetMetric) return $"the target metric differs ({TargetMetric} vs {other.TargetMetric})";
        if (LowerIsBetter != other.LowerIsBetter) return $"the metric's direction differs ({Op(this)} vs {Op(other)})";
        if (ValidationTarget != other.ValidationTarget) return $"the validation target differs ({TargetMetric} {Op(this)} {G(ValidationTarget)} vs {Op(other)} {G(other.ValidationTarget)})";
        if (TestMetric != other.TestMetric || TestTarget != other.TestTarget) return $"the test target differs ({TestMetric} {Op(this)} {G(TestTarget)} vs {other.TestMetric} {Op(other)} {G(other.TestTarget)})";
        if (MaxRuntimeSeconds != other.MaxRuntimeSeconds) return $"the budget differs ({G(MaxRuntimeSeconds)} s vs {G(other.MaxRuntimeSeconds)} s)";
        if (VariantOf != other.VariantOf) return $"the base workload differs ({VariantOf ?? "none"} vs {other.VariantOf ?? "none"})";
        return null;

        static string Op(StoredWorkloadSpec s) => s.LowerIsBetter ? "≤" : "≥";
        static string G(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
