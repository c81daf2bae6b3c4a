namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>A benchmark, not a test: skipped unless <c>ALGOPERF_BENCH=1</c> (timings never gate the suite).</summary>
internal sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("ALGOPERF_BENCH") != "1") Skip = "benchmark: run by hand with ALGOPERF_BENCH=1";
    }
}
