using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>Rebuilds what a worker needs from a stored trial row.</summary>
public static class StoredTrials
{
    /// <summary>The trial spec a stored row was created from (hyperparameters parsed back from their JSON).</summary>
    public static TrialSpec ToSpec(StoredTrial t)
    {
        ArgumentNullException.ThrowIfNull(t);
        // The stored hyperparameters are one JSON object of name → number/bool/string: exactly one point of a fixed list.
        var h = SearchSpace.Parse("[" + t.HyperparametersJson + "]").FixedPoints![0];
        return new TrialSpec(t.Workload, t.Algorithm, t.Ruleset, t.Study, t.Trial, h, t.DataSeed, t.InitSeed, t.AlgorithmSeed, t.BudgetMultiplier);
    }

    /// <summary>Whether a trial has ended for good (a re-run skips it).</summary>
    public static bool IsFinished(TrialState s) => s is TrialState.Completed or TrialState.Diverged or TrialState.Failed or TrialState.TimedOut;
}
