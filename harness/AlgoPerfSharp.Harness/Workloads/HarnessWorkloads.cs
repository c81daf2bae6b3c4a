using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Workloads;

/// <summary>Registers the harness's own workloads (<see cref="SyntheticRegression"/>) in the <see cref="WorkloadRegistry"/>.</summary>
public static class HarnessWorkloads
{
    /// <summary>Registers them (idempotent).</summary>
    public static void EnsureRegistered()
    {
        if (WorkloadRegistry.Find(SyntheticRegression.Name) is null) WorkloadRegistry.Register(SyntheticRegression.Descriptor);
    }

    /// <summary>The scored base workloads: registered, not variants, not the harness's own.</summary>
    public static IReadOnlyList<string> BaseWorkloads() =>
        WorkloadRegistry.All.Where(d => d.VariantOf is null && d.Name != SyntheticRegression.Name).Select(d => d.Name).ToList();
}
