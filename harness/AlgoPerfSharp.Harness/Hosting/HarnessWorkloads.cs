using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>The workloads the harness runs: the built-ins plus its own <see cref="SyntheticRegression"/> (not scored).</summary>
public static class HarnessWorkloads
{
    /// <summary>
    /// A registry of the built-in workloads, <see cref="SyntheticRegression"/>, the click-log DLRMs (synthetic, and
    /// <c>criteo_dlrm_tsv</c> on a user's Criteo TSV files: <see cref="CriteoDlrmWorkloads"/>; listed and runnable by
    /// name, in no default workload set; the synthetic pair forms the <c>dlrm</c> plan) and
    /// <paramref name="extra"/> (tests).
    /// </summary>
    public static WorkloadRegistry Registry(params IEnumerable<WorkloadDescriptor> extra) =>
        new([SyntheticRegression.Descriptor, .. CriteoDlrmWorkloads.Descriptors, .. extra]);

    /// <summary>The scored base workloads of <paramref name="registry"/>: not variants, not the harness's own, not the click-log DLRMs (their own plan, <c>dlrm</c>).</summary>
    public static IReadOnlyList<string> BaseWorkloads(WorkloadRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.All.Where(d => d.VariantOf is null && d.Name != SyntheticRegression.Name && !CriteoDlrmWorkloads.Descriptors.Any(c => c.Name == d.Name)).Select(d => d.Name).ToList();
    }
}
