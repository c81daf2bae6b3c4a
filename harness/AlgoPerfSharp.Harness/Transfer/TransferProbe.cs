using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// Times a width for <c>algoperf transfer --dry-run</c>: two untimed warm-up updates, then the median of
/// <c>steps</c> updates (the trial's µP multipliers applied, as <see cref="CoordinateCheck"/> does) and one validation
/// eval, in-process. A few seconds per width; measured on whatever else the machine is doing.
/// </summary>
public static class TransferProbe
{
    /// <summary>Median seconds of one update step and seconds of one validation eval of <paramref name="workload"/>.</summary>
    public static (double StepSeconds, double EvalSeconds) Measure(IWorkload workload, ITrainingAlgorithm algorithm, Hyperparameters hyperparameters, int steps = 5, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var model = workload.CreateModel(seed);
        var parameters = model.Parameters.Select(p => p.ToModelParameter()).ToList();
        var info = workload.Spec.Info(workload.Spec.MaxRuntimeSeconds);
        var (multipliers, _) = WidthTransfer.Resolve(workload, algorithm, parameters, hyperparameters);
        using var run = algorithm.Init(new AlgorithmInitContext(parameters, hyperparameters, info, seed) { Multipliers = multipliers });
        using var batches = workload.TrainBatches(seed, algorithm.BatchSize(info));
        var times = new List<double>();
        const int warmUp = 2;
        for (int step = 0; step < warmUp + steps; step++)
        {
            using var scope = new DisposeScope();
            var clock = Stopwatch.StartNew();
            var oracle = new StepOracle(workload, model, batches, batches.Next(), 0);
            run.Update(new StepContext(step, parameters, info, 0, [], oracle));
            if (step >= warmUp) times.Add(clock.Elapsed.TotalSeconds);
        }

        var eval = Stopwatch.StartNew();
        workload.Evaluate(model, DataSplit.Validation);
        double evalSeconds = eval.Elapsed.TotalSeconds;
        times.Sort();
        return (times[times.Count / 2], evalSeconds);
    }
}
