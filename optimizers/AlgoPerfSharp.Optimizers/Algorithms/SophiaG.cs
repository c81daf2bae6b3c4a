using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Sophia-G (Liu et al., arXiv 2305.14342; official code Liuhong99/Sophia): momentum divided by a diagonal-Hessian EMA
/// and clipped per coordinate, w ← w·(1 − η·λ) − η·clip(m / max(ρ·h, ε), ±1) (<see cref="ScaleBySophia"/>), with h
/// refreshed every k steps by the Gauss–Newton–Bartlett estimator B·ĝ⊙ĝ on labels sampled from the model
/// (<see cref="SophiaRun"/>: one extra gradient evaluation every k steps). Needs a cross-entropy workload.
/// </summary>
/// <remarks>
/// Defaults are the official GPT-2 small config (<c>config/train_gpt2_small_sophiag.py</c>): lr 6e-4, β 0.965/0.99,
/// ρ 0.05, λ 0.2, k 10, 2000 warm-up steps of 100k (warmup_factor 0.02), cosine decay; ε 1e-12 is Levanter's
/// (the official code adds 1e-15 instead of taking a floor). The official code also clips gradients at 1.0
/// (grad_clip, off unless set here). Hyperparameters: learning_rate, one_minus_beta1, beta2, rho, epsilon,
/// weight_decay, hessian_update_interval, warmup_factor, grad_clip (optional), lr_schedule.
/// </remarks>
public sealed class SophiaG : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "sophia_g";

    /// <summary>
    /// Log ranges around the official configs (lr 3e-4…7e-4, ρ 0.01…0.08, λ 0.1…0.2 across the README and GPT-2 sizes),
    /// widened for small models; β1, β2 and k at the official values.
    /// </summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-4, 3e-3, Scaling.Log),
        SearchDimension.Continuous("rho", 0.01, 0.1, Scaling.Log),
        SearchDimension.Continuous("weight_decay", 0.05, 0.5, Scaling.Log),
        SearchDimension.Discrete("one_minus_beta1", [0.035]),
        SearchDimension.Discrete("hessian_update_interval", [10.0]),
        SearchDimension.Discrete("warmup_factor", [0.02]),
    ]);

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(6e-4), OneMinusBeta1(0.035), Beta2(0.99),
        HyperparameterDeclaration.Real("rho", 0.05, 0, double.PositiveInfinity, "ρ (the paper's γ): the Hessian's scale in clip(m / max(ρ·h, ε), ±1); 0 = sign momentum"),
        HyperparameterDeclaration.Real("epsilon", 1e-12, 0, double.PositiveInfinity, "floor ε of the clip's denominator ρ·h (> 0)"),
        WeightDecay(0.2),
        HyperparameterDeclaration.Integer("hessian_update_interval", 10, 1, double.PositiveInfinity, "k: the Hessian EMA is refreshed after every k-th update (one extra gradient evaluation)"),
        WarmupFactor(0.02),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(workload);
        if (!PredictiveSampler.Supports(workload.LossType))
        {
            throw new ArgumentException(
                $"sophia_g samples labels from the model's predictive distribution, which needs a cross-entropy loss; workload {workload.Name} minimises {workload.LossType}: pick another algorithm for it");
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
        return new SophiaRun(run, h.PositiveInt("hessian_update_interval"), context.Seed, SophiaRun.GaussNewtonBartlett(context.Workload.LossType));
    }
}
