using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Base of every built-in algorithm: a transform recipe plus AlgoPerf's warm-up + cosine schedule over the step hint,
/// run by the one engine (<see cref="TransformRun"/> over <see cref="TransformOptimizer"/>: its non-finite-gradient
/// guard, checkpoint keys and diagnostics). Subclasses state their search space, their declared hyperparameters
/// (<see cref="RecipeHyperparameters"/>; <see cref="Defaults"/> derive from them) and recipe; missing hyperparameters
/// take the declared defaults. A <c>grad_clip</c> &gt; 0 puts <see cref="ClipByGlobalNorm"/> in front of any recipe.
/// Width-transfer multipliers (<see cref="AlgorithmInitContext.Multipliers"/>) reach the recipe's learning-rate, decay
/// and ε transforms through <see cref="UpdateContext.Multipliers"/>.
/// </summary>
public abstract class TransformAlgorithm : ITrainingAlgorithm
{
    private IReadOnlyList<HyperparameterDeclaration>? _declared;
    private Hyperparameters? _defaults;

    /// <summary>
    /// Optional hyperparameters every recipe reads besides its own (<see cref="CommonHyperparameters.Engine"/>):
    /// <c>grad_clip</c> and <c>lr_schedule</c>.
    /// </summary>
    public static IReadOnlyList<HyperparameterDeclaration> EngineHyperparameters => CommonHyperparameters.Engine;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract SearchSpace SearchSpace { get; }

    /// <summary>The recipe's hyperparameters' defaults (<see cref="RecipeHyperparameters"/>; the engine's are not among them).</summary>
    public Hyperparameters Defaults => _defaults ??= HyperparameterDeclarations.DefaultsOf(RecipeHyperparameters);

    /// <summary>
    /// The recipe's hyperparameters, then the engine's: <c>grad_clip</c> and <see cref="ScheduleDeclaration"/>
    /// (together <see cref="EngineHyperparameters"/> unless the algorithm picks its own schedule declaration).
    /// </summary>
    public IReadOnlyList<HyperparameterDeclaration> Declared => _declared ??=
        [.. RecipeHyperparameters, .. EngineHyperparameters.Where(d => d.Name != LearningRateSchedule.Key), ScheduleDeclaration];

    /// <summary>
    /// The declaration of <c>lr_schedule</c>: <see cref="EngineHyperparameters"/>' (<c>warmup_cosine</c> or
    /// <c>constant</c>, default <c>warmup_cosine</c>) unless an algorithm needs other choices or another default
    /// (Schedule-Free: <c>warmup_constant</c>).
    /// </summary>
    protected virtual HyperparameterDeclaration ScheduleDeclaration => EngineHyperparameters.Single(d => d.Name == LearningRateSchedule.Key);

    /// <summary>The hyperparameters the recipe reads, each declared once with its default (the self-tuning point).</summary>
    protected abstract IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; }

    /// <summary>A reader of <paramref name="hyperparameters"/> over <see cref="Declared"/> (missing keys take their defaults).</summary>
    protected HyperparameterReader Reader(Hyperparameters hyperparameters) => new(hyperparameters ?? throw new ArgumentNullException(nameof(hyperparameters)), Declared);

    /// <summary>Builds the recipe (including the learning-rate transform) for one trial.</summary>
    protected abstract IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload);

    /// <inheritdoc/>
    /// <exception cref="HyperparameterException">
    /// A hyperparameter is neither declared nor one the harness reads (<see cref="HyperparameterDeclarations.Workload"/>),
    /// or is ill-typed or out of range.
    /// </exception>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HyperparameterDeclarations.Validate(context.Hyperparameters, HyperparameterDeclarations.WithWorkload(Declared), Name);
        var h = new HyperparameterReader(context.Hyperparameters, Declared);
        var schedule = LearningRateSchedule.FromHyperparameters(h, context.Workload.StepHint);
        var recipe = BuildRecipe(h, schedule, context.Workload);
        if (h.Get("grad_clip") is > 0 and var clip)
        {
            recipe = new Chain(new ClipByGlobalNorm(clip), recipe);
        }

        return CreateRun(new TransformRun(new TransformOptimizer(context.Parameters, recipe, multipliers: context.Multipliers), schedule), h, context);
    }

    /// <summary>
    /// The trial's run around the engine: <paramref name="run"/> itself (one gradient per step) unless the algorithm
    /// asks the step's oracle for more (Sophia-G's sampled-label gradient every k steps wraps it).
    /// </summary>
    protected virtual ITrainingRun CreateRun(TransformRun run, HyperparameterReader h, AlgorithmInitContext context) => run;
}
