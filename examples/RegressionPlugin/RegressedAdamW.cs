using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

[assembly: TrainingAlgorithm(typeof(RegressionPlugin.WrappedAdamW))]
[assembly: TrainingAlgorithm(typeof(RegressionPlugin.SlowAdamW))]
[assembly: TrainingAlgorithm(typeof(RegressionPlugin.HalfLearningRateAdamW))]
[assembly: TrainingAlgorithm(typeof(RegressionPlugin.NoMomentumAdamW))]

namespace RegressionPlugin;

/// <summary>
/// The built-in AdamW with one regression injected, as a CI gate must catch it: each variant is its own algorithm
/// name, selected with <c>RegressionPlugin.dll:NAME</c> (so it works unchanged in worker processes). The search space
/// and defaults are AdamW's; the regression is applied on top of whatever hyperparameters the harness passes.
/// </summary>
public abstract class RegressedAdamW : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => _inner.Defaults;

    /// <summary>AdamW's declarations: the variants read exactly its hyperparameters.</summary>
    public IReadOnlyList<HyperparameterDeclaration> Declared => _inner.Declared;

    /// <summary>Step wall-time factor f ≥ 1: after each inner update, wait (f − 1) × its measured wall time.</summary>
    protected virtual double Slowdown => 1;

    /// <summary>Factor applied to <c>learning_rate</c>.</summary>
    protected virtual double LearningRateFactor => 1;

    /// <summary>Whether β1 is forced to 0 (no first-moment momentum: RMSprop with AdamW's decay and bias correction).</summary>
    protected virtual bool DropMomentum => false;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Hyperparameters.Values.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (LearningRateFactor != 1) values["learning_rate"] = Convert.ToDouble(values["learning_rate"], System.Globalization.CultureInfo.InvariantCulture) * LearningRateFactor;
        if (DropMomentum)
        {
            values.Remove("beta1");
            values["one_minus_beta1"] = 1.0;
        }

        var inner = _inner.Init(context with { Hyperparameters = new Hyperparameters(values) });
        return Slowdown == 1 ? inner : new SlowRun(inner, Slowdown);
    }

    /// <summary>
    /// Waits until <paramref name="seconds"/> have passed: sleeps while more than 2 ms remain (Thread.Sleep's granularity),
    /// then spins, so sub-millisecond waits of a fast step are honoured too.
    /// </summary>
    public static void Wait(double seconds)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (true)
        {
            double left = (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency;
            if (left <= 0) return;
            if (left > 0.002) Thread.Sleep(TimeSpan.FromSeconds(left - 0.001));
            else Thread.SpinWait(20);
        }
    }

    private sealed class SlowRun(ITrainingRun inner, double slowdown) : ITrainingRun
    {
        public double Update(StepContext step)
        {
            long start = Stopwatch.GetTimestamp();
            double loss = inner.Update(step);
            Wait(Stopwatch.GetElapsedTime(start).TotalSeconds * (slowdown - 1));
            return loss;
        }

        public AlgorithmState SaveState() => inner.SaveState();

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public IReadOnlyDictionary<string, double> Diagnostics() => inner.Diagnostics();

        public void PrepareForEval(StepContext step) => inner.PrepareForEval(step);

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>AdamW through the wrapper with nothing changed: the A/A control for the plugin path.</summary>
public sealed class WrappedAdamW : RegressedAdamW
{
    /// <inheritdoc/>
    public override string Name => "adamw_wrapped";
}

/// <summary>AdamW whose every step takes 15 % longer (a wait of 0.15 × the update's own wall time).</summary>
public sealed class SlowAdamW : RegressedAdamW
{
    /// <inheritdoc/>
    public override string Name => "adamw_slow";

    /// <inheritdoc/>
    protected override double Slowdown => 1.15;
}

/// <summary>AdamW with its learning rate silently halved: a convergence regression.</summary>
public sealed class HalfLearningRateAdamW : RegressedAdamW
{
    /// <inheritdoc/>
    public override string Name => "adamw_half_lr";

    /// <inheritdoc/>
    protected override double LearningRateFactor => 0.5;
}

/// <summary>AdamW with its momentum silently dropped (β1 = 0): a convergence regression.</summary>
public sealed class NoMomentumAdamW : RegressedAdamW
{
    /// <inheritdoc/>
    public override string Name => "adamw_no_momentum";

    /// <inheritdoc/>
    protected override bool DropMomentum => true;
}
