using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

[assembly: TrainingAlgorithm(typeof(MixedPlugin.PlainSgd))]
[assembly: TrainingAlgorithm(typeof(MixedPlugin.Copycat))]

namespace MixedPlugin;

/// <summary>Plain SGD via the built-in Nesterov recipe under another name.</summary>
public sealed class PlainSgd : ITrainingAlgorithm
{
    private readonly SgdNesterov _inner = new();

    /// <inheritdoc/>
    public string Name => "plain_sgd";

    /// <inheritdoc/>
    public SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => _inner.Defaults;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context) => _inner.Init(context);
}

/// <summary>A second algorithm, so that loading without a name is ambiguous.</summary>
public sealed class Copycat : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    /// <inheritdoc/>
    public string Name => "copycat";

    /// <inheritdoc/>
    public SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => _inner.Defaults;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context) => _inner.Init(context);
}
