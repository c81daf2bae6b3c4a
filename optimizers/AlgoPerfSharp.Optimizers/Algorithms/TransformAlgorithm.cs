using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Base of every built-in algorithm: a transform recipe plus AlgoPerf's warm-up + cosine schedule over the step hint,
/// run by the one engine (<see cref="TransformRun"/> over <see cref="TransformOptimizer"/>: its non-finite-gradient
/// guard, checkpoint keys and diagnostics). Subclasses state their search space, defaults and recipe; missing
/// hyperparameters fall back to the defaults. A <c>grad_clip</c> &gt; 0 puts <see cref="ClipByGlobalNorm"/> in front of
/// any recipe.
/// </summary>
public abstract class TransformAlgorithm : ITrainingAlgorithm
{
    /// <summary>
    /// Optional hyperparameters every recipe reads besides its <see cref="Defaults"/>: <c>grad_clip</c> (global-norm
    /// clipping, off when absent or 0) and <c>lr_schedule</c> (<c>warmup_cosine</c> or <c>constant</c>).
    /// </summary>
    public static IReadOnlyList<string> EngineHyperparameters { get; } = ["grad_clip", LearningRateSchedule.Key];

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract SearchSpace SearchSpace { get; }

    /// <inheritdoc/>
    public abstract Hyperparameters Defaults { get; }

    /// <summary>Builds the recipe (including the learning-rate transform) for one trial.</summary>
    protected abstract IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload);

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var h = new HyperparameterReader(context.Hyperparameters, Defaults);
        var schedule = LearningRateSchedule.FromHyperparameters(h, context.Workload.StepHint);
        var recipe = BuildRecipe(h, schedule, context.Workload);
        if (h.Get("grad_clip", 0.0) is > 0 and var clip)
        {
            recipe = new Chain(new ClipByGlobalNorm(clip), recipe);
        }

        return new TransformRun(new TransformOptimizer(context.Parameters, recipe), schedule);
    }
}
