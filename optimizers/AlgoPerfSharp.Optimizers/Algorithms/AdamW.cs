using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// AdamW with PyTorch's semantics (decoupled decay w ← w − η·λ·w on the pre-update weights, ε after the bias-corrected
/// root), AlgoPerf's warm-up + cosine schedule, decay on every parameter (as torch.optim.AdamW).
/// Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, grad_clip (optional).
/// </summary>
public sealed class AdamW : TransformAlgorithm, ITransferRule
{
    /// <inheritdoc/>
    public override string Name => "adamw";

    /// <summary>AlgoPerf's NAdamW paper-baseline search space (archived_paper_baselines/nadamw), shared by AdamW.</summary>
    public static SearchSpace AlgoPerfAdamSearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-4, 1e-2, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 4e-3, 0.1, Scaling.Log),
        SearchDimension.Discrete("beta2", [0.999]),
        SearchDimension.Discrete("warmup_factor", [0.05]),
        SearchDimension.Continuous("weight_decay", 5e-3, 1, Scaling.Log),
    ]);

    /// <inheritdoc/>
    public override SearchSpace SearchSpace => AlgoPerfAdamSearchSpace;

    /// <summary>PyTorch's AdamW defaults (lr 1e-3, betas 0.9/0.999, ε 1e-8, λ 0.01) with a 5% warm-up.</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(1e-3), OneMinusBeta1(0.1), Beta2(0.999), Epsilon(1e-8), WeightDecay(0.01), WarmupFactor(0.05),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        new Chain(
            new ScaleByAdam(h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon")),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));

    /// <summary>Width transfer (arXiv 2512.05620): the Adam table.</summary>
    public TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters) => TransferRules.Adam.For(parameter);
}
