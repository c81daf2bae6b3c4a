using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// The algorithm and workload registries a program runs with: built once in the composition root (<c>CliApp.Run</c>,
/// or a test) and passed to everything that plans, runs, lists or checks (a service of the host for hosted commands).
/// Both registries are immutable, so this is thread-safe.
/// </summary>
/// <param name="AlgorithmRegistry">Built-in algorithms and plugin loading.</param>
/// <param name="WorkloadRegistry">The workloads by name.</param>
public sealed record Registries(AlgorithmRegistry AlgorithmRegistry, WorkloadRegistry WorkloadRegistry)
{
    /// <summary>The built-in algorithms and the built-in workloads plus the harness's own (<see cref="HarnessWorkloads"/>).</summary>
    public static Registries Default() => new(new AlgorithmRegistry(), HarnessWorkloads.Registry());

    /// <summary>Resolves a built-in name or plugin spec (<see cref="Plugins.AlgorithmRegistry.Resolve"/>: plugin code runs here).</summary>
    public ITrainingAlgorithm Algorithms(string spec) => AlgorithmRegistry.Resolve(spec);

    /// <summary>Builds a workload by name and preset (null = its default).</summary>
    public IWorkload Workloads(string name, string? preset) => WorkloadRegistry.Create(name, preset);

    /// <summary>A workload's constants by name and preset, without loading its data where the descriptor can say them.</summary>
    public Func<string, string?, WorkloadSpec>? Specs => WorkloadRegistry.Spec;

    /// <summary>The scored base workloads (<see cref="HarnessWorkloads.BaseWorkloads"/>).</summary>
    public IReadOnlyList<string> BaseWorkloads() => HarnessWorkloads.BaseWorkloads(WorkloadRegistry);
}
