using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--compare-pytorch</c>: every selected built-in's step against our own PyTorch implementation of the same update
/// (<c>benchmarks/reference/optimizer_step.py</c>: <c>torch.optim</c> where it is the same algorithm, else
/// <c>reference_optimizers.py</c>) on the same parameter sets, default hyperparameters, seeded values and thread count.
/// Each round takes the algorithms in turn: ours on every set (<see cref="OptimizerStepRunner.Measure"/>), then the script
/// on every set with the same protocol (<see cref="OptimizerStepRunner.Protocol"/>: warm-up, timed steps). The report
/// gives, per algorithm × set, the medians over rounds
/// of our regular and amortized step and of the reference's fastest variant, their ratios, and flags every ratio &gt; 1.0.
/// <c>--check</c> (<see cref="ReferenceCheck"/>) verifies beforehand that both sides compute the same algorithm.
/// </summary>
public static class PyTorchComparison
{
    /// <summary>The interpreter with Debian's torch (not a pyenv shim on PATH).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>
    /// The path of <paramref name="name"/> among the reference scripts copied next to the benchmark
    /// (<c>reference/</c>), after checking that it and the interpreter exist.
    /// </summary>
    public static string ReferenceScript(string name)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference", name);
        if (!File.Exists(Python)) throw new FileNotFoundException($"{Python} not found: install Debian's PyTorch with apt-get install -y python3-torch", Python);
        if (!File.Exists(script)) throw new FileNotFoundException($"{script} not found: rebuild the benchmarks project", script);
        return script;
    }

    /// <summary>
    /// Starts <see cref="Python"/> on <paramref name="script"/> with <paramref name="args"/>, output and errors redirected
    /// (stdin too when <paramref name="input"/>), from the temp directory: a <c>torch/</c> folder in the working
    /// directory (the repository root has one) would shadow the Python package. <paramref name="pythonPath"/>, when
    /// given, is the <c>PYTHONPATH</c> (e.g. the reference folder, so a recorder can import its optimizers).
    /// </summary>
    public static Process StartPython(string script, IEnumerable<string> args, bool input = false, string? pythonPath = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = input,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (pythonPath is not null) psi.Environment["PYTHONPATH"] = pythonPath;
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
    }

    /// <summary>
    /// Runs the comparison; returns a process exit code (0; the verdict is printed, SLOWER flags included). With
    /// <paramref name="profileDir"/>, afterwards profiles each algorithm × set once more on both sides (libtorch's op
    /// profiler, as many steps as are timed), writes the traces there and prints the op-by-op table of self times.
    /// </summary>
    public static int Run(IReadOnlyList<ITrainingAlgorithm> algorithms, IReadOnlyList<ParameterSet> sets, int rounds, int minSteps, TextWriter output, string? profileDir = null)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(output);
        string script = ReferenceScript("optimizer_step.py");
        int threads = TorchRuntime.NumThreads;
        var ours = new Dictionary<(string, string), List<StepTiming>>();
        var theirs = new Dictionary<(string Algorithm, string Set, string Variant), List<ReferenceTiming>>();
        for (int r = 0; r < rounds; r++)
        {
            // Alternate per algorithm (ours on every set, then the reference on every set) so slow drift of a shared
            // machine hits both sides of a pair alike.
            foreach (var a in algorithms)
            {
                foreach (var set in sets) Add(ours, (a.Name, set.Name), OptimizerStepRunner.Measure(a, set, minSteps));
                var (_, warmup, timed) = OptimizerStepRunner.Protocol(a, minSteps);
                string job = string.Create(CultureInfo.InvariantCulture, $"{a.Name}:{warmup}:{timed}");
                foreach (var t in RunPython(script, sets, job, threads)) Add(theirs, (t.Algorithm, t.Set, t.Variant), t);
            }

            output.WriteLine($"round {r + 1}/{rounds}: " + string.Join("; ", algorithms.Select(a =>
                $"{a.Name} {string.Join("/", sets.Select(s => ours[(a.Name, s.Name)][^1].AmortizedMs.ToString("F1", CultureInfo.InvariantCulture)))} ms")));
        }

        output.WriteLine();
        output.WriteLine($"optimizer step, ours vs our PyTorch reference ({threads} threads, median of {rounds} rounds; each round the median (regular) and mean (amortized) of ≥{minSteps} steps)");
        output.WriteLine($"{"algorithm",-19} {"set",-11} {"ours reg",9} {"ours amo",9} {"ref reg",9} {"ref amo",9} {"reg ×",7} {"amo ×",7}  reference (fastest variant)");
        var slower = new List<string>();
        foreach (var a in algorithms)
        {
            foreach (var set in sets)
            {
                var o = ours[(a.Name, set.Name)];
                double oReg = Stats.Median(o.Select(x => x.RegularMs).ToList()), oAmo = Stats.Median(o.Select(x => x.AmortizedMs).ToList());
                var best = theirs.Where(kv => kv.Key.Algorithm == a.Name && kv.Key.Set == set.Name)
                    .Select(kv => (kv.Key.Variant, Reg: Stats.Median(kv.Value.Select(x => x.RegularMs).ToList()), Amo: Stats.Median(kv.Value.Select(x => x.AmortizedMs).ToList())))
                    .MinBy(x => x.Amo);
                double rReg = oReg / best.Reg, rAmo = oAmo / best.Amo;
                bool flag = rReg > 1.0 || rAmo > 1.0;
                if (flag) slower.Add($"{a.Name}/{set.Name}");
                output.WriteLine($"{a.Name,-19} {set.Name,-11} {oReg,9:F3} {oAmo,9:F3} {best.Reg,9:F3} {best.Amo,9:F3} {rReg,7:F3} {rAmo,7:F3}  {best.Variant}{(flag ? "  SLOWER" : string.Empty)}");
            }
        }

        output.WriteLine(slower.Count == 0
            ? "target ours ≤ 1.0× the reference (regular and amortized): MET everywhere"
            : $"target ours ≤ 1.0× the reference: MISSED for {string.Join(", ", slower)}");
        if (profileDir is not null) Profile(algorithms, sets, minSteps, threads, script, profileDir, output);
        return 0;
    }

    /// <summary>One more run per algorithm × set on each side under the op profiler; prints compare_traces.py's table (the reference's fastest variant).</summary>
    private static void Profile(IReadOnlyList<ITrainingAlgorithm> algorithms, IReadOnlyList<ParameterSet> sets, int minSteps, int threads, string script, string dir, TextWriter output)
    {
        dir = Path.GetFullPath(dir);
        Directory.CreateDirectory(dir);
        string compare = ReferenceScript("compare_traces.py");
        foreach (var a in algorithms)
        {
            var (_, warmup, timed) = OptimizerStepRunner.Protocol(a, minSteps);
            string job = string.Create(CultureInfo.InvariantCulture, $"{a.Name}:{warmup}:{timed}");
            var references = RunPython(script, sets, job, threads, dir);
            foreach (var set in sets)
            {
                string ours = Path.Combine(dir, $"{set.Name}.{a.Name}.cs.json");
                OptimizerStepRunner.Measure(a, set, minSteps, profilePath: ours);
                var best = references.Where(t => t.Set == set.Name && t.Trace is not null).MinBy(t => t.AmortizedMs)
                    ?? throw new InvalidOperationException($"{script} wrote no trace for {a.Name} on {set.Name}");
                output.WriteLine();
                output.WriteLine($"{a.Name} on {set.Name}: op profile of {timed} steps, ours vs {best.Variant} (traces {ours}, {best.Trace})");
                using var proc = StartPython(compare, [ours, best.Trace!, timed.ToString(CultureInfo.InvariantCulture), "40"]);
                var errors = proc.StandardError.ReadToEndAsync();
                output.Write(proc.StandardOutput.ReadToEnd());
                output.Write(errors.Result);
                proc.WaitForExit();
            }
        }
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> into, TKey key, TValue value)
        where TKey : notnull
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        list.Add(value);
    }

    private static List<ReferenceTiming> RunPython(string script, IReadOnlyList<ParameterSet> sets, string jobs, int threads, string? profileDir = null)
    {
        List<string> args = ["--sets", string.Join(",", sets.Select(s => s.Name)), "--jobs", jobs, "--threads", threads.ToString(CultureInfo.InvariantCulture)];
        if (profileDir is not null) args.AddRange(["--profile", profileDir]);
        using var proc = StartPython(script, args);
        var stderr = proc.StandardError.ReadToEndAsync();
        string stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Python} {script} failed (exit {proc.ExitCode}): {stderr.Result.Trim()}\nIs python3-torch installed? apt-get install -y python3-torch");
        }

        var result = new List<ReferenceTiming>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            result.Add(new ReferenceTiming(root.GetProperty("algorithm").GetString()!, root.GetProperty("set").GetString()!, root.GetProperty("variant").GetString()!,
                root.GetProperty("regular_ms").GetDouble(), root.GetProperty("amortized_ms").GetDouble(),
                root.TryGetProperty("trace", out var trace) ? trace.GetString() : null));
        }

        return result;
    }
}
