using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

[assembly: TrainingAlgorithm(typeof(MyPlugin.HeavyBall))]

namespace MyPlugin;

/// <summary>
/// Heavy-ball momentum with decoupled weight decay, as a recipe of the library's transforms — replace the chain with
/// your method. Per step, for every parameter w with gradient g:
/// <code>
///   b ← μ·b + g                    // ScaleByMomentum (PyTorch's SGD buffer, dampening 0)
///   u ← b + λ·w                    // AddDecayedWeights (decay on the pre-update w)
///   w ← w − η_t·u                  // ScaleByLearningRate with the library's schedule
/// </code>
/// η_t follows <c>lr_schedule</c>: warm-up over warmup_factor·step_hint steps, then cosine decay to 0 at the step hint
/// (the default), or <c>constant</c>. <c>grad_clip</c> and the non-finite-gradient guard come with the engine.
/// </summary>
public sealed class HeavyBall : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "my_heavy_ball";

    /// <summary>The external-tuning search space (AlgoPerf's JSON format), shipped next to the DLL as search-space.json too.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.Parse("""
        {
          "learning_rate": {"min": 1e-3, "max": 1.0, "scaling": "log"},
          "one_minus_beta1": {"min": 0.01, "max": 0.3, "scaling": "log"},
          "weight_decay": {"min": 1e-5, "max": 1e-2, "scaling": "log"},
          "warmup_factor": {"feasible_points": [0.05]}
        }
        """);

    /// <summary>
    /// Every hyperparameter the recipe reads, declared once (name, range, default, meaning): the self-tuning defaults,
    /// the harness's key checks and <c>algoperf list</c> derive from it; the engine adds <c>grad_clip</c> and
    /// <c>lr_schedule</c> (<c>constant</c> turns the schedule off).
    /// </summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        CommonHyperparameters.LearningRate(0.05),
        CommonHyperparameters.OneMinusBeta1(0.1),
        CommonHyperparameters.WeightDecay(5e-4),
        CommonHyperparameters.WarmupFactor(0.05),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        new Chain(
            new ScaleByMomentum(h.Beta("beta1"), nesterov: false),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));
}
