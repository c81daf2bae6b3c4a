using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// DASGO, ASGO's diagonal variant (infinity-stars/ASGO <c>dasgo.py</c>): the momentum divided column-wise by
/// √(p + ε), p an EMA of the gradient's squared column sums, each update scaled to RMS 0.2, decoupled decay,
/// warm-up + cosine (<see cref="ScaleByAsgo"/> with <see cref="AsgoConfig.Diagonal"/>, <see cref="AsgoRecipe"/>).
/// Hidden matrices only; embeddings, the head, biases and norms take Adam. Defaults: the official training run's
/// lr 0.01 (the class's own default is 1e-3), β1 0.9, β2 0.95, ε 1e-8, λ 0.1, 10% warm-up.
/// </summary>
/// <remarks>
/// Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, adam_beta1,
/// adam_beta2, adam_epsilon, adam_weight_decay, grad_clip (optional), lr_schedule.
/// </remarks>
public sealed class Dasgo : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "dasgo";

    /// <summary>Log ranges around the official defaults (covering the class default lr 1e-3); β2 from {0.95, 0.99}.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-3, 0.1, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 0.02, 0.2, Scaling.Log),
        SearchDimension.Discrete("beta2", [0.95, 0.99]),
        SearchDimension.Continuous("weight_decay", 1e-3, 0.5, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.1]),
    ]);

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } = AsgoRecipe.Declarations(0.01, 0.95, 1e-8);

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        AsgoRecipe.Build(h, schedule, diagonal: true);
}
