namespace AlgoPerfSharp.Workloads;

/// <summary>The built-in workload descriptors (filled in as workloads land).</summary>
internal static class BuiltIns
{
    /// <summary>Every built-in workload and variant.</summary>
    public static IEnumerable<WorkloadDescriptor> All() => [];
}
