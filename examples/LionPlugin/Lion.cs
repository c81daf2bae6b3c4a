using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Torch;

[assembly: TrainingAlgorithm(typeof(LionPlugin.Lion))]

namespace LionPlugin;

/// <summary>
/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), written against AlgoPerfSharp's public
/// contract only — the template to copy for a new algorithm. Per step, for every parameter w with gradient g:
/// <code>
///   c = β1·m + (1 − β1)·g          // interpolation
///   w ← w − η_t·(sign(c) + λ·w)    // sign update + decoupled decay (on the pre-update w)
///   m ← β2·m + (1 − β2)·g          // momentum tracks the gradient with the slower β2
/// </code>
/// η_t: linear warm-up over warmup_factor·step_hint steps, then cosine decay to 0 at the step hint.
/// </summary>
public sealed class Lion : ITrainingAlgorithm
{
    /// <inheritdoc/>
    public string Name => "lion";

    /// <summary>Lion wants a learning rate ~3–10× smaller than AdamW's and a larger weight decay.</summary>
    public SearchSpace SearchSpace { get; } = SearchSpace.Parse("""
        {
          "learning_rate": {"min": 1e-5, "max": 1e-3, "scaling": "log"},
          "one_minus_beta1": {"min": 0.02, "max": 0.2, "scaling": "log"},
          "beta2": {"feasible_points": [0.99]},
          "weight_decay": {"min": 0.01, "max": 3.0, "scaling": "log"},
          "warmup_factor": {"feasible_points": [0.05]}
        }
        """);

    /// <summary>The paper's defaults (β1 0.9, β2 0.99) with a learning rate suited to small CPU workloads.</summary>
    public Hyperparameters Defaults { get; } = new(new Dictionary<string, object>
    {
        ["learning_rate"] = 3e-4,
        ["one_minus_beta1"] = 0.1,
        ["beta2"] = 0.99,
        ["weight_decay"] = 0.1,
        ["warmup_factor"] = 0.05,
    });

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double Get(string key) => context.Hyperparameters.Contains(key) ? context.Hyperparameters.GetDouble(key) : Defaults.GetDouble(key);
        var config = new LionConfig(
            LearningRate: Get("learning_rate"),
            Beta1: 1 - Get("one_minus_beta1"),
            Beta2: Get("beta2"),
            WeightDecay: Get("weight_decay"),
            WarmupSteps: (long)(Get("warmup_factor") * context.Workload.StepHint),
            TotalSteps: context.Workload.StepHint);
        return new LionRun(context.Parameters, config);
    }
}
