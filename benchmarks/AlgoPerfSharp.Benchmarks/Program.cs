using System.Globalization;
using AlgoPerfSharp.Benchmarks;
using AlgoPerfSharp.Torch;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Modes (see benchmarks/README.md):
//   --compare-native [--quick] [--rounds N]                    engine vs the C++ yardstick, side by side
//   --optimizer-steps [--quick] [--algorithms a,b] [--sets s,t] [--steps N]   one step per built-in algorithm
//   --compare-pytorch [--quick] [--algorithms a,b] [--sets s,t] [--rounds N] [--steps N] [--profile DIR]   every built-in vs our PyTorch reference, alternating
//   --compare-pytorch --check [--algorithms a,b]               the references against our float64 loops (exit 1 on a mismatch)
//   --compare-pytorch-workloads [--workloads a,b] [--rounds N] [--steps K] [--profile DIR] [--torch-channels-last]   training steps vs PyTorch eager, alternating
//   --attention [--rounds N] [--reps K]                        fused attention kernel vs the composed graph
//   --newton-schulz [--sets s,t] [--rounds N]                  Muon's NS per matrix f32 / batched f32 / batched bf16
//   --inverse-roots [--sets s,t] [--rounds N]                  ASGO's inverse roots one by one / former schedule / planned
//   anything else                                              BenchmarkDotNet (e.g. --filter '*Engine*'); add --quick for a short job
TorchRuntime.EnsureInitialized();
var argList = args.ToList();
bool quick = Take(argList, "--quick");
try
{
    if (Take(argList, "--compare-native"))
    {
        return NativeComparison.Run(quick, Int(argList, "--rounds", quick ? 1 : 3), Console.Out);
    }

    if (Take(argList, "--optimizer-steps"))
    {
        var algorithms = OptimizerStepRunner.Select(List(argList, "--algorithms", quick ? "adamw,muon" : string.Empty));
        var sets = List(argList, "--sets", quick ? "w1024,llama_tiny" : string.Empty).Select(ParameterSet.Get).ToList();
        OptimizerStepRunner.Run(algorithms, sets.Count == 0 ? ParameterSet.All : sets, Int(argList, "--steps", 30), Console.Out);
        return 0;
    }

    if (Take(argList, "--compare-pytorch"))
    {
        var named = List(argList, "--algorithms", quick ? "adamw,muon,soap" : string.Empty);
        var algorithms = OptimizerStepRunner.Select(named);
        if (named.Count == 0)
        {
            // Every built-in by default: those without a PyTorch reference yet are named and skipped, not an error.
            var missing = algorithms.Where(a => ReferenceCheck.Cases.All(c => c.Algorithm != a.Name)).Select(a => a.Name).ToList();
            if (missing.Count > 0) Console.WriteLine($"no PyTorch reference yet (skipped): {string.Join(", ", missing)}");
            algorithms = algorithms.Where(a => !missing.Contains(a.Name)).ToList();
        }
        else if (algorithms.Where(a => ReferenceCheck.Cases.All(c => c.Algorithm != a.Name)).Select(a => a.Name).ToList() is { Count: > 0 } unreferenced)
        {
            // refused before anything runs, not after the named algorithms before it have been timed
            Console.Error.WriteLine($"error: no PyTorch reference for {string.Join(", ", unreferenced)}; references exist for {string.Join(", ", ReferenceCheck.Cases.Select(c => c.Algorithm).Distinct())}");
            return 2;
        }

        if (Take(argList, "--check")) return ReferenceCheck.Run(algorithms, Console.Out);
        var sets = List(argList, "--sets", quick ? "w1024,llama_tiny" : string.Empty).Select(ParameterSet.Get).ToList();
        string? profile = argList.Contains("--profile") ? Value(argList, "--profile", string.Empty) : null;
        return PyTorchComparison.Run(algorithms, sets.Count == 0 ? ParameterSet.All : sets, Int(argList, "--rounds", quick ? 1 : 5), Int(argList, "--steps", 30), Console.Out, profile);
    }

    if (Take(argList, "--attention"))
    {
        return AttentionComparison.Run(Int(argList, "--rounds", quick ? 3 : 7), Int(argList, "--reps", 5), Console.Out);
    }

    if (Take(argList, "--newton-schulz"))
    {
        var sets = List(argList, "--sets", string.Empty).Select(ParameterSet.Get).ToList();
        return NewtonSchulzComparison.Run(sets.Count == 0 ? ParameterSet.All : sets, Int(argList, "--rounds", quick ? 3 : 9), Console.Out);
    }

    if (Take(argList, "--inverse-roots"))
    {
        var sets = List(argList, "--sets", string.Empty).Select(ParameterSet.Get).ToList();
        return InverseRootComparison.Run(sets.Count == 0 ? ParameterSet.All : sets, Int(argList, "--rounds", quick ? 3 : 9), Console.Out);
    }

    if (Take(argList, "--compare-pytorch-workloads"))
    {
        var workloads = List(argList, "--workloads", string.Empty);
        return WorkloadStepComparison.Run(workloads.Count == 0 ? WorkloadStepComparison.Workloads : workloads,
            Int(argList, "--rounds", quick ? 2 : 10), Int(argList, "--steps", quick ? 2 : 3), Console.Out,
            argList.Contains("--profile") ? Value(argList, "--profile", string.Empty) : null, Take(argList, "--torch-channels-last"));
    }
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

// In-process toolchain: no per-benchmark project generation/rebuild (slow on 2 cores) and libats.so resolves from here.
var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job.AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run([.. argList], config);
return 0;

static bool Take(List<string> a, string flag) => a.Remove(flag);

static string Value(List<string> a, string flag, string fallback)
{
    int i = a.IndexOf(flag);
    if (i < 0) return fallback;
    if (i + 1 >= a.Count) throw new ArgumentException($"{flag} needs a value");
    string v = a[i + 1];
    a.RemoveRange(i, 2);
    return v;
}

static int Int(List<string> a, string flag, int fallback)
{
    string v = Value(a, flag, fallback.ToString(CultureInfo.InvariantCulture));
    return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1
        ? n
        : throw new ArgumentException($"{flag} must be a positive integer (got '{v}')");
}

static List<string> List(List<string> a, string flag, string fallback) =>
    [.. Value(a, flag, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
