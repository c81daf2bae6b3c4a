using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Conformance;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--compare-pytorch --check</c>: verifies that each PyTorch reference of the speed comparison computes the same
/// update as our built-in, so the timings compare one algorithm. For each algorithm the reference is recorded by
/// <c>benchmarks/reference/check_trajectory.py</c> (fixed float32 initial values and N(0, 1) gradients on a 12×12
/// weight, a 12-vector, a 6×4×3×3 convolution, an 8×8 head and a 14×6 weight; float32 and float64 runs fed the same
/// gradients) and our built-in replays the gradient stream from the same initial values (<see cref="ConformanceCheck"/>).
/// The verdict is the float64 replay against the reference's float64 run, with the conformance check's tolerance:
/// 10 × max(G(t)·u₆₄/u₃₂, u₆₄), G(t) being the reference's own float32-vs-float64 gap up to step t — rounding amplified
/// as much as this optimizer amplifies it, far below what a formula difference (a bias correction, ε's place, a refresh
/// step) gives. The float32 replay is printed for information.
/// </summary>
/// <remarks>
/// The hyperparameters are the built-ins' defaults with a constant learning rate, except that the check makes the
/// amortized machinery run within its <see cref="Steps"/> steps: the Shampoo family preconditions from step 8 and
/// refreshes every 4 (8 and 12) with blocks of 7 (12 → 7 + 5, 8 → 7 + 1, 14 → 7 + 7; the convolution stays order 4),
/// SOAP refreshes every 3 steps, and Muon's Newton–Schulz runs in float64 on both sides (our CPU default is float32, the
/// authors' bfloat16; the timing reports both). Every Kronecker factor is full rank when decomposed (step 8 ≥ the block
/// sizes; SOAP, which decomposes step 1's factors, gets square matrices only): a repeated zero eigenvalue leaves the
/// eigenbasis of its null space arbitrary, and the eigenvalue-corrected updates depend on that basis, so two correct
/// implementations would differ by ~1e-3 there from rounding alone.
/// </remarks>
public static class ReferenceCheck
{
    /// <summary>Steps recorded and replayed per algorithm.</summary>
    public const int Steps = 14;

    private const string Blocked = """{"max_preconditioner_dim": 7, "precondition_frequency": 4, "start_preconditioning_step": 8}""";

    private static readonly (string, object)[] BlockedOverrides = [("max_preconditioner_dim", 7.0), ("precondition_frequency", 4.0), ("start_preconditioning_step", 8.0)];

    /// <summary>Every algorithm with a reference: the PyTorch class, its keyword arguments, and our overrides.</summary>
    public static IReadOnlyList<ReferenceCase> Cases { get; } =
    [
        new("adamw", "torch.optim.AdamW", """{"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01}""", []),
        new("nadamw", "reference_optimizers.NAdamW", "{}", []),
        new("sgd_nesterov", "torch.optim.SGD", """{"lr": 0.1, "momentum": 0.9, "nesterov": true, "weight_decay": 5e-4}""", []),
        new("muon", "reference_optimizers.Muon", """{"hidden": [true, false, true, false, true], "ns_dtype": "float64"}""", [("ns_dtype", "float64")]),
        new("shampoo", "reference_optimizers.Shampoo", Blocked, BlockedOverrides),
        new("ec_shampoo", "reference_optimizers.EcShampoo", Blocked, BlockedOverrides),
        new("purified_shampoo", "reference_optimizers.PurifiedShampoo", Blocked, BlockedOverrides),
        new("soap", "reference_optimizers.Soap", """{"precondition_frequency": 3}""", [("precondition_frequency", 3.0)]) { SquareOnly = true },
    ];

    /// <summary>Checks every selected algorithm; returns 0 when all pass, 1 when one does not.</summary>
    public static int Run(IReadOnlyList<ITrainingAlgorithm> algorithms, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        ArgumentNullException.ThrowIfNull(output);
        string recorder = PyTorchComparison.ReferenceScript("check_trajectory.py");
        string folder = Path.GetDirectoryName(recorder)!;
        output.WriteLine($"reference check: {Steps} steps from the same initial values and gradients, our float64 replay vs the reference's float64 run");
        output.WriteLine($"{"algorithm",-17} {"reference",-36} {"f64 max rel",12} {"tolerance",10} {"f32 max rel",12}  verdict");
        bool all = true;
        foreach (var algorithm in algorithms)
        {
            var c = Cases.FirstOrDefault(x => x.Algorithm == algorithm.Name)
                ?? throw new ArgumentException($"no PyTorch reference for '{algorithm.Name}' (known: {string.Join(", ", Cases.Select(x => x.Algorithm))})");
            string dir = Path.Combine(Path.GetTempPath(), $"algoperf-refcheck-{Environment.ProcessId}-{c.Algorithm}");
            try
            {
                Record(recorder, folder, c, dir);
                var result = ConformanceCheck.Run(algorithm, c.Hyperparameters(), Trajectory.Load(dir));
                var (f64, tol) = Worst(result.Float64);
                var (f32, _) = Worst(result.Float32);
                bool ok = result.Float64.All(p => p.FirstFailure < 0);
                all &= ok;
                output.WriteLine($"{c.Algorithm,-17} {c.PythonClass,-36} {E(f64),12} {E(tol),10} {E(f32),12}  {(ok ? "ok" : "FAIL")}");
                if (!ok) output.Write(result.ToText());
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }

        output.WriteLine(all ? "PASS: every reference computes our built-in's update" : "FAIL: a reference differs from our built-in beyond rounding (see above)");
        return all ? 0 : 1;
    }

    private static void Record(string recorder, string folder, ReferenceCase c, string dir)
    {
        using var proc = PyTorchComparison.StartPython(recorder,
            ["--optimizer", c.PythonClass, "--kwargs", c.Kwargs, "--steps", Steps.ToString(CultureInfo.InvariantCulture), "--out", dir, .. (c.SquareOnly ? ["--square-only"] : Array.Empty<string>())],
            pythonPath: folder);
        var stdout = proc.StandardOutput.ReadToEndAsync();
        string stderr = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        _ = stdout.Result;
        if (proc.ExitCode != 0)
        {
            throw new InvalidOperationException($"recording {c.PythonClass} failed (exit {proc.ExitCode}): {stderr.Trim()}");
        }
    }

    /// <summary>The largest error over parameters and steps, with the tolerance at that parameter and step.</summary>
    private static (double Error, double Tolerance) Worst(IReadOnlyList<ParameterErrors> errors)
    {
        var worst = errors.Select(p => (p.Worst.Error, Tolerance: p.Tolerances[p.Worst.Step])).MaxBy(x => x.Error);
        return (worst.Error, worst.Tolerance);
    }

    private static string E(double v) => v.ToString("0.00e+00", CultureInfo.InvariantCulture);
}
