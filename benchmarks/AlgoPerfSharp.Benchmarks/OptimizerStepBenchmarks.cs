using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using BenchmarkDotNet.Attributes;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// One optimizer step (<see cref="ITrainingRun.Update"/> with fixed gradients, reset untimed before each
/// invocation) for every built-in algorithm on every <see cref="ParameterSet"/>. BenchmarkDotNet reports the mean and
/// median; for the regular-vs-amortized split over refresh intervals use the <c>--optimizer-steps</c> runner.
/// </summary>
public class OptimizerStepBenchmarks
{
    private ParameterInstance _instance = null!;
    private ITrainingRun _run = null!;
    private StepContext _context = null!;

    /// <summary>Every built-in algorithm, enumerated from the registry (new built-ins appear automatically).</summary>
    public static IEnumerable<string> AlgorithmNames => new AlgorithmRegistry().BuiltIns.Select(a => a.Name);

    /// <summary>Every parameter set.</summary>
    public static IEnumerable<string> SetNames => ParameterSet.All.Select(s => s.Name);

    /// <summary>The algorithm.</summary>
    [ParamsSource(nameof(AlgorithmNames))]
    public string Algorithm { get; set; } = "adamw";

    /// <summary>The parameter set.</summary>
    [ParamsSource(nameof(SetNames))]
    public string Set { get; set; } = "w1024";

    /// <summary>Creates parameters, gradients and the algorithm's state, and warms up past any start step.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var algorithm = OptimizerStepRunner.Select([Algorithm])[0];
        var set = ParameterSet.Get(Set);
        _instance = set.Create(seed: 17);
        var workload = new WorkloadInfo("bench_" + set.Name, LossType.MeanSquaredError, StepHint: 100_000, 3600, 1_000_000, 128);
        _run = algorithm.Init(new AlgorithmInitContext(_instance.Parameters, Hyperparameters.Empty, workload, 0));
        _context = new StepContext(0, _instance.Parameters, workload, 0, [], static () => 0.0);
    }

    /// <summary>Restores the fixed gradients before each step (untimed).</summary>
    [IterationSetup]
    public void ResetGradients() => _instance.ResetGradients();

    /// <summary>Releases state and tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _run.Dispose();
        _instance.Dispose();
    }

    /// <summary>One step.</summary>
    [Benchmark]
    public void Step()
    {
        using var scope = new DisposeScope();
        _run.Update(_context);
    }
}
