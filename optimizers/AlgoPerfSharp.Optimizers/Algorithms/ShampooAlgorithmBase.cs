using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Preconditioning;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Base of the Shampoo-family built-ins: reads the trial's hyperparameters (falling back to <see cref="Defaults"/>),
/// builds a <see cref="ShampooConfig"/>, AlgoPerf's warm-up + cosine schedule over the step hint, and — as the winning
/// AlgoPerf submission does — trains any parameter with a dimension ≥ 1,000,000 (embedding tables) by Adam
/// (start_preconditioning_step = ∞ with Adam grafting, block size 524,288).
/// </summary>
public abstract class ShampooAlgorithmBase : ITrainingAlgorithm
{
    /// <summary>Parameters with a dimension at least this large are trained by Adam.</summary>
    public const long HugeDimension = 1_000_000;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract SearchSpace SearchSpace { get; }

    /// <inheritdoc/>
    public abstract Hyperparameters Defaults { get; }

    /// <summary>Builds the configuration from validated hyperparameters.</summary>
    protected abstract ShampooConfig BuildConfig(HyperparameterReader h);

    /// <summary>The configuration for a huge-dimension parameter (default: Adam via grafting with S = ∞).</summary>
    protected virtual ShampooConfig HugeParameterConfig(ShampooConfig main, HyperparameterReader h)
    {
        ArgumentNullException.ThrowIfNull(main);
        return new ShampooConfig(
            main.Beta1, main.Beta2 < 1 ? main.Beta2 : 0.999, main.Epsilon, main.WeightDecay, main.WeightDecayType, 524_288,
            main.PreconditionFrequency, long.MaxValue, main.UseBiasCorrection, new GraftingConfig(GraftingType.Adam, main.Beta2 < 1 ? main.Beta2 : 0.999, 1e-8));
    }

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var h = new HyperparameterReader(context.Hyperparameters, Defaults);
        var schedule = LearningRateSchedule.FromHyperparameters(h, context.Workload.StepHint);
        var config = BuildConfig(h);
        var huge = config.SoapSemantics ? null : HugeParameterConfig(config, h);
        var optimizer = new ShampooOptimizer(
            context.Parameters,
            config,
            huge is null ? null : p => p.Tensor.Shape.Any(d => d >= HugeDimension) ? huge : config);
        return new ShampooRun(optimizer, schedule);
    }

    /// <summary>AlgoPerf's Adam search space (<see cref="AdamW.AlgoPerfAdamSearchSpace"/>) plus <paramref name="extra"/> dimensions.</summary>
    protected static SearchSpace AdamSpaceWith(params SearchDimension[] extra) =>
        SearchSpace.FromDimensions([.. AdamW.AlgoPerfAdamSearchSpace.Dimensions, .. extra]);

    /// <summary><see cref="AdamW"/>'s defaults (lr 1e-3, betas 0.9/0.999, ε 1e-8, λ 0.01, 5% warm-up), blocks of 1024, plus <paramref name="extra"/>.</summary>
    protected static Hyperparameters AdamDefaultsWith(IReadOnlyDictionary<string, object> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var d = new Dictionary<string, object>(new AdamW().Defaults.Values, StringComparer.Ordinal) { ["max_preconditioner_dim"] = 1024.0 };
        foreach (var (k, v) in extra) d[k] = v;
        return new Hyperparameters(d);
    }

    /// <summary>A whole number ≥ 1 (block sizes, frequencies), naming the field when not.</summary>
    protected static int PositiveInt(HyperparameterReader h, string name)
    {
        ArgumentNullException.ThrowIfNull(h);
        double v = h.Get(name);
        if (!(v >= 1) || v != Math.Floor(v) || v > int.MaxValue) throw new ArgumentException($"{name} must be a whole number ≥ 1 (got {v})");
        return (int)v;
    }

    /// <summary>start_preconditioning_step: −1 (= the frequency) or a whole number.</summary>
    protected static long StartStep(HyperparameterReader h)
    {
        ArgumentNullException.ThrowIfNull(h);
        double v = h.Get("start_preconditioning_step", -1);
        if (v != Math.Floor(v) && !double.IsPositiveInfinity(v)) throw new ArgumentException($"start_preconditioning_step must be −1 or a whole number (got {v})");
        return double.IsPositiveInfinity(v) || v >= long.MaxValue ? long.MaxValue : (long)v;
    }
}
