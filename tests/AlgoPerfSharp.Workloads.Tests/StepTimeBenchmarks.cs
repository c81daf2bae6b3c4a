using System.Diagnostics;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Data;
using Xunit.Abstractions;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// Median training-step time (forward + backward + AdamW) of each cpu workload at its reference batch size, and the
/// time of one validation evaluation. Run by hand:
/// <c>ALGOPERF_BENCH=1 dotnet test tests/AlgoPerfSharp.Workloads.Tests -c Release --filter StepTimeBenchmarks --logger "console;verbosity=detailed"</c>
/// (<c>ALGOPERF_BENCH_PRESET=quick</c> for another preset).
/// The side-by-side comparison with PyTorch (the issue-4 target) is the benchmarks project's
/// <c>--compare-pytorch-workloads</c>, which runs the harness's own step with the built-in adamw.
/// </summary>
public sealed class StepTimeBenchmarks(ITestOutputHelper output)
{
    private static readonly WorkloadRegistry Registry = new();

    [BenchmarkFact]
    public void CpuWorkloadSteps()
    {
        string only = Environment.GetEnvironmentVariable("ALGOPERF_BENCH_ONLY") ?? string.Empty;
        int steps = int.TryParse(Environment.GetEnvironmentVariable("ALGOPERF_BENCH_STEPS"), out int s) ? s : 8;
        output.WriteLine($"threads {TorchRuntime.NumThreads}");
        foreach (var name in new[] { "fashion_mnist_resnet", "fashion_mnist_vit", "sotu_llama" })
        {
            if (only.Length > 0 && !name.Contains(only, StringComparison.Ordinal)) continue;
            using var workload = Registry.Create(name, Environment.GetEnvironmentVariable("ALGOPERF_BENCH_PRESET"));
            using var model = workload.CreateModel(1);
            using var opt = Adam.For(model, 1e-3, 0.01);
            using var batches = workload.TrainBatches(2, workload.Spec.ReferenceBatchSize);
            model.Module.Train();
            var (times, forward, backward, update) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (int i = 0; i < steps + 2; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                double f, b;
                using (var scope = new DisposeScope())
                {
                    model.Module.ZeroGrad();
                    var loss = workload.Loss(model, batches.Next());
                    f = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    loss.Backward();
                    b = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    opt.Step();
                    _ = loss.ToDouble();
                }

                double total = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (i < 2) continue;
                times.Add(total);
                forward.Add(f);
                backward.Add(b - f);
                update.Add(total - b);
            }

            static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
            double gflop = Models.ModelFlops.TrainingStep(workload.Spec.ForwardFlopsPerExample, workload.Spec.ReferenceBatchSize) / 1e9;
            output.WriteLine($"{name} ({workload.Spec.Preset}): median step {Median(times):F0} ms (min {times.Min():F0}, max {times.Max():F0}, {times.Count} steps, batch {workload.Spec.ReferenceBatchSize}; " +
                $"forward {Median(forward):F0}, backward {Median(backward):F0}, AdamW {Median(update):F0}); data stall {batches.StallTime.TotalMilliseconds:F0} ms total; " +
                $"{gflop:F1} model GFLOP per step = {gflop / (Median(times) / 1e3):F1} GFLOP/s");
            if (Environment.GetEnvironmentVariable("ALGOPERF_BENCH_EVAL") == "0") continue;
            long e0 = Stopwatch.GetTimestamp();
            var m = workload.Evaluate(model, DataSplit.Validation);
            output.WriteLine($"{name}: validation eval {Stopwatch.GetElapsedTime(e0).TotalSeconds:F1} s ({workload.Spec.NumValidationExamples} examples, {string.Join(", ", m.Select(kv => $"{kv.Key} {kv.Value:F3}"))})");
        }
    }
}
