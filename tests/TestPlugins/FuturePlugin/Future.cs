using AlgoPerfSharp.Contracts;

[assembly: TrainingAlgorithm(typeof(FuturePlugin.Future), contractVersion: 999)]

namespace FuturePlugin;

/// <summary>
/// Declared for contract version 999, which this harness does not implement: the harness refuses it before
/// constructing it, so it needs the contract alone (no built-in algorithm to wrap).
/// </summary>
public sealed class Future : ITrainingAlgorithm
{
    /// <inheritdoc/>
    public string Name => "future";

    /// <inheritdoc/>
    public SearchSpace SearchSpace { get; } = SearchSpace.FromPoints([Hyperparameters.Empty]);

    /// <inheritdoc/>
    public Hyperparameters Defaults => Hyperparameters.Empty;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context) =>
        throw new NotSupportedException("the harness must refuse this plugin before running it");
}
