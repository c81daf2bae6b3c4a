using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Optimizers.Memory;

namespace AlgoPerfSharp.Harness.Bench;

/// <summary>
/// Measures one workload × algorithm: a real <see cref="TrialRunner"/> trial of N steps (no evals until the last step)
/// gives the harness-timed step, the time inside the algorithm's update and what the algorithm asked of the step's
/// oracle (gradient and loss evaluations, examples drawn: its eval row's diagnostics); N forward/backward passes alone
/// give the model's share; a float32 GEMM gives the machine's peak. Memory: the trial measures this process's resident
/// set before the algorithm's Init and, after its last step, the resident set, its peak (VmHWM) and the algorithm's
/// checkpoint-state bytes (<see cref="TrialMemory"/>), set beside the algorithm's theoretical state
/// (<see cref="TheoreticalState"/>). The trial runs in this process, so those are the figures of the process that trained.
/// </summary>
public static class BenchRunner
{
    /// <summary>Runs the benchmark (in this process; a scratch database in the temp folder) on the workload's <see cref="IWorkload.Device"/>.</summary>
    public static BenchResult Run(IWorkload workload, ITrainingAlgorithm algorithm, int steps, int gemmSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var spec = SweepPlanner.Plan(workload.Spec.Name, algorithm, algorithm.Name, TuningRuleset.SelfTuning, 1, 1, 0)[0];
        string dir = Directory.CreateTempSubdirectory("algoperf-bench-").FullName;
        TrialOutcome outcome;
        IReadOnlyDictionary<string, double>? spent;
        try
        {
            using var store = ResultsStore.Open(Path.Combine(dir, "bench.db"));
            var run = store.CreateRun("bench", "bench", 0, "{}");
            long id = store.EnsureTrial(run.Id, spec).Id;
            outcome = new TrialRunner(store).Run(id, spec, workload, algorithm, new TrialRunnerOptions
            {
                MaxSteps = steps,
                EvalEverySteps = steps,
                MaxRuntimeSeconds = 1e9,
                EvaluateTest = false,
                StopAtTarget = false,
                Device = workload.Device.ToString(),
                MeasureMemory = true,
            });

            // the trial evaluates only after its last step, so that row's oracle means cover every timed step
            spent = store.Evals(id).LastOrDefault(e => e.Diagnostics.ContainsKey("oracle/gradient_evaluations"))?.Diagnostics;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }

        if (outcome.State != TrialState.Completed) throw new InvalidOperationException($"the benchmark trial ended {outcome.State}: {outcome.Error}");

        var info = workload.Spec.Info(1e9);
        int batchSize = algorithm.BatchSize(info);
        using var model = workload.CreateModel(spec.InitSeed);
        model.Module.Train();
        using var batches = workload.TrainBatches(spec.DataSeed, batchSize);
        var times = new List<double>(steps);
        var batchTimes = new List<double>(steps);
        long targets = 0;
        for (int i = 0; i < steps; i++)
        {
            using var scope = new DisposeScope();
            long b0 = Stopwatch.GetTimestamp();
            var batch = batches.Next();
            batchTimes.Add(Stopwatch.GetElapsedTime(b0).TotalSeconds);
            targets = batch.Targets.NumElements;
            long t0 = Stopwatch.GetTimestamp();
            new StepOracle(workload, model, batches, batch, 0, algorithm.AcceptsSparseGradients).LossAndGradients(); // the trials' step gradient, as timed there
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        long parameters = model.Parameters.Sum(p => p.Parameter.NumElements);
        var theory = TheoreticalState.Of(algorithm, [.. model.Parameters.Select(p => ParameterShape.Of(p.ToModelParameter()))], spec.Hyperparameters);
        var memory = outcome.Memory;
        double step = outcome.MedianStepSeconds, update = outcome.MedianUpdateSeconds, fb = Scoring.SampleStatistics.Median(times);
        double forward = workload.Spec.ForwardFlopsPerExample;
        double flops = forward > 0 ? ModelFlops.TrainingStep(forward, batchSize) : 6.0 * parameters * targets;
        return new BenchResult(workload.Spec.Name, workload.Spec.Preset, algorithm.Name, steps, batchSize, targets, parameters,
            step, update, fb, Scoring.SampleStatistics.Median(batchTimes), batchSize / step, flops, flops / step, GemmPeak(gemmSize), Math.Max(0, (update - fb) / step), Math.Max(0, (step - update) / step))
        {
            GradientEvaluationsPerStep = spent?.GetValueOrDefault("oracle/gradient_evaluations", double.NaN) ?? double.NaN,
            LossEvaluationsPerStep = spent?.GetValueOrDefault("oracle/loss_evaluations", double.NaN) ?? double.NaN,
            HessianVectorProductsPerStep = spent is null ? double.NaN : spent.GetValueOrDefault("oracle/hessian_vector_products", 0),
            ExamplesDrawnPerStep = spent?.GetValueOrDefault("oracle/examples", double.NaN) ?? double.NaN,
            Device = workload.Device.ToString(),
            PeakResidentBytes = memory?.PeakResidentBytes,
            ResidentBeforeInitBytes = memory?.ResidentBeforeInitBytes,
            ResidentAfterStepsBytes = memory?.ResidentAfterStepsBytes,
            StateBytes = memory?.StateBytes,
            StateTensors = memory?.StateTensors ?? 0,
            TheoreticalStateBytes = theory?.Bytes,
            TheoreticalStateFormula = theory?.Formula,
        };
    }

    /// <summary>Float32 n×n GEMM rate in FLOP/s (2n³ per product), the median of 5 after 2 warm-ups.</summary>
    public static double GemmPeak(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 16);
        using var scope = new DisposeScope();
        var a = Tensor.Empty([n, n]).UniformInPlace(-1, 1);
        var b = Tensor.Empty([n, n]).UniformInPlace(-1, 1);
        var times = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            using var inner = new DisposeScope();
            long t0 = Stopwatch.GetTimestamp();
            var c = a.MatMul(b);
            _ = c.NumElements;
            double dt = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (i >= 2) times.Add(dt);
        }

        return 2.0 * n * n * n / Scoring.SampleStatistics.Median(times);
    }
}
