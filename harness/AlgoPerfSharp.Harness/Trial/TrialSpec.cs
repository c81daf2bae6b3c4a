using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>One trial of a sweep: everything needed to run it reproducibly.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="Algorithm">Algorithm name (or plugin spec).</param>
/// <param name="Ruleset">The tuning ruleset.</param>
/// <param name="Study">0-based study index.</param>
/// <param name="Trial">0-based trial index within the study.</param>
/// <param name="Hyperparameters">The trial's hyperparameters.</param>
/// <param name="DataSeed">Seed of the training-data order and augmentation.</param>
/// <param name="InitSeed">Seed of the model's initial weights.</param>
/// <param name="AlgorithmSeed">Seed reserved for the algorithm's own randomness.</param>
/// <param name="BudgetMultiplier">Multiplier of the workload's max runtime (1.5 under self-tuning).</param>
public sealed record TrialSpec(
    string Workload,
    string Algorithm,
    TuningRuleset Ruleset,
    int Study,
    int Trial,
    Hyperparameters Hyperparameters,
    ulong DataSeed,
    ulong InitSeed,
    ulong AlgorithmSeed,
    double BudgetMultiplier)
{
    /// <summary>Stable identity of the trial within a sweep: used for resume, sharding and merging.</summary>
    public string Key => $"{Workload}/{Algorithm}/{Ruleset.Key()}/study{Study}/trial{Trial}";
}
