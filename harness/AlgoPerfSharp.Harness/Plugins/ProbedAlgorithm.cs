using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// A plugin algorithm as the parent of a sweep knows it: the name, search space, defaults and declared hyperparameters its probe reported
/// (<see cref="PluginProbe"/>), enough to plan trials. It runs nothing: <see cref="Init"/> refuses, because a plugin's
/// training code runs only in worker processes, which load the plugin themselves.
/// </summary>
/// <param name="metadata">What the probe reported.</param>
internal sealed class ProbedAlgorithm(AlgorithmMetadata metadata) : ITrainingAlgorithm
{
    /// <summary>What the probe reported.</summary>
    public AlgorithmMetadata Metadata { get; } = metadata ?? throw new ArgumentNullException(nameof(metadata));

    /// <inheritdoc/>
    public string Name => Metadata.Name;

    /// <inheritdoc/>
    public SearchSpace SearchSpace => Metadata.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => Metadata.Defaults;

    /// <inheritdoc/>
    public IReadOnlyList<HyperparameterDeclaration> Declared => Metadata.Declared;

    /// <inheritdoc/>
    public int BatchSize(WorkloadInfo workload) =>
        throw new InvalidOperationException($"{Metadata.Source}: the plugin's batch size is asked for in its worker process, not in the parent");

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context) =>
        throw new InvalidOperationException($"{Metadata.Source}: plugin algorithms train in worker processes only (this is the parent's stand-in from the probe)");
}
