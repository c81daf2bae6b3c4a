using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Bias-corrected AdamW (Nayak et al., arXiv 2605.20756; official code fastino-ai/preconditioner-bias-correction):
/// cross-fitted preconditioning — the momentum is fed by one half of the step's microbatches (A) and the second moment
/// only by the other half (B), so the numerator and the preconditioner are independent — and, optionally,
/// variance-corrected inversion (<see cref="ScaleByCrossFitAdam"/>; the run: <see cref="CrossFitRun"/>). Decoupled
/// decay and warm-up + cosine as <see cref="AdamW"/>.
/// </summary>
/// <remarks>
/// Defaults are the official <c>BiasCorrectedAdamW</c>'s (lr 1e-3, β 0.9/0.999, ε 1e-8, λ 0.01, the "full" mode:
/// cross-fit and variance correction) with AdamW's 5% warm-up; 8 microbatches (4 per side) where the paper uses 64
/// of 8 sequences. One difference in cost: here A and B are halves of the step's batch (one gradient pass in 8 pieces;
/// the momentum sees half the examples), where the paper's headline runs take B from a second batch (about twice the
/// gradient compute per step). Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay,
/// warmup_factor, microbatches, variance_correction, grad_clip (optional), lr_schedule.
/// </remarks>
public sealed class CrossFitAdamW : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "cf_adamw";

    /// <summary>AlgoPerf's AdamW space (<see cref="AdamW.AlgoPerfAdamSearchSpace"/>), as the paper compares against AdamW at equal settings.</summary>
    public override SearchSpace SearchSpace => AdamW.AlgoPerfAdamSearchSpace;

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(1e-3), OneMinusBeta1(0.1), Beta2(0.999), Epsilon(1e-8), WeightDecay(0.01), WarmupFactor(0.05),
        HyperparameterDeclaration.Integer("microbatches", 8, 2, double.PositiveInfinity, "microbatches M the batch is split into: the first M/2 feed the momentum (A), the rest the second moment (B); even, ≤ the batch"),
        HyperparameterDeclaration.Boolean("variance_correction", true, "subtract the delta-method term Var(p̄)/d³ from the inverse root, Var from B's microbatches"),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(workload);
        CrossFitRun.Microbatches(h, workload);
        return new Chain(
            new ScaleByCrossFitAdam(h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), h.GetBoolean("variance_correction")),
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
