using AlgoPerfSharp.Contracts;

namespace NoAlgorithmPlugin;

/// <summary>
/// Implements the contract but is never declared with <c>[assembly: TrainingAlgorithm]</c>: the harness refuses the
/// assembly before constructing it, so it needs the contract alone.
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
