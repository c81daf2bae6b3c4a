using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// ASGO (An et al., arXiv 2503.20762; infinity-stars/ASGO): one-sided full-matrix AdaGrad-style preconditioning of the
/// momentum by (P + εI)^(−½), P an EMA of the smaller side's Gram matrix, each update scaled to RMS 0.2, decoupled
/// decay, warm-up + cosine (<see cref="ScaleByAsgo"/>, <see cref="AsgoRecipe"/>). Hidden matrices only; embeddings,
/// the head, biases and norms take Adam. Defaults are the official code's: lr 0.01, β1 0.9, β2 0.8, ε 1e-10, λ 0.1,
/// 10% warm-up (it decays to 2% of the peak and clips gradients at 1.0; here the cosine ends at 0 and grad_clip is
/// off unless set).
/// </summary>
/// <remarks>
/// Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, adam_beta1,
/// adam_beta2, adam_epsilon, adam_weight_decay, grad_clip (optional), lr_schedule.
/// </remarks>
public sealed class Asgo : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "asgo";

    /// <summary>Log ranges around the official defaults; β2 from {0.8, 0.95}; the reference's 10% warm-up.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-3, 0.1, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 0.02, 0.2, Scaling.Log),
        SearchDimension.Discrete("beta2", [0.8, 0.95]),
        SearchDimension.Continuous("weight_decay", 1e-3, 0.5, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.1]),
    ]);

    /// <inheritdoc/>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } = AsgoRecipe.Declarations(0.01, 0.8, 1e-10);

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        AsgoRecipe.Build(h, schedule, diagonal: false);
}
