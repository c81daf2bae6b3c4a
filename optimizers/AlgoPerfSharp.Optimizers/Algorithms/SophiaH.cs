using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Sophia-H (Liu et al., arXiv 2305.14342, Algorithm 1 and 3): <see cref="SophiaG"/>'s step — momentum divided by a
/// diagonal-Hessian EMA and clipped per coordinate, w ← w·(1 − η·λ) − η·clip(m / max(ρ·h, ε), ±1)
/// (<see cref="ScaleBySophia"/>) — with h refreshed every k steps by Hutchinson's estimator u ⊙ Hu on a Rademacher
/// probe u (<see cref="SophiaRun.Hutchinson"/>: one Hessian–vector product every k steps). Needs a workload that offers
/// Hessian–vector products (<see cref="WorkloadInfo.SupportsHessianVectorProducts"/>); any loss.
/// </summary>
/// <remarks>
/// Defaults are Sophia-G's (the official GPT-2 small config: lr 6e-4, β 0.965/0.99, λ 0.2, k 10, warm-up factor 0.02,
/// cosine decay; ε 1e-12 Levanter's) except ρ = 0.01, Levanter's γ for Sophia-H (0.05 for Sophia-G): Hutchinson's
/// estimate is not scaled by the batch as the GNB estimate is. Hyperparameters: as sophia_g.
/// </remarks>
public sealed class SophiaH : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "sophia_h";

    /// <summary>Sophia-G's search space with ρ's range moved down a factor 5 around Levanter's 0.01.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-4, 3e-3, Scaling.Log),
        SearchDimension.Continuous("rho", 0.002, 0.05, Scaling.Log),
        SearchDimension.Continuous("weight_decay", 0.05, 0.5, Scaling.Log),
        SearchDimension.Discrete("one_minus_beta1", [0.035]),
        SearchDimension.Discrete("hessian_update_interval", [10.0]),
        SearchDimension.Discrete("warmup_factor", [0.02]),
    ]);

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(6e-4), OneMinusBeta1(0.035), Beta2(0.99),
        HyperparameterDeclaration.Real("rho", 0.01, 0, double.PositiveInfinity, "ρ (the paper's γ): the Hessian's scale in clip(m / max(ρ·h, ε), ±1); 0 = sign momentum"),
        HyperparameterDeclaration.Real("epsilon", 1e-12, 0, double.PositiveInfinity, "floor ε of the clip's denominator ρ·h (> 0)"),
        WeightDecay(0.2),
        HyperparameterDeclaration.Integer("hessian_update_interval", 10, 1, double.PositiveInfinity, "k: the Hessian EMA is refreshed after every k-th update (one Hessian–vector product)"),
        WarmupFactor(0.02),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(workload);
        if (!workload.SupportsHessianVectorProducts)
        {
            throw new ArgumentException(
                $"sophia_h estimates the Hessian's diagonal from Hessian–vector products, which workload {workload.Name} does not offer (its graph is not declared twice differentiable): pick another algorithm for it");
        }

        return new Chain(
            new ScaleBySophia(h.Beta("beta1"), h.Beta("beta2"), h.Get("rho"), h.Positive("epsilon")),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));
    }

    /// <inheritdoc/>
    protected override ITrainingRun CreateRun(TransformRun run, HyperparameterReader h, AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(context);
        return new SophiaRun(run, h.PositiveInt("hessian_update_interval"), context.Seed, SophiaRun.Hutchinson);
    }
}
