using System.Diagnostics;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>Timing of one algorithm on one parameter set.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="Set">Parameter-set name.</param>
/// <param name="Parameters">Scalars in the set.</param>
/// <param name="RegularMs">Median ms of one step over the timed steps.</param>
/// <param name="AmortizedMs">Mean ms per step over the timed steps (a whole number of refresh intervals).</param>
/// <param name="RefreshInterval">Steps between amortized refreshes (1 when the algorithm has none).</param>
/// <param name="TimedSteps">Steps timed after warm-up.</param>
public sealed record StepTiming(string Algorithm, string Set, long Parameters, double RegularMs, double AmortizedMs, int RefreshInterval, int TimedSteps);

/// <summary>
/// <c>--optimizer-steps</c>: times one <see cref="ITrainingRun.Update"/> of every built-in algorithm
/// (<see cref="AlgorithmRegistry.BuiltIns"/>, with its default hyperparameters) on each <see cref="ParameterSet"/>.
/// Gradients are reset to fixed random values before each step, untimed; the timed region is the update alone: the
/// step's oracle is a <see cref="SyntheticOracle"/> (the gradient call returns at once; sub-batch gradients, target
/// gradients and Hessian–vector products, for the algorithms that ask, come from fixed tensors at the cost of a copy).
/// Reports the median ("regular") and the mean over a whole number of refresh intervals ("amortized"); the interval
/// is read generically from a default hyperparameter whose name ends in <c>frequency</c> or <c>update_interval</c>
/// (e.g. Shampoo's precondition_frequency, Sophia's hessian_update_interval), and warm-up covers a
/// <c>start_preconditioning_step</c> (−1, the Shampoo family's default, meaning the frequency) and fills a
/// <c>memory</c> (L-BFGS's pairs), so "regular" times steady-state steps.
/// </summary>
public static class OptimizerStepRunner
{
    /// <summary>Examples in the bench's batch (the synthetic oracle's; a sub-batch call splits them).</summary>
    public const int BatchExamples = 128;

    /// <summary>Sub-batch groups the synthetic oracle holds (cf_adamw's and cf_shampoo's microbatches, pb_lbfgs's variance groups).</summary>
    public const int SubBatchGroups = 8;

    /// <summary>Classes of the synthetic oracle's outputs (Sophia-G samples a label per example from them).</summary>
    public const int OutputClasses = 10;

    /// <summary>
    /// The workload every algorithm is told it trains: a cross-entropy loss that offers Hessian–vector products, so that
    /// sophia_g and sophia_h accept it (no other built-in reads the loss type).
    /// </summary>
    public static WorkloadInfo Workload(ParameterSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new WorkloadInfo("bench_" + set.Name, LossType.SoftmaxCrossEntropy, StepHint: 100_000, 3600, 1_000_000, BatchExamples) { SupportsHessianVectorProducts = true };
    }

    /// <summary>Steps between amortized refreshes of <paramref name="algorithm"/> (1 when none is declared).</summary>
    public static int RefreshInterval(ITrainingAlgorithm algorithm) =>
        (int)Math.Max(1, MaxDefault(algorithm, k => k.EndsWith("frequency", StringComparison.Ordinal) || k.EndsWith("update_interval", StringComparison.Ordinal)));

    private static double MaxDefault(ITrainingAlgorithm algorithm, Func<string, bool> key)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        double best = 0;
        foreach (var (k, v) in algorithm.Defaults.Values)
        {
            if (key(k) && v is double d && double.IsFinite(d) && d > best && d <= 10_000) best = d;
        }

