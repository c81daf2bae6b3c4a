using System.Text.Json;

namespace AlgoPerfSharp.Harness.Calibration;

/// <summary>Proposed workload constants from AlgoPerf's target-setting protocol at our scale.</summary>
/// <param name="Workload">Workload.</param>
/// <param name="Preset">Preset.</param>
/// <param name="TargetMetric">The validation metric key.</param>
/// <param name="LowerIsBetter">Its direction.</param>
/// <param name="TuningTrials">Trials per tuned algorithm.</param>
/// <param name="TuningBudgetSeconds">The budget each tuning trial trained for (timed seconds).</param>
/// <param name="BestAlgorithm">The algorithm of the best tuning trial.</param>
/// <param name="BestHyperparameters">Its hyperparameters.</param>
/// <param name="BestMetricPerSeed">Best validation metric of each rerun seed.</param>
/// <param name="ValidationTarget">Proposed target: the median of <paramref name="BestMetricPerSeed"/>.</param>
/// <param name="TimeToTargetPerSeed">Submission seconds at which each rerun first met the target (∞ if never).</param>
/// <param name="MaxRuntimeSeconds">Proposed budget: 4/3 × the median time to target.</param>
/// <param name="StepHint">Proposed step hint: 4/3 × the median steps to target.</param>
/// <param name="EvalPeriodSeconds">Proposed eval period: 5 % of the median time to target (the times' resolution).</param>
public sealed record CalibrationResult(
    string Workload, string Preset, string TargetMetric, bool LowerIsBetter, int TuningTrials, double TuningBudgetSeconds,
    string BestAlgorithm, JsonElement BestHyperparameters, IReadOnlyList<double> BestMetricPerSeed, double ValidationTarget,
    IReadOnlyList<double> TimeToTargetPerSeed, double MaxRuntimeSeconds, long StepHint, double EvalPeriodSeconds)
{
    /// <summary>Mean cost of one evaluation pass in the seed reruns (untimed seconds).</summary>
    public double EvalPassSeconds { get; init; }

    /// <summary>The share of a trial's wall time evaluation takes at the proposed period (≤ 25 % wanted).</summary>
    public double EvalShare { get; init; }

    /// <summary>Step 4's check that the target means a trained model (null when the long run was skipped).</summary>
    public ConvergenceCheck? LongRun { get; init; }

    /// <summary>Indented JSON (∞ written as "Infinity").</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Hosting.JsonFormats.Indented);
}
