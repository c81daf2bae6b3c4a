using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Workloads;

/// <summary>Preset helpers over the <see cref="WorkloadRegistry"/>.</summary>
public static class WorkloadRegistryPresets
{
    /// <summary>The default (first) preset of workload <paramref name="name"/>, or <c>cpu</c> when it is unknown (validation reports that).</summary>
    public static string Default(string name) => WorkloadRegistry.Find(name)?.Presets[0] ?? "cpu";
}
