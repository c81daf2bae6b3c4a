using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Bias-corrected Shampoo (Nayak et al., arXiv 2605.20756; the official <c>BiasCorrectedShampoo</c>): the momentum of
/// each matrix from microbatch group A, its Kronecker statistics L and R from the disjoint group B, inverse fourth
/// roots refreshed every F steps with the delta-method correction from B's spread, no grafting; every other parameter
/// takes cross-fitted AdamW (<see cref="ScaleByCrossFitShampoo"/>; the run: <see cref="CrossFitRun"/>). Decoupled
/// decay and warm-up + cosine. Independent of the <c>shampoo</c> built-in's engine.
/// </summary>
/// <remarks>
/// Defaults are the official class's (lr 1e-3, λ_wd 0.01, β1 0.9, β2 0.95, damping 1e-6, roots every 10 steps,
/// matrices up to 2048 on a side, Adam side β 0.9/0.999, ε 1e-8) with the "full" mode, 8 microbatches and a 5% warm-up.
/// As for <c>cf_adamw</c>, A and B are halves of the step's batch (one gradient pass). Hyperparameters:
/// learning_rate, one_minus_beta1, beta2, damping, precondition_frequency, max_preconditioner_dim, adam_beta1,
/// adam_beta2, adam_epsilon, weight_decay, warmup_factor, microbatches, variance_correction, grad_clip (optional),
/// lr_schedule.
/// </remarks>
public sealed class CrossFitShampoo : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "cf_shampoo";

    /// <summary>AlgoPerf's AdamW ranges for the learning rate and decay; the official Shampoo settings fixed.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-4, 1e-2, Scaling.Log),
        SearchDimension.Continuous("weight_decay", 5e-3, 1, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.05]),
    ]);

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(1e-3), OneMinusBeta1(0.1),
        HyperparameterDeclaration.Real("beta2", 0.95, 0, 1, "decay β2 of the statistics L and R (per refresh; < 1)"),
        HyperparameterDeclaration.Real("damping", 1e-6, 0, double.PositiveInfinity, "λ added to L and R before the inverse root (> 0)"),
        PreconditionFrequency(10), MaxPreconditionerDim(2048),
        AdamBeta1(0.9), AdamBeta2(0.999), AdamEpsilon(1e-8), WeightDecay(0.01), WarmupFactor(0.05),
        HyperparameterDeclaration.Integer("microbatches", 8, 2, double.PositiveInfinity, "microbatches M the batch is split into: the first M/2 feed the momentum (A), the rest the statistics (B); even, ≤ the batch"),
        HyperparameterDeclaration.Boolean("variance_correction", true, "subtract the delta-method term from the inverse roots (and the Adam side's inverse), Var from B's microbatches"),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        CrossFitRun.Microbatches(h, workload);
        return new Chain(
            new ScaleByCrossFitShampoo(
                h.Beta("beta1"), h.Beta("beta2"), h.Positive("damping"), h.PositiveInt("precondition_frequency"), h.PositiveInt("max_preconditioner_dim"),
                h.InRange("adam_beta1", 0, 0.999999), h.InRange("adam_beta2", 0, 0.999999), h.Get("adam_epsilon"), h.GetBoolean("variance_correction")),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));
    }

    /// <inheritdoc/>
    protected override ITrainingRun CreateRun(TransformRun run, HyperparameterReader h, AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new CrossFitRun(run, h.PositiveInt("microbatches"));
    }
}
