using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// AdamW with an injected regression, on a manual clock: a slower step (each update advances the clock by
/// <c>slowdown − 1</c> seconds on top of the 1 s the <see cref="TinyWorkload"/> charges), a scaled learning rate, or the
/// momentum dropped (β1 = 0). With the defaults it is AdamW itself.
/// </summary>
internal sealed class InjectedRegression(ManualClock clock, double slowdown = 1, double learningRateFactor = 1, bool dropMomentum = false) : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    public string Name => "adamw";

    public SearchSpace SearchSpace => _inner.SearchSpace;

    public Hyperparameters Defaults => _inner.Defaults;

    public ITrainingRun Init(AlgorithmInitContext context)
    {
        var values = context.Hyperparameters.Values.ToDictionary(kv => kv.Key, kv => kv.Value);
        values["learning_rate"] = (double)values["learning_rate"] * learningRateFactor;
        if (dropMomentum) values["one_minus_beta1"] = 1.0;
        return new Run(_inner.Init(context with { Hyperparameters = new Hyperparameters(values) }), clock, slowdown);
    }

    private sealed class Run(ITrainingRun inner, ManualClock clock, double slowdown) : ITrainingRun
    {
        public double Update(StepContext step)
        {
            double loss = inner.Update(step);
            clock.Advance(slowdown - 1);
            return loss;
        }

        public AlgorithmState SaveState() => inner.SaveState();

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public void Dispose() => inner.Dispose();
    }
}
