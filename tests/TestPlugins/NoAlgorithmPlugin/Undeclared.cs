using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Optimizers.Algorithms;



namespace NoAlgorithmPlugin;

/// <summary>Implements the contract but is never declared.</summary>
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