        return best;
    }

    /// <summary>
    /// The timing protocol of <paramref name="algorithm"/>: its refresh interval, the warm-up (≥ 5 steps, past the
    /// first preconditioned step — a declared <c>start_preconditioning_step</c> of −1 means the interval — and past a
    /// full <c>memory</c>, L-BFGS's curvature pairs) and the timed steps (a whole number of intervals,
    /// ≥ <paramref name="minSteps"/>). The PyTorch comparison gives the same numbers to the reference so both sides time
    /// the same phases.
    /// </summary>
    public static (int Interval, int Warmup, int Timed) Protocol(ITrainingAlgorithm algorithm, int minSteps = 30, int warmup = 5)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        int interval = RefreshInterval(algorithm);
        int start = !algorithm.Defaults.Values.TryGetValue("start_preconditioning_step", out var value) || value is not double d ? 0
            : d == -1 ? interval
            : (int)MaxDefault(algorithm, k => k == "start_preconditioning_step");
        int memory = (int)MaxDefault(algorithm, k => k == "memory");
        int timed = interval * (int)Math.Ceiling((double)minSteps / interval);
        return (interval, Math.Max(warmup, Math.Max(start, memory) + 1), timed);
    }

    /// <summary>
    /// Times <paramref name="algorithm"/> on <paramref name="set"/>: warm-up, then at least <paramref name="minSteps"/> timed
    /// steps; with <paramref name="profilePath"/>, as many steps again under libtorch's op profiler (trace written there).
    /// The synthetic oracle is prepared for the calls the algorithm's reference case declares (<see cref="ReferenceCheck.OracleCallsOf"/>).
    /// </summary>
    public static StepTiming Measure(ITrainingAlgorithm algorithm, ParameterSet set, int minSteps = 30, int warmup = 5, string? profilePath = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(set);
        (int interval, warmup, int timed) = Protocol(algorithm, minSteps, warmup);
        using var instance = set.Create(seed: 17);
        using var inputs = SyntheticOracleInputs.Generate(instance.Parameters, ReferenceCheck.OracleCallsOf(algorithm.Name), SubBatchGroups, BatchExamples, OutputClasses);
        var workload = Workload(set);
        using var run = algorithm.Init(new AlgorithmInitContext(instance.Parameters, Hyperparameters.Empty, workload, 0));
        var samples = new double[timed];
        for (int s = 0; s < warmup + timed; s++)
        {
            double ms = Step(s);
            if (s >= warmup) samples[s - warmup] = ms;
        }

        if (profilePath is not null)
        {
            // The gradient resets are recorded too, as on the reference's side (optimizer_step.py --profile).
            using var profiler = OpProfiler.Record(profilePath);
            for (int s = warmup + timed; s < warmup + (2 * timed); s++) Step(s);
        }

        return new StepTiming(algorithm.Name, set.Name, set.Count, Stats.Median(samples), samples.Average(), interval, timed);

        double Step(int s)
        {
            instance.ResetGradients();
            var oracle = new SyntheticOracle(instance.Parameters, inputs, instance.ResetGradients, gradientHeld: true, BatchExamples);
            var context = new StepContext(s, instance.Parameters, workload, 0, [], oracle);
            long t0 = Stopwatch.GetTimestamp();
            using (var scope = new DisposeScope())
            {
                run.Update(context);
            }

            return (Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency;
        }
    }

    /// <summary>Runs every selected algorithm on every selected set and prints a table.</summary>
    public static IReadOnlyList<StepTiming> Run(IReadOnlyList<ITrainingAlgorithm> algorithms, IReadOnlyList<ParameterSet> sets, int minSteps, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(output);
        var results = new List<StepTiming>();
        output.WriteLine($"optimizer step ({TorchRuntime.NumThreads} threads), median over ≥{minSteps} steps after warm-up");
        output.WriteLine($"{"algorithm",-16} {"set",-12} {"params",10} {"regular ms",11} {"amortized ms",13} {"interval",9}");
        foreach (var set in sets)
        {
            foreach (var algorithm in algorithms)
            {
                var t = Measure(algorithm, set, minSteps);
                results.Add(t);
                output.WriteLine($"{t.Algorithm,-16} {t.Set,-12} {t.Parameters,10} {t.RegularMs,11:F3} {t.AmortizedMs,13:F3} {t.RefreshInterval,9}");
            }
        }

        return results;
    }

    /// <summary>Built-in algorithms by name (all when <paramref name="names"/> is empty), with an error listing the known ones.</summary>
    public static IReadOnlyList<ITrainingAlgorithm> Select(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var builtIns = new AlgorithmRegistry().BuiltIns;
        if (names.Count == 0) return builtIns;
        return names.Select(n => builtIns.FirstOrDefault(a => a.Name == n)
            ?? throw new ArgumentException($"unknown built-in algorithm '{n}' (known: {string.Join(", ", builtIns.Select(a => a.Name))})", nameof(names))).ToList();
    }
}
