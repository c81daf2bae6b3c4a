using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// NAdamW exactly as AlgoPerf's baseline (pytorch_nadamw_full_budget.py): w ← w·(1 − ηλ), Nesterov numerator
/// β1·m + (1−β1)·g divided by 1 − β1ᵗ, ε = 1e-8 after the root, decay on every parameter; warm-up + cosine over the
/// step hint. Self-tuning defaults are AlgoPerf's self-tuning baseline point (its external list's point 5).
/// </summary>
public sealed class NAdamW : TransformAlgorithm, ITransferRule
{
    /// <inheritdoc/>
    public override string Name => "nadamw";

    /// <inheritdoc/>
    public override SearchSpace SearchSpace => AdamW.AlgoPerfAdamSearchSpace;

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(0.0017486387539278373), OneMinusBeta1(0.06733926164), Beta2(0.9955159689799007), Epsilon(1e-8),
        WeightDecay(0.08121616522670176), WarmupFactor(0.02),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        new Chain(
            new ScaleByAdam(h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), nesterov: true),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));

    /// <summary>Width transfer (arXiv 2512.05620): the Adam table.</summary>
    public TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters) => TransferRules.Adam.For(parameter);
}
