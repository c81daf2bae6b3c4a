using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Schedule-Free AdamW (<see cref="ScaleByScheduleFree"/>, the reference form of facebookresearch/schedule_free),
/// AlgoPerf v0.5's self-tuning winner. Training computes gradients at y = β1·x + (1 − β1)·z; <c>PrepareForEval</c>
/// swaps the average x into the model, and the next update swaps y back before its gradient. The schedule is a
/// linear warm-up then constant (<c>lr_schedule = warmup_constant</c>, counted as the reference does); the averaging
/// weights are tʳ·lr_max^p. Defaults are the AlgoPerf self-tuning submission's point (lr 0.0025, 1 − β1 0.1,
/// β2 0.99552, λ 0.0812, r 0.75, p 2, warm-up 0.02 × 0.75 of the step hint).
/// </summary>
/// <remarks>
/// Two details differ from that AlgoPerf submission (which keeps x in the model and extrapolates to y inside the step)
/// and follow the reference instead: the decay is taken at y before the gradient step rather than at x after it, and
/// lr_max (hence the averaging weights) includes the factor √(1 − β2ᵗ). Every parameter decays, as in both.
/// Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, weight_lr_power, r,
/// grad_clip (optional), lr_schedule (warmup_constant | warmup_cosine | constant).
/// </remarks>
public sealed class ScheduleFreeAdamW : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "schedule_free_adamw";

    /// <summary>
    /// AlgoPerf's external-tuning Schedule-Free AdamW points as ranges: learning rate 5e-4…5e-3 (log), β2 from its two
    /// values, the rest at the self-tuning point.
    /// </summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 5e-4, 5e-3, Scaling.Log),
        SearchDimension.Discrete("one_minus_beta1", [0.1]),
        SearchDimension.Discrete("beta2", [0.9955, 0.62918]),
        SearchDimension.Continuous("weight_decay", 0.02, 0.3, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.015]),
    ]);

    /// <summary>AlgoPerf's self-tuning Schedule-Free AdamW point (its submission's HPARAMS), ε 1e-8 as the reference.</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(0.0025), OneMinusBeta1(0.1), Beta2(0.9955159689799007), Epsilon(1e-8), WeightDecay(0.08121616522670176),
        HyperparameterDeclaration.Real("warmup_factor", 0.015, 0, 1, "linear warm-up over this fraction of the step hint (AlgoPerf's submission: 0.02 × 0.75)"),
        HyperparameterDeclaration.Real("weight_lr_power", 2, 0, double.PositiveInfinity, "the average weighs step t by tʳ·lr_max^p; this is p (0 = lr plays no part)"),
        HyperparameterDeclaration.Real("r", 0.75, 0, double.PositiveInfinity, "the average weighs step t by tʳ·lr_max^p; this is r (0 = uniform in t)"),
    ];

    /// <inheritdoc/>
    protected override HyperparameterDeclaration ScheduleDeclaration { get; } = HyperparameterDeclaration.Choice(
        LearningRateSchedule.Key, "warmup_constant", ["warmup_constant", "warmup_cosine", "constant"],
        "warmup_constant: warm-up then learning_rate (schedule-free); warmup_cosine: warm-up then cosine decay to 0 at the step hint; constant: learning_rate at every step");

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new ScaleByScheduleFree(
            h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), h.Get("weight_decay"), schedule, h.Get("weight_lr_power"), h.Get("r"));
    }
}
