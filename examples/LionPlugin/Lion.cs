using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

[assembly: TrainingAlgorithm(typeof(LionPlugin.Lion))]

namespace LionPlugin;

/// <summary>
/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms") as a recipe of the library's transforms —
/// the template to copy for a new algorithm. Per step, for every parameter w with gradient g:
/// <code>
///   c = β1·m + (1 − β1)·g          // ScaleByLion: the update becomes sign(c) …
///   m ← β2·m + (1 − β2)·g          // … and the momentum tracks g with the slower β2
///   u ← sign(c) + λ·w              // AddDecayedWeights (decoupled decay on the pre-update w)
///   w ← w − η_t·u                  // ScaleByLearningRate with the library's schedule
/// </code>
/// η_t follows <c>lr_schedule</c>: warm-up over warmup_factor·step_hint steps then cosine decay to 0 at the step hint
/// (the default), or <c>constant</c>. <c>grad_clip</c> and the non-finite-gradient guard come with the engine.
/// </summary>
public sealed class Lion : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "lion";

    /// <summary>Lion wants a learning rate ~3–10× smaller than AdamW's and a larger weight decay.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.Parse("""
        {
          "learning_rate": {"min": 1e-5, "max": 1e-3, "scaling": "log"},
          "one_minus_beta1": {"min": 0.02, "max": 0.2, "scaling": "log"},
          "beta2": {"feasible_points": [0.99]},
          "weight_decay": {"min": 0.01, "max": 3.0, "scaling": "log"},
          "warmup_factor": {"feasible_points": [0.05]}
        }
        """);

    /// <summary>
    /// Every hyperparameter the recipe reads, declared once: name, range, default (the paper's β1 0.9, β2 0.99, with a
    /// learning rate suited to small CPU workloads) and meaning. The defaults, the harness's key checks and
    /// <c>algoperf list -a</c> derive from this list; the engine adds <c>grad_clip</c> and <c>lr_schedule</c>.
    /// </summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        CommonHyperparameters.LearningRate(3e-4),
        CommonHyperparameters.OneMinusBeta1(0.1),
        HyperparameterDeclaration.Real("beta2", 0.99, 0, 1, "decay of the momentum Lion keeps (the update interpolates with β1)"),
        CommonHyperparameters.WeightDecay(0.1),
        CommonHyperparameters.WarmupFactor(0.05),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        new Chain(
            new ScaleByLion(h.Beta("beta1"), h.Beta("beta2")),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));
}
