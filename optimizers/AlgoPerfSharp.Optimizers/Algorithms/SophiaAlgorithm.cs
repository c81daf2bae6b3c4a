using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// What Sophia-G and Sophia-H share (Liu et al., arXiv 2305.14342): momentum divided by a diagonal-Hessian EMA and
/// clipped per coordinate, w ← w·(1 − η·λ) − η·clip(m / max(ρ·h, ε), ±1) (<see cref="ScaleBySophia"/>), decoupled decay,
/// h refreshed every k steps (<see cref="SophiaRun"/>) by the variant's estimator. The variants differ in the estimator,
/// the workloads it needs, and ρ (its default and search range).
/// </summary>
public abstract class SophiaAlgorithm : TransformAlgorithm
{
    /// <summary>A Sophia variant with ρ's default <paramref name="rho"/>, searched log-uniformly over [<paramref name="rhoLow"/>, <paramref name="rhoHigh"/>].</summary>
    /// <param name="rho">ρ's default.</param>
    /// <param name="rhoLow">The search space's lower end for ρ.</param>
    /// <param name="rhoHigh">The search space's upper end for ρ.</param>
    /// <param name="refreshCost">What one refresh of h costs, for k's description (e.g. "one extra gradient evaluation").</param>
    private protected SophiaAlgorithm(double rho, double rhoLow, double rhoHigh, string refreshCost)
    {
        SearchSpace = SearchSpace.FromDimensions(
        [
            SearchDimension.Continuous("learning_rate", 1e-4, 3e-3, Scaling.Log),
            SearchDimension.Continuous("rho", rhoLow, rhoHigh, Scaling.Log),
            SearchDimension.Continuous("weight_decay", 0.05, 0.5, Scaling.Log),
            SearchDimension.Discrete("one_minus_beta1", [0.035]),
            SearchDimension.Discrete("hessian_update_interval", [10.0]),
            SearchDimension.Discrete("warmup_factor", [0.02]),
        ]);
        RecipeHyperparameters =
        [
            LearningRate(6e-4), OneMinusBeta1(0.035), Beta2(0.99),
            HyperparameterDeclaration.Real("rho", rho, 0, double.PositiveInfinity, "ρ (the paper's γ): the Hessian's scale in clip(m / max(ρ·h, ε), ±1); 0 = sign momentum"),
            HyperparameterDeclaration.Real("epsilon", 1e-12, 0, double.PositiveInfinity, "floor ε of the clip's denominator ρ·h (> 0)"),
            WeightDecay(0.2),
            HyperparameterDeclaration.Integer("hessian_update_interval", 10, 1, double.PositiveInfinity, $"k: the Hessian EMA is refreshed after every k-th update ({refreshCost})"),
            WarmupFactor(0.02),
        ];
    }

    /// <summary>
    /// Log ranges around the official configs (lr 3e-4…7e-4, λ 0.1…0.2 across the README and GPT-2 sizes), widened
    /// for small models; ρ's range is the variant's; β1, β2 and k at the official values.
    /// </summary>
    public override SearchSpace SearchSpace { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; }

    /// <summary>Why this variant cannot train <paramref name="workload"/> (one line naming it), or null when it can.</summary>
    private protected abstract string? Refusal(WorkloadInfo workload);

    /// <summary>The variant's estimator of the Hessian's diagonal, run at every k-th update.</summary>
    private protected abstract Action<StepContext, Generator, SophiaState> Estimator(WorkloadInfo workload);

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(workload);
        if (Refusal(workload) is { } why) throw new ArgumentException(why);
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
        return new SophiaRun(run, h.PositiveInt("hessian_update_interval"), context.Seed, Estimator(context.Workload));
    }
}
