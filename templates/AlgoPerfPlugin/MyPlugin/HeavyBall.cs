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

    /// <summary>The self-tuning hyperparameters, and the values of keys a trial does not set.</summary>
    public override Hyperparameters Defaults { get; } = new(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.05,
        ["one_minus_beta1"] = 0.1,
        ["weight_decay"] = 5e-4,
        ["warmup_factor"] = 0.05,
    });

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload) =>
        new Chain(
            new ScaleByMomentum(h.Beta("beta1"), nesterov: false),
            new AddDecayedWeights(h.Get("weight_decay")),
            new ScaleByLearningRate(schedule));
}
