using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Transfer;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// Decides a trial's width-transfer multipliers: on a µP width-ladder member (<c>…_mup</c>) the algorithm's
/// <see cref="ITransferRule"/> gives one per parameter; an algorithm without a rule runs with standard
/// parameterisation (all 1), which the returned note says. Anywhere else: none.
/// </summary>
public static class WidthTransfer
{
    /// <summary>The multipliers for <paramref name="parameters"/> (null = all 1) and a one-line note when the algorithm has no rule.</summary>
    /// <exception cref="ArgumentException">The rule has no formula for a parameter (its message names it).</exception>
    public static (IReadOnlyList<TransferMultipliers>? Multipliers, string? Note) Resolve(
        IWorkload workload, ITrainingAlgorithm algorithm, IReadOnlyList<ModelParameter> parameters, Hyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(parameters);
        if (workload is not WidthLadderWorkload { Parameterisation: Parameterisation.MuP } ladder) return (null, null);
        if (algorithm is not ITransferRule rule)
        {
            return (null, $"{algorithm.Name} declares no width-transfer rule (ITransferRule): {ladder.Spec.Name} runs with µP initialisation but standard (unscaled) learning rates and decay");
        }

        return (parameters.Select(p => rule.Multipliers(p, hyperparameters).Validate(p.Name)).ToArray(), null);
    }
}
