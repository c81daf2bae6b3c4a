using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// SGD with Nesterov momentum as AlgoPerf's target-setting Nesterov (optax chain: coupled L2 weight decay added to
/// the gradient, then momentum with Nesterov look-ahead, then −η), with warm-up + cosine over the step hint.
/// Hyperparameters: learning_rate, one_minus_beta1 (momentum = 1 − it), weight_decay, warmup_factor.
/// </summary>
public sealed class SgdNesterov : TransformAlgorithm, ITransferRule
{
    /// <inheritdoc/>
    public override string Name => "sgd_nesterov";

    /// <inheritdoc/>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-2, 5, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 1e-3, 0.5, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.05]),
        SearchDimension.Continuous("weight_decay", 1e-6, 1e-3, Scaling.Log),
    ]);

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(0.1), OneMinusBeta1(0.1), WeightDecay(5e-4), WarmupFactor(0.05),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        new Chain(
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByMomentum(h.Beta("beta1"), nesterov: true),
            new ScaleByLearningRate(schedule));

    /// <summary>Width transfer (arXiv 2512.05620): the SGD table.</summary>
    public TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters) => TransferRules.Sgd.For(parameter);
}
