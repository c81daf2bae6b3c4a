using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--compare-pytorch</c>: our <c>adamw</c> step against <c>torch.optim.AdamW</c> (foreach off and on) on the same
/// parameter sets, in one session: each round times C# (this process) and then PyTorch (Debian's python3-torch,
/// <c>benchmarks/reference/adamw_step.py</c>, same libtorch and OpenBLAS, same thread count); the report gives the
/// median over rounds of each side's per-round median and the ratio to PyTorch's faster configuration.
/// Target (issue 3): ours ≤ 1.0× PyTorch's fastest on w1024 and llama_tiny.
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
    /// directory (the repository root has one) would shadow the Python package.
    /// </summary>
    public static Process StartPython(string script, IEnumerable<string> args, bool input = false)
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
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
    }

    /// <summary>Runs the comparison; returns a process exit code.</summary>
    public static int Run(IReadOnlyList<ParameterSet> sets, int rounds, int steps, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(output);
        string script = ReferenceScript("adamw_step.py");
        var adamw = OptimizerStepRunner.Select(["adamw"])[0];
        int threads = TorchRuntime.NumThreads;
        var ours = sets.ToDictionary(s => s.Name, _ => new List<double>());
        var torchOff = sets.ToDictionary(s => s.Name, _ => new List<double>());
        var torchOn = sets.ToDictionary(s => s.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach (var set in sets) ours[set.Name].Add(OptimizerStepRunner.Measure(adamw, set, steps).RegularMs);
            foreach (var (set, foreach_, ms) in RunPython(script, sets, steps, threads))
            {
                (foreach_ ? torchOn : torchOff)[set].Add(ms);
            }

            output.WriteLine($"round {r + 1}/{rounds}: " + string.Join("; ", sets.Select(s =>
                $"{s.Name} C# {ours[s.Name][^1]:F2} ms, torch {torchOff[s.Name][^1]:F2}/{torchOn[s.Name][^1]:F2} ms")));
        }

        output.WriteLine();
        output.WriteLine($"AdamW step, C# vs torch.optim.AdamW ({threads} threads, median of {rounds} rounds of ≥{steps}-step medians)");
        output.WriteLine($"{"set",-12} {"params",10} {"C# ms",9} {"torch ms",10} {"foreach ms",11} {"C#/fastest",11}");
        bool met = true;
        foreach (var set in sets)
        {
            double cs = Stats.Median(ours[set.Name]);
            double off = Stats.Median(torchOff[set.Name]);
            double on = Stats.Median(torchOn[set.Name]);
            double ratio = cs / Math.Min(off, on);
            met &= ratio <= 1.0;
            output.WriteLine($"{set.Name,-12} {set.Count,10} {cs,9:F3} {off,10:F3} {on,11:F3} {ratio,11:F3}");
        }

        output.WriteLine($"target C# ≤ 1.0× PyTorch's fastest: {(met ? "MET" : "MISSED")}");
        return 0;
    }

    private static List<(string Set, bool Foreach, double Ms)> RunPython(string script, IReadOnlyList<ParameterSet> sets, int steps, int threads)
    {
        using var proc = StartPython(script, ["--sets", string.Join(",", sets.Select(s => s.Name)), "--steps", steps.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture)]);
        var stderr = proc.StandardError.ReadToEndAsync();
        string stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Python} {script} failed (exit {proc.ExitCode}): {stderr.Result.Trim()}\nIs python3-torch installed? apt-get install -y python3-torch");
        }

        var result = new List<(string, bool, double)>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            result.Add((root.GetProperty("set").GetString()!, root.GetProperty("foreach").GetBoolean(), root.GetProperty("median_ms").GetDouble()));
        }

        return result;
    }
}
