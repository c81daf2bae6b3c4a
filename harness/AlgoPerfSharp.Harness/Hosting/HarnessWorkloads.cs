using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>The workloads the harness runs: the built-ins plus its own <see cref="SyntheticRegression"/> (not scored).</summary>
public static class HarnessWorkloads
{
    /// <summary>A registry of the built-in workloads, <see cref="SyntheticRegression"/> and <paramref name="extra"/> (tests).</summary>
    public static WorkloadRegistry Registry(params IEnumerable<WorkloadDescriptor> extra) => new([SyntheticRegression.Descriptor, .. extra]);

    /// <summary>The scored base workloads of <paramref name="registry"/>: not variants, not the harness's own.</summary>
    public static IReadOnlyList<string> BaseWorkloads(WorkloadRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.All.Where(d => d.VariantOf is null && d.Name != SyntheticRegression.Name).Select(d => d.Name).ToList();
    }
}
