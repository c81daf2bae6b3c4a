using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using BenchmarkDotNet.Attributes;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// One optimizer step (<see cref="ITrainingRun.Update"/> with fixed gradients, reset untimed before each
/// invocation, and the <see cref="SyntheticOracle"/>) for every built-in algorithm on every <see cref="ParameterSet"/>.
/// BenchmarkDotNet reports the mean and median; for the regular-vs-amortized split over refresh intervals use the <c>--optimizer-steps</c> runner.
/// </summary>
public class OptimizerStepBenchmarks
{
    private ParameterInstance _instance = null!;
    private ITrainingRun _run = null!;
    private SyntheticOracleInputs _inputs = null!;
    private WorkloadInfo _workload = null!;

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
        _inputs = SyntheticOracleInputs.Generate(_instance.Parameters, ReferenceCheck.OracleCallsOf(Algorithm), OptimizerStepRunner.SubBatchGroups, OptimizerStepRunner.BatchExamples, OptimizerStepRunner.OutputClasses);
        _workload = OptimizerStepRunner.Workload(set);
        _run = algorithm.Init(new AlgorithmInitContext(_instance.Parameters, Hyperparameters.Empty, _workload, 0));
    }

    /// <summary>Restores the fixed gradients before each step (untimed).</summary>
    [IterationSetup]
    public void ResetGradients() => _instance.ResetGradients();

    /// <summary>Releases state and tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _run.Dispose();
        _inputs.Dispose();
        _instance.Dispose();
    }

    /// <summary>One step (its synthetic oracle, two small objects, is created inside).</summary>
    [Benchmark]
    public void Step()
    {
        using var scope = new DisposeScope();
        var oracle = new SyntheticOracle(_instance.Parameters, _inputs, _instance.ResetGradients, gradientHeld: true, OptimizerStepRunner.BatchExamples);
        _run.Update(new StepContext(0, _instance.Parameters, _workload, 0, [], oracle));
    }
}
