using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Optimizers.Algorithms;

[assembly: TrainingAlgorithm(typeof(FuturePlugin.Future), contractVersion: 999)]

namespace FuturePlugin;

/// <summary>Declared for contract version 999, which this harness does not implement.</summary>
public sealed class Future : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    /// <inheritdoc/>
    public string Name => "future";

    /// <inheritdoc/>
    public SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => _inner.Defaults;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context) => _inner.Init(context);
}
