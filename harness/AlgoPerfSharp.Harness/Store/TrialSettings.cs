using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>What must agree between two copies of one trial (a resume against its stored row, a merge of two shards).</summary>
internal sealed record TrialSettings(string Hyperparameters, TuningRuleset Ruleset, ulong DataSeed, ulong InitSeed, ulong AlgorithmSeed, double BudgetMultiplier)
{
    public static TrialSettings Of(StoredTrial t) =>
        new(t.HyperparametersJson, t.Ruleset, t.DataSeed, t.InitSeed, t.AlgorithmSeed, t.BudgetMultiplier);

    public static TrialSettings Of(TrialSpec spec) =>
        new(JsonSerializer.Serialize(spec.Hyperparameters.Values, StoredNumbers.Json), spec.Ruleset,
            spec.DataSeed, spec.InitSeed, spec.AlgorithmSeed, spec.BudgetMultiplier);

    /// <summary>What differs, said for a message (this side first), or null.</summary>
    public string? Difference(TrialSettings other)
    {
        if (Hyperparameters != other.Hyperparameters) return $"hyperparameters {Hyperparameters}, not {other.Hyperparameters}";
        if (Ruleset != other.Ruleset) return $"ruleset {Ruleset.Key()}, not {other.Ruleset.Key()}";
        if (DataSeed != other.DataSeed || InitSeed != other.InitSeed || AlgorithmSeed != other.AlgorithmSeed)
        {
            return $"seeds {DataSeed}/{InitSeed}/{AlgorithmSeed}, not {other.DataSeed}/{other.InitSeed}/{other.AlgorithmSeed}";
        }

        return BudgetMultiplier.Equals(other.BudgetMultiplier)
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"budget multiplier {BudgetMultiplier}, not {other.BudgetMultiplier}");
    }
}
