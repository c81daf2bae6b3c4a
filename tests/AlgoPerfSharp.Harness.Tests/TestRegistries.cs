using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>The registries the tests share (both immutable): what <c>CliApp.Run</c> builds for a real invocation.</summary>
internal static class TestRegistries
{
    public static Registries Default { get; } = Registries.Default();

    public static AlgorithmRegistry Algorithms => Default.AlgorithmRegistry;

    public static WorkloadRegistry Workloads => Default.WorkloadRegistry;
}
