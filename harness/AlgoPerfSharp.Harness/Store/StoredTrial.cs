using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Store;

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
