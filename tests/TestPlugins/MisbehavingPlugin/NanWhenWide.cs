using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace MisbehavingPlugin;

/// <summary>
/// AdamW that reports a NaN loss from its first step on every width-ladder member wider than the ladder's base, at any
/// learning rate: a width where everything diverges. On the base width (and off ladders) it is plain AdamW.
/// </summary>
public sealed class NanWhenWide : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    /// <inheritdoc/>
    public string Name => "nan_when_wide";

    /// <inheritdoc/>
    public SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => _inner.Defaults;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        var run = _inner.Init(context);
        return context.Parameters.Any(p => p.Width is { WidthRatio: > 1 }) ? new Wide(run) : run;
    }

    private sealed class Wide(ITrainingRun inner) : ITrainingRun
    {
        public double Update(StepContext step)
        {
            inner.Update(step);
            return double.NaN;
        }

        public AlgorithmState SaveState() => inner.SaveState();

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public IReadOnlyDictionary<string, double> Diagnostics() => inner.Diagnostics();

        public void Dispose() => inner.Dispose();
    }
}
